// The fixture of the Redis store's server-backed tests. They run under with_redis.sh, which starts
// a private redis-server and exports SLUICE_REDIS_PORT, SLUICE_REDIS_DIR and
// SLUICE_REDIS_SERVER_ARGS. Each test uses its own key prefix, so tests never see each other's
// queues. The fixture also holds an admin connection for looking at (and restarting) the server.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "redis_connection.hpp"
#include "redis_queue_store.hpp"
#include "redis_store_options.hpp"
#include "sluice/sdk/logger.hpp"

namespace sluice::plugins::redis::testing {

// Keeps every line logged, for tests that check what the store says.
class CapturingLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel level, std::string_view message) override {
    std::lock_guard lock(mutex_);
    lines_.push_back({level, std::string(message)});
  }
  bool enabled(sdk::LogLevel) const override { return true; }
  bool logged(sdk::LogLevel level, std::string_view fragment) const {
    std::lock_guard lock(mutex_);
    for (const auto& [l, text] : lines_) {
      if (l == level && text.find(fragment) != std::string::npos) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<sdk::LogLevel, std::string>> lines_;
};

class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* port = std::getenv("SLUICE_REDIS_PORT");
    ASSERT_NE(port, nullptr) << "run this under tests/stores/redis/with_redis.sh";
    options_.port = std::stoll(port);
    options_.key_prefix = "t" + random_hex(10);
    options_.reconnect_backoff_ms = 100;
    options_.command_timeout_ms = 2000;
    auto admin = RedisConnection::open(options_);
    ASSERT_TRUE(admin.ok()) << admin.error().message;
    admin_ = std::move(admin).value();
  }

  sdk::Result<std::unique_ptr<RedisQueueStore>> open_store(sdk::Logger* logger = nullptr) {
    return RedisQueueStore::open(options_, logger != nullptr ? logger : &logger_);
  }

  // The reply of one admin command; fails the test on an I/O error.
  Reply admin(const Command& command) {
    if (admin_ == nullptr || admin_->broken()) {
      auto reopened = RedisConnection::open(options_);
      if (!reopened.ok()) {
        ADD_FAILURE() << reopened.error().message;
        return nullptr;
      }
      admin_ = std::move(reopened).value();
    }
    auto reply = admin_->run(command);
    if (!reply.ok()) {
      ADD_FAILURE() << command[0] << ": " << reply.error().message;
      return nullptr;
    }
    return std::move(reply).value();
  }

  // How many times the server has run `command` (lower case, e.g. "evalsha"), from INFO
  // commandstats. Commands run by scripts count too.
  std::int64_t calls_of(std::string_view command);
  // Every command the server has run except INFO and PING (the watcher's keep-alive).
  std::int64_t all_calls();

  // SHUTDOWN NOSAVE (the append-only file keeps every acknowledged change), and back.
  void stop_redis();
  void start_redis();

  static std::string random_hex(std::size_t digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::random_device device;
    std::mt19937_64 engine((static_cast<std::uint64_t>(device()) << 32) ^ device());
    std::string out;
    for (std::size_t i = 0; i < digits; ++i) out.push_back(kHex[engine() % 16]);
    return out;
  }

  static sdk::TimePoint at(std::int64_t ms) {
    return sdk::from_unix_millis(1'700'000'000'000 + ms);
  }
  static sdk::NewMessage message(std::string id, std::int64_t sent_ms = 0,
                                 std::int64_t delay_ms = 0, std::string group = "") {
    sdk::NewMessage m;
    m.envelope = "envelope of " + id;
    m.message_id = std::move(id);
    m.sent_at = at(sent_ms);
    m.visible_at = at(sent_ms + delay_ms);
    m.group_id = std::move(group);
    if (!m.group_id.empty()) m.dedup_key = "dedup-" + m.message_id;
    return m;
  }
  static sdk::QueueRecord queue(std::string name, bool fifo = false) {
    sdk::QueueRecord record;
    record.name = std::move(name);
    record.fifo = fifo;
    record.metadata = "meta";
    return record;
  }

  RedisStoreOptions options_;
  CapturingLogger logger_;
  std::unique_ptr<RedisConnection> admin_;
};

}  // namespace sluice::plugins::redis::testing
