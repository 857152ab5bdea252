// The host's sdk::Logger, on spdlog. Every component (the daemon, the broker, each plugin instance)
// gets its own SpdlogLogger; all of them write to the same sinks, one line per message:
//   2024-05-01T12:00:00.123+0000 info [storage.memory] opened
// (timestamp with milliseconds and UTC offset, level, component, message). Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/common.h>
#include <spdlog/logger.h>

#include "sluice/sdk/logger.hpp"

namespace sluice::core {

class SpdlogLogger final : public sdk::Logger {
 public:
  // Logs as `component` to `sinks`, dropping messages below `level`.
  SpdlogLogger(std::string component, std::vector<spdlog::sink_ptr> sinks, sdk::LogLevel level);

  void log(sdk::LogLevel level, std::string_view message) override;
  bool enabled(sdk::LogLevel level) const override;

  // Another component writing to the same sinks at the same level.
  std::shared_ptr<SpdlogLogger> for_component(std::string component) const;

  const std::string& component() const { return logger_->name(); }
  void flush() { logger_->flush(); }

 private:
  std::shared_ptr<spdlog::logger> logger_;
  sdk::LogLevel level_;
};

// The daemon's logger: stderr (coloured only when stderr is a terminal), so systemd's journal or
// a container runtime collects it.
std::shared_ptr<SpdlogLogger> make_stderr_logger(std::string component, sdk::LogLevel level);

// The line layout, for anyone adding a sink (e.g. a file sink) to a logger family.
inline constexpr const char* kLogPattern = "%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ [%n] %v";

}  // namespace sluice::core
