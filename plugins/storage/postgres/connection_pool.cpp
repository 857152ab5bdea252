#include "connection_pool.hpp"

#include <poll.h>

#include <exception>
#include <utility>

namespace sluice::plugins::postgres {
namespace {

using Clock = std::chrono::steady_clock;

sdk::Error unavailable(std::string message) {
  return sdk::make_error(sdk::ErrorCode::kServiceUnavailable, std::move(message));
}

}  // namespace

std::string one_line(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

bool idle_connection_is_dead(const pqxx::connection& connection) {
  if (!connection.is_open()) return true;
  const int fd = connection.sock();
  if (fd < 0) return true;
  pollfd p{fd, POLLIN, 0};
  // Nothing should arrive on an idle connection: readable means EOF, an error, or a server
  // message such as "terminating connection due to administrator command".
  return ::poll(&p, 1, 0) != 0;
}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)), discard_(other.discard_) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && connection_ != nullptr)
    pool_->give_back(std::move(connection_), discard_);
}

ConnectionPool::ConnectionPool(PoolSettings settings, sdk::Logger* logger)
    : settings_(std::move(settings)), logger_(logger) {}

ConnectionPool::~ConnectionPool() = default;

std::unique_ptr<pqxx::connection> ConnectionPool::open() const {
  auto connection = std::make_unique<pqxx::connection>(settings_.conninfo);
  if (settings_.setup) settings_.setup(*connection);
  return connection;
}

sdk::Result<ConnectionPool::Lease> ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline = Clock::now() + settings_.acquire_timeout;
  while (true) {
    while (!idle_.empty()) {
      std::unique_ptr<pqxx::connection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (!idle_connection_is_dead(*connection)) return Lease(this, std::move(connection));
      --open_;  // replaced below (or by the next caller)
      lock.unlock();
      connection.reset();  // closing may touch the socket: not under the lock
      lock.lock();
    }
    if (open_ < settings_.size) {
      if (down_ && Clock::now() < retry_at_) {
        return unavailable("PostgreSQL is unreachable (" + last_error_ +
                           "); the store retries every " +
                           std::to_string(settings_.reconnect_interval.count()) + " ms");
      }
      ++open_;
      lock.unlock();
      std::string failure;
      try {
        auto connection = open();
        mark_up();
        return Lease(this, std::move(connection));
      } catch (const std::exception& e) {
        failure = e.what();
      }
      failure = one_line(failure);
      lock.lock();
      --open_;
      mark_down(failure);
      available_.notify_all();
      return unavailable("cannot connect to PostgreSQL: " + failure);
    }
    if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= settings_.size) {
      return unavailable("all " + std::to_string(settings_.size) +
                         " PostgreSQL connections stayed busy for " +
                         std::to_string(settings_.acquire_timeout.count()) +
                         " ms (raise [storage.postgres] pool_size?)");
    }
  }
}

void ConnectionPool::give_back(std::unique_ptr<pqxx::connection> connection, bool discard) {
  if (discard) {
    connection.reset();
    std::lock_guard lock(mutex_);
    --open_;
    available_.notify_one();
    return;
  }
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
  available_.notify_one();
}

void ConnectionPool::discard_idle() {
  std::vector<std::unique_ptr<pqxx::connection>> doomed;
  {
    std::lock_guard lock(mutex_);
    doomed.swap(idle_);
    open_ -= doomed.size();
    available_.notify_all();
  }
  doomed.clear();
}

void ConnectionPool::note_unreachable(const std::string& why) {
  std::lock_guard lock(mutex_);
  mark_down(why);
}

void ConnectionPool::mark_down(const std::string& why) {
  retry_at_ = Clock::now() + settings_.reconnect_interval;
  last_error_ = why;
  if (!down_ && logger_ != nullptr) {
    logger_->warn("PostgreSQL unreachable: " + why +
                  " (operations fail with ServiceUnavailable until it is back; reconnecting "
                  "every " +
                  std::to_string(settings_.reconnect_interval.count()) + " ms)");
  }
  down_ = true;
}

void ConnectionPool::mark_up() {
  std::lock_guard lock(mutex_);
  if (down_ && logger_ != nullptr) logger_->info("PostgreSQL reachable again; serving requests");
  down_ = false;
}

}  // namespace sluice::plugins::postgres
