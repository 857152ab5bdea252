// The SQS protocol front end: one HTTP listener that serves both AWS wire protocols, chosen per
// request (JSON 1.0 when Content-Type is application/x-amz-json-1.x, else the query protocol).
#pragma once

#include <utility>  // before Asio under C++20 with Boost 1.74

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "http_server.hpp"
#include "sluice/sdk/config.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/protocol.hpp"
#include "sqs_auth_gate.hpp"

namespace sluice::plugins::sqs {

class SqsActions;

struct SqsFrontEndOptions {
  HttpServerOptions http;
  // Base of the queue URLs we hand out ("https://sqs.example.com"); empty = the Host the client
  // used, so URLs always lead back to this server.
  std::string public_url;
  // Threads serving connections (the HTTP server's I/O workers).
  std::uint32_t io_threads = 2;
  // SigV4 checks, used only when the host configures an auth plugin (sqs_auth_gate.hpp).
  SqsAuthOptions auth;
};

SqsFrontEndOptions sqs_options_from(const sdk::PluginConfig& config);

class SqsFrontEnd final : public sdk::ProtocolFrontEnd {
 public:
  SqsFrontEnd(SqsFrontEndOptions options, sdk::Logger& logger);
  ~SqsFrontEnd() override;

  sdk::Status start(sdk::BrokerApi& broker) override;
  void stop() override;
  // With an authenticator, every request must carry a valid SigV4 signature and every action is
  // authorized (sqs_auth_gate.hpp); without one, the same as start().
  sdk::Status start_with_services(sdk::BrokerApi& broker,
                                  const sdk::HostServices& services) override;
  std::uint16_t port() const { return server_ ? server_->port() : 0; }

 private:
  void run_io();
  void handle(HttpRequest request, const PeerInfo& peer, std::function<void(HttpResponse)> respond);
  // The SQS error, in the request's protocol, for a body over max_body_bytes (headers only).
  HttpResponse refuse_oversize(const HttpRequest& headers) const;

  SqsFrontEndOptions options_;
  sdk::Logger& logger_;
  std::unique_ptr<SqsActions> actions_;
  std::unique_ptr<SqsAuthGate> gate_;  // set when an auth plugin is configured
  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace sluice::plugins::sqs
