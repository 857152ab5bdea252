// The [protocol.amqp] section, resolved, and the state every connection of one front end shares.
#pragma once

#include <utility>  // before Asio under C++20 with Boost 1.74

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

#include "local_queues.hpp"
#include "sasl.hpp"
#include "sluice/sdk/auth.hpp"
#include "sluice/sdk/broker_api.hpp"
#include "sluice/sdk/config.hpp"
#include "sluice/sdk/logger.hpp"

namespace sluice::plugins::amqp {

struct AmqpOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 5672;
  std::uint32_t io_threads = 2;
  std::vector<std::string> users;  // "name:password"; empty = guest/guest from loopback only
  std::vector<std::string> loopback_users{"guest"};
  // Proposed in connection.tune; clients may ask for less.
  std::uint16_t channel_max = 2047;
  std::uint32_t frame_max = 131072;
  std::uint16_t heartbeat_seconds = 60;
  // From accept to connection.open.
  std::chrono::seconds handshake_timeout{10};
  // How long a delivery stays claimed (the consumer's visibility). A channel that holds a
  // delivery unacknowledged for this long is closed with 406 (RabbitMQ's consumer_timeout), and
  // the message returns to the queue; if the broker dies, its deliveries return when it ends.
  std::chrono::seconds delivery_lease{1800};
  // Largest message body accepted from a publisher (the queue's MaximumMessageSize still
  // applies when it is stored).
  std::uint64_t max_message_bytes = 1048576;
  std::uint32_t max_connections = 4096;
  // Input waiting to be executed, and output waiting to be written, beyond which a connection
  // stops reading from its socket until they drain (TCP back-pressure).
  std::size_t max_pending_bytes = 8 * 1024 * 1024;
  std::chrono::seconds shutdown_grace{10};
};

AmqpOptions amqp_options_from(const sdk::PluginConfig& config);

class AmqpConnection;

// Shared by the server and all its connections. Thread-safe.
class ServerContext {
 public:
  ServerContext(AmqpOptions server_options, UserTable user_table, sdk::BrokerApi& broker_api,
                sdk::Logger& log)
      : options(std::move(server_options)),
        users(std::move(user_table)),
        broker(broker_api),
        logger(log) {}

  const AmqpOptions options;
  const UserTable users;
  sdk::BrokerApi& broker;
  sdk::Logger& logger;
  LocalQueues queues;
  std::atomic<std::uint64_t> next_connection_id{1};
  // Set before the first connection is accepted, then only read. With an auth plugin, logins go
  // to `authenticator` (on `auth_executor`, off the I/O threads: a password hash takes a while)
  // and every queue operation to `authorizer`; `users` is unused then.
  sdk::Authenticator* authenticator = nullptr;
  sdk::Authorizer* authorizer = nullptr;
  boost::asio::any_io_executor auth_executor;
  std::string owner_account;  // the account of the broker's queues (AccessRequest's owner)

  // Work that will post onto an I/O thread later (a broker call in flight, a live consumer):
  // stop() keeps the I/O threads running until it is all done.
  void begin_work();
  void end_work();

  // Posts `fn` onto `executor` (a connection's strand) from a core thread, unless the I/O threads
  // have been stopped for good; false then (the io_context may already be gone). Completions
  // and deliveries that arrive after a stop that gave up waiting are dropped this way instead of
  // touching a destroyed io_context.
  template <typename Fn>
  bool post_to(const boost::asio::any_io_executor& executor, Fn&& fn) {
    std::lock_guard lock(io_mutex_);
    if (!io_running_) return false;
    boost::asio::post(executor, std::forward<Fn>(fn));
    return true;
  }
  void stop_posting() {
    std::lock_guard lock(io_mutex_);
    io_running_ = false;
  }

  // Live connections, for stop() and the connection limit.
  bool add_connection(std::uint64_t id, std::weak_ptr<AmqpConnection> connection);
  void remove_connection(std::uint64_t id);
  std::vector<std::shared_ptr<AmqpConnection>> connections() const;
  bool stopping() const;
  void set_stopping();
  // Waits up to `timeout` for no connections and no outstanding work; true if reached.
  bool wait_idle(std::chrono::milliseconds timeout);

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::int64_t work_ = 0;
  bool stopping_ = false;
  std::map<std::uint64_t, std::weak_ptr<AmqpConnection>> connections_;
  std::mutex io_mutex_;
  bool io_running_ = true;
};

}  // namespace sluice::plugins::amqp
