// ConnectionPool: up to N libpqxx connections for queue operations, opened on demand and shared
// by the storage threads (one operation holds one connection at a time).
//
// Outages: a connection attempt that fails marks the database down for reconnect_interval, during
// which acquire() fails at once with kServiceUnavailable instead of trying again, so callers never
// stack up behind connect timeouts. The first acquire() after the interval tries again: the pool
// reconnects by itself. An idle connection is checked before it is handed out (a server that shut
// down or restarted has closed it, which makes its socket readable) and replaced if dead.
//
// Threading: every method may be called from any thread. A Lease and its connection belong to
// the thread that acquired it until the Lease is destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/connection>

#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::plugins::postgres {

struct PoolSettings {
  std::string conninfo;  // passed to libpq as is
  std::size_t size = 8;
  std::chrono::milliseconds acquire_timeout{5000};
  std::chrono::milliseconds reconnect_interval{250};
  // Runs on every new connection before first use (session settings, prepared statements). May
  // throw pqxx exceptions; the connection is then dropped and the attempt counts as failed.
  std::function<void(pqxx::connection&)> setup;
};

class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    pqxx::connection& connection() { return *connection_; }
    // The connection is broken or in an unknown state: close it instead of reusing it.
    void discard() { discard_ = true; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> connection_;
    bool discard_ = false;
  };

  ConnectionPool(PoolSettings settings, sdk::Logger* logger);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A healthy connection, or kServiceUnavailable (database down, or every connection busy for
  // acquire_timeout).
  sdk::Result<Lease> acquire();

  // Closes every idle connection: called after a failure that suggests the server went away, so
  // the next operations do not meet the same dead sockets one by one.
  void discard_idle();

  // Reports that an operation failed because the database is unreachable (for the log: the pool
  // logs the outage once, and its end once).
  void note_unreachable(const std::string& why);

  // Opens a connection outside the pool (for the notification threads) with the same setup.
  // Throws what libpqxx throws.
  std::unique_ptr<pqxx::connection> open() const;

  const PoolSettings& settings() const { return settings_; }

 private:
  void give_back(std::unique_ptr<pqxx::connection> connection, bool discard);
  void mark_up();
  void mark_down(const std::string& why);  // caller holds mutex_

  const PoolSettings settings_;
  sdk::Logger* logger_;

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;  // guarded by mutex_
  std::size_t open_ = 0;                                 // idle + leased + connecting
  bool down_ = false;
  std::chrono::steady_clock::time_point retry_at_{};
  std::string last_error_;
};

// `text` (a libpq message, often several indented lines) as one line with single spaces.
std::string one_line(std::string_view text);

// True if the server has closed this (idle) connection or sent it something unexpected.
bool idle_connection_is_dead(const pqxx::connection& connection);

}  // namespace sluice::plugins::postgres
