// The AWS query protocol's output side: renders an action's output (the JSON-protocol object)
// as the XML envelope query clients parse, and errors as <ErrorResponse>.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "wire_error.hpp"

namespace sluice::plugins::sqs {

// <{action}Response><{action}Result>...</{action}Result><ResponseMetadata>...</...>
// `output` null means the action has no output (no Result element).
std::string render_query_response(std::string_view action, const nlohmann::json& output,
                                  std::string_view request_id);
std::string render_query_error(const WireError& error, std::string_view request_id);

// XML text escaping. Carriage returns become &#xD; because XML parsers turn a literal CR into LF,
// which would change a body and break its MD5 check on the client.
void append_xml_escaped(std::string& out, std::string_view text);

}  // namespace sluice::plugins::sqs
