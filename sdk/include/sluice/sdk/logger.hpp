// The host's logger, handed to each plugin. Plugins log through it (never to stdout/stderr
// directly), so operators get one stream with one format. Thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace sluice::sdk {

enum class LogLevel : std::uint8_t { kTrace, kDebug, kInfo, kWarn, kError };

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;
  virtual bool enabled(LogLevel level) const = 0;

  void debug(std::string_view m) { log(LogLevel::kDebug, m); }
  void info(std::string_view m) { log(LogLevel::kInfo, m); }
  void warn(std::string_view m) { log(LogLevel::kWarn, m); }
  void error(std::string_view m) { log(LogLevel::kError, m); }
};

}  // namespace sluice::sdk
