#include "amqp_front_end.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "amqp_connection.hpp"
#include "sluice/sdk/arn.hpp"

namespace sluice::plugins::amqp {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// The accept loop holds only shared state, so it is safe whenever its handler runs, even after
// stop() and the front end's destruction.
void accept_loop(std::shared_ptr<tcp::acceptor> acceptor, std::shared_ptr<ServerContext> server) {
  auto* raw = acceptor.get();
  raw->async_accept(net::make_strand(raw->get_executor()),
                    [acceptor = std::move(acceptor), server = std::move(server)](
                        const boost::system::error_code& ec, tcp::socket socket) mutable {
                      if (ec == net::error::operation_aborted || server->stopping()) return;
                      if (!ec) {
                        const auto id = server->next_connection_id.fetch_add(1);
                        auto connection =
                            std::make_shared<AmqpConnection>(std::move(socket), server, id);
                        if (server->add_connection(id, connection)) {
                          net::post(connection->strand(), [connection] { connection->start(); });
                        } else {
                          server->logger.warn("amqp: connection refused: " +
                                              std::to_string(server->options.max_connections) +
                                              " connections open (max_connections)");
                        }
                      }
                      accept_loop(std::move(acceptor), std::move(server));
                    });
}

}  // namespace

AmqpFrontEnd::AmqpFrontEnd(AmqpOptions options, UserTable users, sdk::Logger& logger)
    : options_(std::move(options)), users_(std::move(users)), logger_(logger) {}

AmqpFrontEnd::~AmqpFrontEnd() { stop(); }

sdk::Status AmqpFrontEnd::start_with_services(sdk::BrokerApi& broker,
                                              const sdk::HostServices& services) {
  if (services.authenticator != nullptr && !options_.users.empty()) {
    return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                           "[protocol.amqp] users: must be empty while an auth plugin is "
                           "configured (the plugin's users log in)");
  }
  services_ = services;
  return start(broker);
}

sdk::Status AmqpFrontEnd::start(sdk::BrokerApi& broker) {
  // Nothing is kept unless everything succeeds, so stop() after a failed start has nothing to
  // undo.
  auto server = std::make_shared<ServerContext>(options_, users_, broker, logger_);
  auto io = std::make_unique<net::io_context>(static_cast<int>(options_.io_threads));
  boost::system::error_code ec;
  const auto address = net::ip::make_address(options_.address, ec);
  if (ec) {
    return sdk::make_error(
        sdk::ErrorCode::kInvalidParameterValue,
        "[protocol.amqp] listen = '" + options_.address + "' is not an IP address");
  }
  const tcp::endpoint endpoint{address, options_.port};
  auto acceptor = std::make_shared<tcp::acceptor>(net::make_strand(*io));
  const auto fail = [&](const char* what) {
    return sdk::make_error(sdk::ErrorCode::kServiceUnavailable,
                           std::string("amqp: cannot ") + what + " " + options_.address + ":" +
                               std::to_string(options_.port) + ": " + ec.message());
  };
  if (acceptor->open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor->set_option(net::socket_base::reuse_address(true), ec); ec) return fail("configure");
  if (acceptor->bind(endpoint, ec); ec) return fail("bind");
  if (acceptor->listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen on");
  port_ = acceptor->local_endpoint(ec).port();
  if (services_.authenticator != nullptr) {
    auth_pool_ = std::make_unique<net::thread_pool>(1);
    server->authenticator = services_.authenticator;
    server->authorizer = services_.authorizer;
    server->auth_executor = auth_pool_->get_executor();
    server->owner_account = sdk::arn_account(broker.queue_arn("q"));
  }
  server_ = std::move(server);
  io_ = std::move(io);
  acceptor_ = std::move(acceptor);
  work_ = std::make_unique<net::executor_work_guard<net::io_context::executor_type>>(
      io_->get_executor());
  accept_loop(acceptor_, server_);
  for (std::uint32_t i = 0; i < options_.io_threads; ++i) {
    threads_.emplace_back([io = io_.get()] { io->run(); });
  }
  logger_.info("amqp: listening on " + options_.address + ":" + std::to_string(port_));
  return sdk::Status::Ok();
}

void AmqpFrontEnd::stop() {
  if (!io_ || !acceptor_) return;
  server_->set_stopping();
  net::post(acceptor_->get_executor(), [acceptor = acceptor_] {
    boost::system::error_code ignored;
    acceptor->close(ignored);
  });
  for (auto& connection : server_->connections()) {
    connection->shut_down(amqp_error(ReplyCode::kConnectionForced, "broker shutdown"));
  }
  if (!server_->wait_idle(
          std::chrono::duration_cast<std::chrono::milliseconds>(options_.shutdown_grace))) {
    logger_.warn("amqp: connections still open after " +
                 std::to_string(options_.shutdown_grace.count()) +
                 " s; stopping anyway (their unacknowledged deliveries return when their lease "
                 "ends)");
  }
  server_->stop_posting();
  if (auth_pool_) {
    auth_pool_->join();  // a login still being checked posts nowhere now
    auth_pool_.reset();
  }
  work_.reset();
  io_->stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  acceptor_.reset();
  io_.reset();
  logger_.info("amqp: stopped");
}

}  // namespace sluice::plugins::amqp
