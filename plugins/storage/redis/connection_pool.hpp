// ConnectionPool: up to options.pool_size RedisConnections shared by the store's callers.
//
// Threading: acquire() may be called from any thread; a Lease is used by the thread that got it
// and returns its connection when destroyed (a broken connection is dropped instead, so the next
// acquire opens a fresh one: that is how the store reconnects after a Redis restart).
//
// Failing fast: when a connect fails, every acquire() during the next reconnect_backoff_ms fails
// at once with the same kServiceUnavailable error instead of trying (and waiting) again, so a
// broker with Redis away answers ServiceUnavailable promptly rather than piling up timeouts.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "redis_connection.hpp"
#include "redis_store_options.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::plugins::redis {

class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<RedisConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    RedisConnection& operator*() { return *connection_; }
    RedisConnection* operator->() { return connection_.get(); }
    // True if this connection was opened for this lease (not reused from the pool).
    bool fresh() const { return fresh_; }
    void set_fresh(bool fresh) { fresh_ = fresh; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<RedisConnection> connection_;
    bool fresh_ = false;
  };

  // `logger` must outlive the pool. No connection is opened until the first acquire().
  ConnectionPool(RedisStoreOptions options, sdk::Logger* logger);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // An idle healthy connection, else a new one if fewer than pool_size exist, else waits up to
  // command_timeout_ms for one to come back. kServiceUnavailable if Redis is unreachable (or was
  // within the back-off window) or no connection became free in time.
  sdk::Result<Lease> acquire();

  // Drops every idle connection (they will be reopened on demand).
  void clear_idle();

  const RedisStoreOptions& options() const { return options_; }

 private:
  void give_back(std::unique_ptr<RedisConnection> connection);

  const RedisStoreOptions options_;
  sdk::Logger* logger_;

  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;  // guarded by mutex_
  std::size_t open_ = 0;                                // connections alive, idle or leased
  std::chrono::steady_clock::time_point failed_at_{};   // last failed connect
  std::string failure_;                                 // its error message; empty = none
  bool reported_down_ = false;                          // logged the outage already
  // Outages are logged only after a first success: start-up failures are the factory's to report.
  bool ever_connected_ = false;
};

}  // namespace sluice::plugins::redis
