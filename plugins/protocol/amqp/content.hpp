// Message content on the wire: a content-header frame (class-id, weight, body-size and the
// property flags + property list) followed by body frames. The properties travel as raw bytes
// (ContentHeader::properties): Sluice stores them exactly as the publisher sent them and hands
// them back byte for byte, decoding them only to read what the broker must act on (expiration).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "field_table.hpp"
#include "reply_codes.hpp"

namespace sluice::plugins::amqp {

inline constexpr std::uint16_t kBasicClass = 60;

struct ContentHeader {
  std::uint16_t class_id = kBasicClass;
  std::uint16_t weight = 0;
  std::uint64_t body_size = 0;
  std::string properties;  // property-flags word(s) + property list, as on the wire
};

// A content-header payload. Errors: 501 FRAME_ERROR when shorter than 14 bytes or without
// property flags. The properties are kept raw; decode_basic_properties checks them.
WireResult<ContentHeader> decode_content_header(std::string_view payload);
std::string encode_content_header(const ContentHeader& header);

// The 14 basic-class properties (amqp091.md 1.3).
struct BasicProperties {
  std::optional<std::string> content_type;
  std::optional<std::string> content_encoding;
  std::optional<FieldTable> headers;
  std::optional<std::uint8_t> delivery_mode;
  std::optional<std::uint8_t> priority;
  std::optional<std::string> correlation_id;
  std::optional<std::string> reply_to;
  std::optional<std::string> expiration;
  std::optional<std::string> message_id;
  std::optional<std::uint64_t> timestamp;
  std::optional<std::string> type;
  std::optional<std::string> user_id;
  std::optional<std::string> app_id;
  std::optional<std::string> cluster_id;
  bool operator==(const BasicProperties&) const = default;
};

// Raw property bytes -> properties. A set continuation bit (bit 0) is followed by another flags
// word, as pika reads it; flags for properties basic does not have are a 502 SYNTAX_ERROR.
WireResult<BasicProperties> decode_basic_properties(std::string_view raw);
// Never sets the continuation bit (rabbitmq-c rejects it).
std::string encode_basic_properties(const BasicProperties& properties);

// The `expiration` property as RabbitMQ reads it: a decimal count of milliseconds, 0 or more.
// nullopt = no expiration; an error for anything else ("invalid expiration").
WireResult<std::optional<std::uint64_t>> parse_expiration(const BasicProperties& properties);

// Appends a whole message after its method frame: the header frame, then the body cut into
// frames of at most frame_max - 8 bytes (none for an empty body).
void append_content_frames(std::string& out, std::uint16_t channel, std::string_view properties,
                           std::string_view body, std::uint32_t frame_max);

}  // namespace sluice::plugins::amqp
