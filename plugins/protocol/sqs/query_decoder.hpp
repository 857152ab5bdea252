// The AWS query protocol's input side: form/URL decoding and the flattened list and map
// encoding (Attribute.1.Name, SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType),
// turned into the same JSON object the JSON protocol carries, so every action is written once.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sluice/sdk/result.hpp"

namespace sluice::plugins::sqs {

// Parameters of one request, from the URL query string and the form body (body wins on a clash).
using QueryParams = std::multimap<std::string, std::string>;

// Decodes application/x-www-form-urlencoded text ("+" and "%20" are spaces). Appends to `out`.
// Returns false on a malformed escape ("%G1", "%4").
bool decode_form(std::string_view text, QueryParams& out);

// Builds the JSON-protocol input object of `action` from query parameters: flattened lists and
// maps become arrays and objects under the model's member names; scalars stay strings (handlers
// accept numbers as strings). Unknown parameters are kept as plain strings and ignored later.
nlohmann::json query_to_input(std::string_view action, const QueryParams& params);

}  // namespace sluice::plugins::sqs
