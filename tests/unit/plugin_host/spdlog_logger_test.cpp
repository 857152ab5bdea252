// The host logger: one line per message with timestamp, level and component; messages below the
// configured level are dropped.
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "sluice/core/spdlog_logger.hpp"

namespace sluice::core {
namespace {

struct Captured {
  std::ostringstream out;
  std::shared_ptr<SpdlogLogger> logger;
};

std::unique_ptr<Captured> capture(sdk::LogLevel level) {
  auto captured = std::make_unique<Captured>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured->out);
  sink->set_pattern(kLogPattern);
  captured->logger =
      std::make_shared<SpdlogLogger>("broker", std::vector<spdlog::sink_ptr>{sink}, level);
  return captured;
}

TEST(SpdlogLogger, WritesTimestampLevelComponentAndMessageOnOneLine) {
  auto c = capture(sdk::LogLevel::kInfo);
  c->logger->info("queue orders created");
  const std::regex line(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:?\d\d info \[broker\] queue orders created\n)");
  EXPECT_TRUE(std::regex_match(c->out.str(), line)) << c->out.str();
}

TEST(SpdlogLogger, DropsMessagesBelowItsLevel) {
  auto c = capture(sdk::LogLevel::kWarn);
  c->logger->info("not shown");
  c->logger->debug("not shown either");
  c->logger->error("shown");
  EXPECT_EQ(c->out.str().find("not shown"), std::string::npos);
  EXPECT_NE(c->out.str().find("error [broker] shown"), std::string::npos) << c->out.str();
}

TEST(SpdlogLogger, ReportsWhichLevelsAreEnabled) {
  auto c = capture(sdk::LogLevel::kInfo);
  EXPECT_FALSE(c->logger->enabled(sdk::LogLevel::kDebug));
  EXPECT_TRUE(c->logger->enabled(sdk::LogLevel::kInfo));
  EXPECT_TRUE(c->logger->enabled(sdk::LogLevel::kError));
}

TEST(SpdlogLogger, ComponentLoggerSharesSinksAndLevelUnderItsOwnName) {
  auto c = capture(sdk::LogLevel::kInfo);
  auto store = c->logger->for_component("storage.memory");
  store->debug("hidden");
  store->warn("low on memory");
  EXPECT_EQ(store->component(), "storage.memory");
  EXPECT_EQ(c->out.str().find("hidden"), std::string::npos);
  EXPECT_NE(c->out.str().find("warning [storage.memory] low on memory"), std::string::npos)
      << c->out.str();
}

}  // namespace
}  // namespace sluice::core
