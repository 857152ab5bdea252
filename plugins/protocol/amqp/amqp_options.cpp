#include "amqp_options.hpp"

namespace sluice::plugins::amqp {

AmqpOptions amqp_options_from(const sdk::PluginConfig& config) {
  AmqpOptions o;
  o.address = config.get_string("listen", o.address);
  o.port = static_cast<std::uint16_t>(config.get_int("port", o.port));
  o.io_threads = static_cast<std::uint32_t>(config.get_int("io_threads", o.io_threads));
  if (config.has("users")) o.users = config.get_string_list("users");
  if (config.has("loopback_users")) o.loopback_users = config.get_string_list("loopback_users");
  o.channel_max = static_cast<std::uint16_t>(config.get_int("channel_max", o.channel_max));
  o.frame_max = static_cast<std::uint32_t>(config.get_int("frame_max", o.frame_max));
  o.heartbeat_seconds =
      static_cast<std::uint16_t>(config.get_int("heartbeat_seconds", o.heartbeat_seconds));
  o.handshake_timeout = std::chrono::seconds(
      config.get_int("handshake_timeout_seconds", o.handshake_timeout.count()));
  o.delivery_lease =
      std::chrono::seconds(config.get_int("delivery_lease_seconds", o.delivery_lease.count()));
  o.max_message_bytes = static_cast<std::uint64_t>(
      config.get_int("max_message_bytes", static_cast<std::int64_t>(o.max_message_bytes)));
  o.max_connections =
      static_cast<std::uint32_t>(config.get_int("max_connections", o.max_connections));
  o.max_pending_bytes = static_cast<std::size_t>(
      config.get_int("max_pending_bytes", static_cast<std::int64_t>(o.max_pending_bytes)));
  o.shutdown_grace =
      std::chrono::seconds(config.get_int("shutdown_grace_seconds", o.shutdown_grace.count()));
  return o;
}

void ServerContext::begin_work() {
  std::lock_guard lock(mutex_);
  ++work_;
}

void ServerContext::end_work() {
  std::lock_guard lock(mutex_);
  --work_;
  changed_.notify_all();
}

bool ServerContext::add_connection(std::uint64_t id, std::weak_ptr<AmqpConnection> connection) {
  std::lock_guard lock(mutex_);
  if (stopping_ || connections_.size() >= options.max_connections) return false;
  connections_.emplace(id, std::move(connection));
  return true;
}

void ServerContext::remove_connection(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
  changed_.notify_all();
}

std::vector<std::shared_ptr<AmqpConnection>> ServerContext::connections() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<AmqpConnection>> live;
  for (const auto& [id, weak] : connections_) {
    if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  return live;
}

bool ServerContext::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void ServerContext::set_stopping() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
}

bool ServerContext::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return connections_.empty() && work_ == 0; });
}

}  // namespace sluice::plugins::amqp
