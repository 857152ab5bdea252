// The MD5 digests SQS clients verify, computed exactly as AWS does (see docs/sqs.md): lower-case
// hex MD5 of the body's bytes, and of the length-prefixed, name-sorted attribute encoding.
#pragma once

#include <string>
#include <string_view>

#include "sluice/sdk/message.hpp"

namespace sluice::sdk {

std::string md5_hex(std::string_view bytes);
// Empty string for an empty map (the field is then omitted on the wire).
std::string md5_of_attributes(const MessageAttributes& attributes);
// Lower-case hex SHA-256, used for content-based deduplication ids.
std::string sha256_hex(std::string_view bytes);

}  // namespace sluice::sdk
