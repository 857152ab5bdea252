// Typed access to an action's input object, with the errors AWS gives for missing or mistyped
// parameters. Query requests carry every scalar as a string, JSON requests as numbers, booleans or
// strings; both are accepted here so actions are written once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sluice/sdk/message.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::plugins::sqs {

class Input {
 public:
  explicit Input(const nlohmann::json& object) : object_(object) {}

  sdk::Result<std::optional<std::string>> string(const char* key) const;
  // kMissingParameter ("The request must contain the parameter X.") if absent or empty.
  sdk::Result<std::string> required_string(const char* key) const;
  // A 32-bit integer given as a number or as decimal text; kInvalidParameterValue otherwise.
  sdk::Result<std::optional<std::int32_t>> integer(const char* key) const;
  sdk::Result<std::vector<std::string>> string_list(const char* key) const;
  sdk::Result<std::map<std::string, std::string>> string_map(const char* key) const;
  // MessageAttributes / MessageSystemAttributes: name -> {DataType, StringValue | BinaryValue}.
  sdk::Result<sdk::MessageAttributes> message_attributes(const char* key) const;
  // Entries of a batch request: each an object (kInvalidParameterValue otherwise).
  sdk::Result<std::vector<nlohmann::json>> entries(const char* key) const;

  bool has(const char* key) const;

 private:
  const nlohmann::json& object_;
};

// The queue name in a QueueUrl parameter (a full URL, a path, or a bare name), else in the request
// path; kMissingParameter if neither; kInvalidParameterValue-like InvalidAddress is reported by
// the caller when this returns an empty name.
sdk::Result<std::string> queue_name_from(const Input& input, const std::string& path_queue);

}  // namespace sluice::plugins::sqs
