// The AMQP 0-9-1 front end: a TCP listener on its own I/O threads (the front end owns its event
// loop; see sdk/protocol.hpp), one AmqpConnection per client.
#pragma once

#include <utility>  // before Asio under C++20 with Boost 1.74

#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "amqp_options.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/protocol.hpp"

namespace sluice::plugins::amqp {

class AmqpFrontEnd final : public sdk::ProtocolFrontEnd {
 public:
  AmqpFrontEnd(AmqpOptions options, UserTable users, sdk::Logger& logger);
  ~AmqpFrontEnd() override;

  sdk::Status start(sdk::BrokerApi& broker) override;
  // With an auth plugin: SASL logins are checked by its authenticator and queue operations by
  // its authorizer. The `users` option must then be empty (the plugin's users log in).
  sdk::Status start_with_services(sdk::BrokerApi& broker,
                                  const sdk::HostServices& services) override;
  // Stops accepting, closes every connection with 320 CONNECTION_FORCED (their deliveries go
  // back to their queues), waits up to shutdown_grace for that, then stops the I/O threads.
  void stop() override;
  std::uint16_t port() const { return port_; }

 private:
  void accept();

  AmqpOptions options_;
  UserTable users_;
  sdk::Logger& logger_;
  std::shared_ptr<ServerContext> server_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  sdk::HostServices services_;
  // Runs the auth plugin's password checks (one thread: logins are rare, hashes are slow).
  std::unique_ptr<boost::asio::thread_pool> auth_pool_;
};

}  // namespace sluice::plugins::amqp
