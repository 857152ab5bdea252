// WakeNotifier: tells other brokers that messages may have become available in a queue, with
// PostgreSQL NOTIFY on the store's channel (payload: the queue name), from its own thread and
// connection.
//
// Why not NOTIFY inside the append's own transaction: PostgreSQL serialises the commits of all
// transactions that notify (one lock on the notification queue, held through the commit's WAL
// flush), which would turn every append of every broker into one queue. Here an append only
// records the queue name; the thread sends one NOTIFY statement for all queues recorded while
// the previous one was in flight, a fraction of a millisecond after the append committed.
//
// Wake-ups are hints: a lost one (connection down) costs a long poller at most the core's
// periodic recheck. Threading: poke() from any thread, never blocks on the database.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "connection_pool.hpp"
#include "sluice/sdk/logger.hpp"

namespace sluice::plugins::postgres {

class WakeNotifier {
 public:
  WakeNotifier(const ConnectionPool& pool, std::string channel, sdk::Logger* logger);
  ~WakeNotifier();  // stops the thread; pending wake-ups are dropped
  WakeNotifier(const WakeNotifier&) = delete;
  WakeNotifier& operator=(const WakeNotifier&) = delete;

  // Starts the thread, which opens its connection at once so the first wake-up is as quick as the
  // others. Without start(), the first poke() starts it.
  void start();

  // Records that `queue` may have messages.
  void poke(std::string_view queue);

  // The backend pid of the notifier's current connection (0 before it has one), so this broker's
  // listener can ignore its own notifications.
  int backend_pid() const { return backend_pid_.load(); }

 private:
  void run();
  // Opens the connection and prepares the NOTIFY statement. Throws what libpqxx throws.
  void connect(std::unique_ptr<pqxx::connection>& connection);

  const ConnectionPool& pool_;
  const std::string channel_;
  sdk::Logger* logger_;
  std::atomic<int> backend_pid_{0};

  std::mutex mutex_;
  std::condition_variable wake_;
  std::set<std::string> pending_;  // guarded by mutex_
  bool stopping_ = false;          // guarded by mutex_
  std::thread thread_;             // started under mutex_
};

}  // namespace sluice::plugins::postgres
