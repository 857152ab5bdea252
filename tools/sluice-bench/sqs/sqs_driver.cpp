#include "sqs/sqs_driver.hpp"

#include "endpoint.hpp"
#include "http_connection.hpp"
#include "sqs/sqs_channel.hpp"
#include "sqs/sqs_wire.hpp"

namespace sluice::bench::sqs {
namespace {

struct BlockingReply {
  std::string transport_error;  // non-empty: no reply
  int status = 0;
  std::string body;
  std::string query_error;
};

// One request on a fresh connection, for set-up and clean-up only.
BlockingReply blocking_exchange(const Endpoint& endpoint, const std::string& request) {
  boost::asio::io_context io;
  HttpConnection connection(io, endpoint.address);
  BlockingReply reply;
  connection.exchange(request, true, [&](const boost::system::error_code& ec) {
    if (ec) {
      reply.transport_error = ec.message();
      return;
    }
    reply.status = connection.status();
    reply.body = std::string(connection.body());
    reply.query_error = std::string(connection.query_error());
  });
  io.run();
  connection.close();
  return reply;
}

class SqsDriver final : public Driver {
 public:
  SqsDriver(DriverSettings settings, Endpoint endpoint, Protocol protocol)
      : settings_(std::move(settings)), endpoint_(std::move(endpoint)) {
    target_.protocol = protocol;
    target_.host = endpoint_.host_header;
  }

  std::string prepare() override {
    if (settings_.floor) {
      // Nothing to create: the target only has to answer 200.
      target_.queue_url = "http://" + endpoint_.host_header + "/000000000000/" + settings_.queue;
      return {};
    }
    std::vector<std::pair<std::string, std::string>> attributes;
    if (settings_.queue_type == QueueType::kFifo) attributes.emplace_back("FifoQueue", "true");
    const std::string request = settings_.create_queue
                                    ? build_create_queue(target_, settings_.queue, attributes)
                                    : build_get_queue_url(target_, settings_.queue);
    auto reply = blocking_exchange(endpoint_, request);
    if (!reply.transport_error.empty()) {
      return "cannot reach " + settings_.endpoint + ": " + reply.transport_error;
    }
    if (reply.status != 200 && settings_.create_queue) {
      // It exists with other attributes: use it as it is.
      std::string scratch;
      const auto code =
          error_code_of(target_.protocol, reply.status, reply.query_error, reply.body, scratch);
      if (code == "QueueAlreadyExists" || code == "QueueNameExists") {
        reply = blocking_exchange(endpoint_, build_get_queue_url(target_, settings_.queue));
      }
    }
    if (reply.status != 200) {
      std::string scratch;
      return "cannot " + std::string(settings_.create_queue ? "create" : "find") + " queue '" +
             settings_.queue + "': " +
             std::string(error_code_of(target_.protocol, reply.status, reply.query_error,
                                       reply.body, scratch)) +
             " (HTTP " + std::to_string(reply.status) + ")";
    }
    target_.queue_url = queue_url_of(target_.protocol, reply.body);
    if (target_.queue_url.empty()) return "the queue reply carried no QueueUrl: " + reply.body;
    return {};
  }

  std::unique_ptr<Channel> open_channel(boost::asio::io_context& io) override {
    return std::make_unique<SqsChannel>(io, endpoint_.address, target_, settings_);
  }

  std::string cleanup() override {
    if (settings_.floor || !settings_.delete_queue || target_.queue_url.empty()) return {};
    const auto reply = blocking_exchange(endpoint_, build_delete_queue(target_));
    if (!reply.transport_error.empty()) return "cannot delete the queue: " + reply.transport_error;
    if (reply.status != 200) {
      std::string scratch;
      return "cannot delete the queue: " +
             std::string(error_code_of(target_.protocol, reply.status, reply.query_error,
                                       reply.body, scratch));
    }
    return {};
  }

 private:
  DriverSettings settings_;
  Endpoint endpoint_;
  Target target_;
};

}  // namespace

std::unique_ptr<Driver> make_sqs_driver(const DriverSettings& settings, std::string& error) {
  Protocol protocol;
  if (settings.protocol == "query") {
    protocol = Protocol::kQuery;
  } else if (settings.protocol == "json") {
    protocol = Protocol::kJson;
  } else {
    error = "protocol '" + settings.protocol + "' is not an SQS protocol (query, json)";
    return nullptr;
  }
  Endpoint endpoint;
  error = resolve_endpoint(settings.endpoint, endpoint);
  if (!error.empty()) return nullptr;
  return std::make_unique<SqsDriver>(settings, std::move(endpoint), protocol);
}

}  // namespace sluice::bench::sqs
