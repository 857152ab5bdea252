// RedisWatcher: long-poll wake-ups across brokers. Stores publish on a queue's channel (inside the
// scripts that make messages available: append, releases, dead-lettering, moves, FIFO groups
// unlocking); the watcher of every broker holds one subscriber connection and calls the callbacks
// registered for that channel.
//
// A message whose payload is this store's own instance id is skipped: the broker that published
// it already woke its own long pollers. After a reconnect (Redis restarted, network trouble)
// every callback is called once, since wake-ups published meanwhile were lost.
//
// Threading: watch() and dropping handles may happen on any thread. Callbacks run on the
// watcher's own thread and must be quick. Once a WatchHandle's destructor has returned, its
// callback never runs again (the destructor waits for a call in progress, unless it runs on the
// watcher thread itself).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "redis_store_options.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::plugins::redis {

class RedisWatcher {
 public:
  // Starts the watcher thread; it connects when the first channel is watched. `logger` must
  // outlive the watcher.
  RedisWatcher(RedisStoreOptions options, std::string instance_id, sdk::Logger* logger);
  ~RedisWatcher();
  RedisWatcher(const RedisWatcher&) = delete;
  RedisWatcher& operator=(const RedisWatcher&) = delete;

  // Calls `on_change` whenever a message arrives on `channel` (from another instance). Returns
  // once Redis confirmed the subscription, so a wake-up published after watch() returns is seen;
  // if Redis does not confirm within the command timeout (it is away), returns anyway and
  // subscribes when Redis is back.
  std::unique_ptr<sdk::WatchHandle> watch(const std::string& channel,
                                          std::function<void()> on_change);

  struct Shared;  // state shared with handles (defined in the .cpp)

 private:
  void run();

  std::shared_ptr<Shared> shared_;
  std::thread thread_;
};

}  // namespace sluice::plugins::redis
