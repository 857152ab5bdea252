#include "wake_notifier.hpp"

#include <exception>
#include <vector>

#include <pqxx/nontransaction>
#include <pqxx/prepared_statement>

#include "sql_params.hpp"
#include "statements.hpp"

namespace sluice::plugins::postgres {

WakeNotifier::WakeNotifier(const ConnectionPool& pool, std::string channel, sdk::Logger* logger)
    : pool_(pool), channel_(std::move(channel)), logger_(logger) {}

WakeNotifier::~WakeNotifier() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WakeNotifier::start() {
  std::lock_guard lock(mutex_);
  if (!stopping_ && !thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void WakeNotifier::poke(std::string_view queue) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    pending_.emplace(queue);
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }
  wake_.notify_one();
}

void WakeNotifier::connect(std::unique_ptr<pqxx::connection>& connection) {
  connection = pool_.open();
  backend_pid_.store(connection->backendpid());
  // A NOTIFY for no queue at all prepares the statement, so the first real one costs one trip.
  const std::vector<std::string> none;
  SqlParams params;
  params.text(channel_).text_array(none);
  pqxx::nontransaction tx(*connection);
  tx.exec_prepared(statement::kNotify, pqxx::prepare::make_dynamic_params(params.values()));
}

void WakeNotifier::run() {
  std::unique_ptr<pqxx::connection> connection;
  try {
    connect(connection);
  } catch (const std::exception&) {
    connection.reset();  // the first poke tries again
    backend_pid_.store(0);
  }
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (stopping_) return;
    std::vector<std::string> queues(pending_.begin(), pending_.end());
    pending_.clear();
    lock.unlock();
    try {
      if (connection == nullptr) connect(connection);
      SqlParams params;
      params.text(channel_).text_array(queues);
      pqxx::nontransaction tx(*connection);
      tx.exec_prepared(statement::kNotify, pqxx::prepare::make_dynamic_params(params.values()));
    } catch (const std::exception& e) {
      // Dropped: long pollers elsewhere find the messages on their next recheck. Wait a little
      // before the next attempt so an outage does not spin this thread.
      connection.reset();
      backend_pid_.store(0);
      if (logger_ != nullptr && logger_->enabled(sdk::LogLevel::kDebug)) {
        logger_->debug(std::string("wake-up notification not sent: ") + e.what());
      }
      lock.lock();
      wake_.wait_for(lock, pool_.settings().reconnect_interval, [this] { return stopping_; });
      continue;
    }
    lock.lock();
  }
}

}  // namespace sluice::plugins::postgres
