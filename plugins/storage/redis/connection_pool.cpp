#include "connection_pool.hpp"

#include <utility>

namespace sluice::plugins::redis {

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && connection_ != nullptr) pool_->give_back(std::move(connection_));
}

ConnectionPool::ConnectionPool(RedisStoreOptions options, sdk::Logger* logger)
    : options_(std::move(options)), logger_(logger) {}

ConnectionPool::~ConnectionPool() = default;

sdk::Result<ConnectionPool::Lease> ConnectionPool::acquire() {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.command_timeout_ms);
  std::unique_lock lock(mutex_);
  while (true) {
    while (!idle_.empty()) {
      std::unique_ptr<RedisConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (connection->usable()) return Lease(this, std::move(connection));
      --open_;  // closed by the server (a restart, an idle timeout): drop it, try the next one
    }
    if (open_ < static_cast<std::size_t>(options_.pool_size)) break;
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= static_cast<std::size_t>(options_.pool_size)) {
      return sdk::make_error(sdk::ErrorCode::kServiceUnavailable,
                             "all " + std::to_string(options_.pool_size) +
                                 " connections to Redis at " + describe_endpoint(options_) +
                                 " stayed busy for " + std::to_string(options_.command_timeout_ms) +
                                 " ms (raise pool_size?)");
    }
  }

  if (!failure_.empty() && std::chrono::steady_clock::now() - failed_at_ <
                               std::chrono::milliseconds(options_.reconnect_backoff_ms)) {
    return sdk::make_error(sdk::ErrorCode::kServiceUnavailable, failure_);
  }
  ++open_;
  lock.unlock();
  auto opened = RedisConnection::open(options_);
  lock.lock();
  if (!opened.ok()) {
    --open_;
    failed_at_ = std::chrono::steady_clock::now();
    failure_ = opened.error().message;
    if (!reported_down_ && ever_connected_) {
      reported_down_ = true;
      logger_->error(
          "Redis is unavailable, failing calls with ServiceUnavailable until it "
          "answers again: " +
          failure_);
    }
    returned_.notify_one();
    return opened.error();
  }
  if (reported_down_) {
    reported_down_ = false;
    logger_->info("Redis at " + describe_endpoint(options_) + " answers again");
  }
  failure_.clear();
  ever_connected_ = true;
  Lease lease(this, std::move(opened).value());
  lease.set_fresh(true);
  return lease;
}

void ConnectionPool::give_back(std::unique_ptr<RedisConnection> connection) {
  std::lock_guard lock(mutex_);
  if (connection->broken()) {
    --open_;
  } else {
    idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

void ConnectionPool::clear_idle() {
  std::lock_guard lock(mutex_);
  open_ -= idle_.size();
  idle_.clear();
  returned_.notify_all();
}

}  // namespace sluice::plugins::redis
