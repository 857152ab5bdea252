#include "redis_store_test_fixture.hpp"

#include <sstream>
#include <thread>

#include "server_check.hpp"

namespace sluice::plugins::redis::testing {
namespace {

// "cmdstat_hget:calls=5,usec=..." -> 5 for a line naming `command`, or -1.
std::int64_t calls_in_line(std::string_view line, std::string_view* command) {
  constexpr std::string_view kTag = "cmdstat_";
  if (!line.starts_with(kTag)) return -1;
  const std::size_t colon = line.find(':');
  const std::size_t calls = line.find("calls=");
  if (colon == std::string_view::npos || calls == std::string_view::npos) return -1;
  *command = line.substr(kTag.size(), colon - kTag.size());
  return std::stoll(std::string(line.substr(calls + 6)));
}

}  // namespace

std::int64_t RedisStoreTest::calls_of(std::string_view command) {
  Reply stats = admin({"INFO", "commandstats"});
  if (stats == nullptr) return -1;
  std::istringstream lines{std::string(reply_text(*stats))};
  std::string line;
  while (std::getline(lines, line)) {
    std::string_view name;
    const std::int64_t calls = calls_in_line(line, &name);
    if (calls >= 0 && name == command) return calls;
  }
  return 0;
}

std::int64_t RedisStoreTest::all_calls() {
  Reply stats = admin({"INFO", "commandstats"});
  if (stats == nullptr) return -1;
  std::istringstream lines{std::string(reply_text(*stats))};
  std::string line;
  std::int64_t total = 0;
  while (std::getline(lines, line)) {
    std::string_view name;
    const std::int64_t calls = calls_in_line(line, &name);
    if (calls >= 0 && name != "info" && name != "ping") total += calls;
  }
  return total;
}

void RedisStoreTest::stop_redis() {
  if (admin_ != nullptr) (void)admin_->run(Command{"SHUTDOWN", "NOSAVE"});
  admin_.reset();
  // Wait until the port refuses connections.
  for (int i = 0; i < 100; ++i) {
    if (!RedisConnection::open(options_).ok()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "redis-server still answers after SHUTDOWN";
}

void RedisStoreTest::start_redis() {
  const char* args = std::getenv("SLUICE_REDIS_SERVER_ARGS");
  ASSERT_NE(args, nullptr);
  // daemonize yes and the same pidfile: with_redis.sh stops this incarnation too.
  const std::string command = std::string("/usr/bin/redis-server ") + args;
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  for (int i = 0; i < 200; ++i) {
    auto connection = RedisConnection::open(options_);
    if (connection.ok()) {
      auto ping = (*connection)->run(Command{"PING"});
      if (ping.ok() && reply_text(**ping) == "PONG") return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL() << "redis-server did not come back";
}

}  // namespace sluice::plugins::redis::testing
