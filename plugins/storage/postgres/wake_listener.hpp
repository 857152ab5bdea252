// WakeListener: QueueStore::watch across brokers. One thread per store LISTENs on the store's
// channel with its own connection and calls the callbacks registered for the queue a
// notification names (WakeNotifier sends them). It ignores notifications from this broker's own
// notifier: the core wakes its own long pollers.
//
// When the connection is lost it reconnects (after reconnect_interval) and then calls every
// callback once, since notifications sent meanwhile are gone.
//
// Threading: watch() and the handles' destructors from any thread. Callbacks run on the listener
// thread; a handle's destructor waits for a running call of its callback to finish, so after it
// returns the callback never runs again (a callback must therefore not destroy its own handle).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "connection_pool.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::plugins::postgres {

class WakeNotifier;

class WakeListener {
 public:
  WakeListener(const ConnectionPool& pool, std::string channel, const WakeNotifier* own_notifier,
               sdk::Logger* logger);
  ~WakeListener();  // stops the thread
  WakeListener(const WakeListener&) = delete;
  WakeListener& operator=(const WakeListener&) = delete;

  // Starts the thread, which connects and LISTENs at once. Without start(), the first watch()
  // starts it.
  void start();

  // Registers `on_change` for `queue`.
  std::unique_ptr<sdk::WatchHandle> watch(std::string_view queue, std::function<void()> on_change);

  // Calls the callbacks of `queue` (all queues if empty), as a notification would.
  void dispatch(std::string_view queue);

 private:
  struct Registration {
    std::mutex mutex;  // held while the callback runs
    std::function<void()> callback;
    bool alive = true;  // guarded by mutex
  };
  class Registry;
  class Handle;
  class Receiver;

  void run();
  void start_locked();  // caller holds thread_mutex_
  // Waits up to `ms` for the stop pipe; true if stopping.
  bool wait_for_stop(int ms);

  const ConnectionPool& pool_;
  const std::string channel_;
  const WakeNotifier* own_notifier_;
  sdk::Logger* logger_;
  std::shared_ptr<Registry> registry_;

  std::mutex thread_mutex_;
  std::thread thread_;  // guarded by thread_mutex_
  int stop_pipe_[2] = {-1, -1};
};

}  // namespace sluice::plugins::postgres
