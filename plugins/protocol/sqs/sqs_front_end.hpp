// The SQS protocol front end: one HTTP listener that serves both AWS wire protocols, chosen per
// request (JSON 1.0 when Content-Type is application/x-amz-json-1.x, else the query protocol).
#pragma once

#include <memory>
#include <string>

#include "http_server.hpp"
#include "sluice/sdk/config.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/protocol.hpp"

namespace sluice::plugins::sqs {

class SqsActions;

struct SqsFrontEndOptions {
  HttpServerOptions http;
  // Base of the queue URLs we hand out ("https://sqs.example.com"); empty = the Host the client
  // used, so URLs always lead back to this server.
  std::string public_url;
};

SqsFrontEndOptions sqs_options_from(const sdk::PluginConfig& config);

class SqsFrontEnd final : public sdk::ProtocolFrontEnd {
 public:
  SqsFrontEnd(SqsFrontEndOptions options, sdk::Logger& logger);
  ~SqsFrontEnd() override;

  sdk::Status start(boost::asio::io_context& io, sdk::BrokerApi& broker) override;
  void stop() override;
  std::uint16_t port() const { return server_ ? server_->port() : 0; }

 private:
  void handle(HttpRequest request, const PeerInfo& peer,
              std::function<void(HttpResponse)> respond);

  SqsFrontEndOptions options_;
  sdk::Logger& logger_;
  std::unique_ptr<SqsActions> actions_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace sluice::plugins::sqs
