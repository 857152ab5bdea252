// How an AMQP message is kept in the shared queue model, so that one queue serves both
// protocols:
//  * the body goes into the envelope's body, which SQS clients read. SQS bodies must be
//    non-empty text of the XML character set, so a body that is not (binary, or empty) is stored
//    base64-encoded, or as a single space when empty, and flagged so AMQP consumers get the
//    original bytes back;
//  * native_protocol = "amqp" and native_properties = this front end's record:
//      u8 format (1) | u8 body encoding (0 as is, 1 base64, 2 empty) |
//      shortstr exchange | shortstr routing key | raw content properties (flags + list)
//    so an AMQP consumer receives the properties byte for byte as they were published.
// A message that arrived through another protocol (SQS) is delivered with properties made from
// what it has: message-id, timestamp, and its message attributes as headers (S for String and
// Number, x for Binary).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reply_codes.hpp"
#include "sluice/sdk/message.hpp"

namespace sluice::plugins::amqp {

inline constexpr std::string_view kNativeProtocol = "amqp";

struct AmqpMessage {
  std::string exchange;
  std::string routing_key;
  std::string properties;  // raw property flags + list
  std::string body;
};

// Fills body, native_protocol and native_properties of `entry`.
void store_into(const AmqpMessage& message, sdk::SendEntry& entry);
// The message as AMQP delivers it. `queue` is the queue it was taken from (the routing key of
// messages that did not come through AMQP). A native record this version cannot read (a newer
// format) is delivered like a message from another protocol: its stored body, made-up
// properties.
AmqpMessage load_from(const sdk::ReceivedMessage& received, const std::string& queue);

// True if SQS can hold `body` as it is: non-empty UTF-8 of #x9 #xA #xD #x20-#xD7FF
// #xE000-#xFFFD #x10000-#x10FFFF.
bool is_sqs_text(std::string_view body);
std::string base64_encode(std::string_view bytes);
bool base64_decode(std::string_view text, std::string& out);

}  // namespace sluice::plugins::amqp
