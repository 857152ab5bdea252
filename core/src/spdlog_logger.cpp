#include "sluice/core/spdlog_logger.hpp"

#include <utility>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace sluice::core {
namespace {

spdlog::level::level_enum to_spdlog(sdk::LogLevel level) {
  switch (level) {
    case sdk::LogLevel::kTrace:
      return spdlog::level::trace;
    case sdk::LogLevel::kDebug:
      return spdlog::level::debug;
    case sdk::LogLevel::kInfo:
      return spdlog::level::info;
    case sdk::LogLevel::kWarn:
      return spdlog::level::warn;
    case sdk::LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

SpdlogLogger::SpdlogLogger(std::string component, std::vector<spdlog::sink_ptr> sinks,
                           sdk::LogLevel level)
    : logger_(std::make_shared<spdlog::logger>(std::move(component), sinks.begin(), sinks.end())),
      level_(level) {
  logger_->set_level(to_spdlog(level));
  // Errors and warnings reach the operator even if the process dies right after.
  logger_->flush_on(spdlog::level::warn);
}

void SpdlogLogger::log(sdk::LogLevel level, std::string_view message) {
  logger_->log(to_spdlog(level), "{}", message);
}

bool SpdlogLogger::enabled(sdk::LogLevel level) const {
  return static_cast<int>(level) >= static_cast<int>(level_);
}

std::shared_ptr<SpdlogLogger> SpdlogLogger::for_component(std::string component) const {
  return std::make_shared<SpdlogLogger>(std::move(component), logger_->sinks(), level_);
}

std::shared_ptr<SpdlogLogger> make_stderr_logger(std::string component, sdk::LogLevel level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(spdlog::color_mode::automatic);
  sink->set_pattern(kLogPattern);
  return std::make_shared<SpdlogLogger>(std::move(component), std::vector<spdlog::sink_ptr>{sink},
                                        level);
}

}  // namespace sluice::core
