// Standard base64 (RFC 4648, with padding) for BinaryValue attributes, which both SQS wire
// protocols carry as base64 text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluice::plugins::sqs {

std::string base64_encode(std::string_view bytes);
// nullopt if `text` is not valid base64 (padding optional; whitespace not allowed).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sluice::plugins::sqs
