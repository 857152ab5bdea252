// An error as the SQS wire shows it: the query code, the JSON shape, the HTTP status and the
// fault side. SDK errors map through sdk::sqs_error(); protocol-level errors (no action, unknown
// action, unparseable body, bad queue address) exist only here.
#pragma once

#include <string>

#include "sluice/sdk/result.hpp"

namespace sluice::plugins::sqs {

struct WireError {
  std::string query_code;
  std::string json_shape;
  int http_status = 400;
  bool sender_fault = true;
  std::string message;

  static WireError from(const sdk::Error& error) {
    const sdk::SqsError e = sdk::sqs_error(error.code);
    return {std::string(e.query_code), std::string(e.json_shape), e.http_status, e.sender_fault,
            error.message};
  }
  static WireError missing_action() {
    return {"MissingAction", "MissingAction", 400, true,
            "The request must contain the parameter Action."};
  }
  static WireError invalid_action(const std::string& action) {
    return {"InvalidAction", "InvalidAction", 400, true,
            "The action " + action + " is not valid for this web service."};
  }
  static WireError unknown_operation(const std::string& target) {
    return {"UnknownOperationException", "UnknownOperationException", 400, true,
            "Unknown operation " + target + "."};
  }
  static WireError malformed_query(const std::string& why) {
    return {"MalformedQueryString", "MalformedQueryString", 404, true, why};
  }
  static WireError serialization(const std::string& why) {
    return {"SerializationException", "SerializationException", 400, true, why};
  }
  static WireError invalid_address(const std::string& address) {
    return {"InvalidAddress", "InvalidAddress", 404, true,
            "The address " + address + " is not valid for this endpoint."};
  }
};

}  // namespace sluice::plugins::sqs
