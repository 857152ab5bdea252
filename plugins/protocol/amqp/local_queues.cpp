#include "local_queues.hpp"

namespace sluice::plugins::amqp {
namespace {

AmqpError locked(const std::string& queue) {
  return amqp_error(ReplyCode::kResourceLocked,
                    "cannot obtain exclusive access to locked queue '" + queue +
                        "' in vhost '/'. It could be originally declared on another connection "
                        "or the exclusive property value does not match that of the original "
                        "declaration.");
}

}  // namespace

std::optional<AmqpError> LocalQueues::check_access(const std::string& queue,
                                                   ConnectionId connection) const {
  std::lock_guard lock(mutex_);
  auto it = queues_.find(queue);
  if (it != queues_.end() && it->second.owner && *it->second.owner != connection) {
    return locked(queue);
  }
  return std::nullopt;
}

std::optional<AmqpError> LocalQueues::check_declare(const std::string& queue,
                                                    ConnectionId connection, bool exclusive,
                                                    bool auto_delete, bool exists) const {
  std::lock_guard lock(mutex_);
  auto it = queues_.find(queue);
  const State* state = it == queues_.end() ? nullptr : &it->second;
  if (state && state->owner && *state->owner != connection) return locked(queue);
  if (!exists) return std::nullopt;
  const bool ours = state && state->owner && *state->owner == connection;
  if (exclusive && !ours) return locked(queue);
  const bool current = state && state->auto_delete;
  if (auto_delete != current) {
    return amqp_error(ReplyCode::kPreconditionFailed,
                      "inequivalent arg 'auto_delete' for queue '" + queue +
                          "' in vhost '/': received '" + (auto_delete ? "true" : "false") +
                          "' but current is '" + (current ? "true" : "false") + "'");
  }
  return std::nullopt;
}

void LocalQueues::record_declare(const std::string& queue, ConnectionId connection, bool exclusive,
                                 bool auto_delete) {
  std::lock_guard lock(mutex_);
  State& state = queues_[queue];
  if (exclusive) state.owner = connection;
  if (auto_delete) state.auto_delete = true;
}

std::optional<AmqpError> LocalQueues::add_consumer(const std::string& queue, bool exclusive) {
  std::lock_guard lock(mutex_);
  State& state = queues_[queue];
  if (state.exclusive_consumer || (exclusive && state.consumers > 0)) {
    return amqp_error(ReplyCode::kAccessRefused,
                      "queue '" + queue + "' in vhost '/' in exclusive use");
  }
  ++state.consumers;
  state.exclusive_consumer = exclusive;
  return std::nullopt;
}

bool LocalQueues::remove_consumer(const std::string& queue) {
  std::lock_guard lock(mutex_);
  auto it = queues_.find(queue);
  if (it == queues_.end() || it->second.consumers == 0) return false;
  State& state = it->second;
  --state.consumers;
  if (state.consumers == 0) state.exclusive_consumer = false;
  return state.consumers == 0 && state.auto_delete;
}

std::uint32_t LocalQueues::consumer_count(const std::string& queue) const {
  std::lock_guard lock(mutex_);
  auto it = queues_.find(queue);
  return it == queues_.end() ? 0 : it->second.consumers;
}

void LocalQueues::forget(const std::string& queue) {
  std::lock_guard lock(mutex_);
  queues_.erase(queue);
}

std::vector<std::string> LocalQueues::release_connection(ConnectionId connection) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> owned;
  for (auto it = queues_.begin(); it != queues_.end();) {
    if (it->second.owner && *it->second.owner == connection) {
      owned.push_back(it->first);
      it = queues_.erase(it);
    } else {
      ++it;
    }
  }
  return owned;
}

}  // namespace sluice::plugins::amqp
