// One decoded SQS request, protocol-neutral: the action, its input as the JSON protocol's object
// (query requests are converted), and what the transport told us. Actions answer with an
// ActionOutcome: the output object (JSON protocol shape), or a wire error.
#pragma once

#include <functional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "sluice/sdk/broker_api.hpp"
#include "wire_error.hpp"

namespace sluice::plugins::sqs {

struct SqsCall {
  std::string action;
  nlohmann::json input;
  std::string path_queue;  // queue named by the request path (/<account>/<name>), if any
  std::string base_url;    // "http://host:port" as the client reached us, or the public URL
  sdk::RequestContext context;
};

// Output: an object (null = the action has no output members).
using ActionOutcome = std::variant<nlohmann::json, WireError>;
using ActionDone = std::function<void(ActionOutcome)>;

}  // namespace sluice::plugins::sqs
