#include "content.hpp"

#include <algorithm>

#include "byte_io.hpp"
#include "frame_codec.hpp"

namespace sluice::plugins::amqp {
namespace {

// Flag bits, first property = bit 15.
enum Flag : std::uint16_t {
  kContentType = 1U << 15,
  kContentEncoding = 1U << 14,
  kHeaders = 1U << 13,
  kDeliveryMode = 1U << 12,
  kPriority = 1U << 11,
  kCorrelationId = 1U << 10,
  kReplyTo = 1U << 9,
  kExpiration = 1U << 8,
  kMessageId = 1U << 7,
  kTimestamp = 1U << 6,
  kType = 1U << 5,
  kUserId = 1U << 4,
  kAppId = 1U << 3,
  kClusterId = 1U << 2,
};

AmqpError bad_properties(std::string what) {
  return amqp_error(ReplyCode::kSyntaxError, "malformed content properties: " + std::move(what));
}

}  // namespace

WireResult<ContentHeader> decode_content_header(std::string_view payload) {
  ByteReader in(payload);
  ContentHeader header;
  if (!in.u16(header.class_id) || !in.u16(header.weight) || !in.u64(header.body_size)) {
    return amqp_error(ReplyCode::kFrameError, "content header frame shorter than 14 bytes");
  }
  header.properties.assign(in.rest());
  if (header.properties.size() < 2) {
    return amqp_error(ReplyCode::kFrameError, "content header frame has no property flags");
  }
  return header;
}

std::string encode_content_header(const ContentHeader& header) {
  std::string out;
  ByteWriter w(out);
  w.u16(header.class_id);
  w.u16(header.weight);
  w.u64(header.body_size);
  w.bytes(header.properties);
  return out;
}

WireResult<BasicProperties> decode_basic_properties(std::string_view raw) {
  ByteReader in(raw);
  std::uint16_t flags = 0;
  if (!in.u16(flags)) return bad_properties("no property flags");
  // Further flag words (continuation bit set) may only be empty: basic has 14 properties.
  for (std::uint16_t word = flags; (word & 1U) != 0;) {
    if (!in.u16(word)) return bad_properties("truncated continuation flags");
    if ((word & ~1U) != 0) return bad_properties("flags for properties the basic class lacks");
  }
  if ((flags & 0x2U) != 0) return bad_properties("reserved property flag bit 1 is set");
  BasicProperties p;
  bool ok = true;
  const auto str = [&](Flag f, std::optional<std::string>& field) {
    if (!ok || (flags & f) == 0) return;
    std::string s;
    ok = in.shortstr(s);
    field = std::move(s);
  };
  const auto octet = [&](Flag f, std::optional<std::uint8_t>& field) {
    if (!ok || (flags & f) == 0) return;
    std::uint8_t v = 0;
    ok = in.u8(v);
    field = v;
  };
  str(kContentType, p.content_type);
  str(kContentEncoding, p.content_encoding);
  if (ok && (flags & kHeaders) != 0) {
    auto table = decode_table(in);
    if (!table.ok()) return table.error();
    p.headers = std::move(table).value();
  }
  octet(kDeliveryMode, p.delivery_mode);
  octet(kPriority, p.priority);
  str(kCorrelationId, p.correlation_id);
  str(kReplyTo, p.reply_to);
  str(kExpiration, p.expiration);
  str(kMessageId, p.message_id);
  if (ok && (flags & kTimestamp) != 0) {
    std::uint64_t t = 0;
    ok = in.u64(t);
    p.timestamp = t;
  }
  str(kType, p.type);
  str(kUserId, p.user_id);
  str(kAppId, p.app_id);
  str(kClusterId, p.cluster_id);
  if (!ok) return bad_properties("property list shorter than its flags announce");
  return p;
}

std::string encode_basic_properties(const BasicProperties& p) {
  std::uint16_t flags = 0;
  std::string list;
  ByteWriter w(list);
  const auto str = [&](Flag f, const std::optional<std::string>& field) {
    if (!field) return;
    flags = static_cast<std::uint16_t>(flags | f);
    w.shortstr(*field);
  };
  const auto octet = [&](Flag f, const std::optional<std::uint8_t>& field) {
    if (!field) return;
    flags = static_cast<std::uint16_t>(flags | f);
    w.u8(*field);
  };
  str(kContentType, p.content_type);
  str(kContentEncoding, p.content_encoding);
  if (p.headers) {
    flags = static_cast<std::uint16_t>(flags | kHeaders);
    encode_table(w, *p.headers);
  }
  octet(kDeliveryMode, p.delivery_mode);
  octet(kPriority, p.priority);
  str(kCorrelationId, p.correlation_id);
  str(kReplyTo, p.reply_to);
  str(kExpiration, p.expiration);
  str(kMessageId, p.message_id);
  if (p.timestamp) {
    flags = static_cast<std::uint16_t>(flags | kTimestamp);
    w.u64(*p.timestamp);
  }
  str(kType, p.type);
  str(kUserId, p.user_id);
  str(kAppId, p.app_id);
  str(kClusterId, p.cluster_id);
  std::string out;
  ByteWriter head(out);
  head.u16(flags);
  out += list;
  return out;
}

WireResult<std::optional<std::uint64_t>> parse_expiration(const BasicProperties& properties) {
  if (!properties.expiration) return std::optional<std::uint64_t>();
  const std::string& text = *properties.expiration;
  const bool digits =
      !text.empty() && text.size() <= 19 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) {
    return amqp_error(ReplyCode::kPreconditionFailed,
                      "invalid expiration '" + text.substr(0, 64) +
                          "': it must be a decimal number of milliseconds");
  }
  return std::optional<std::uint64_t>(std::stoull(text));
}

void append_content_frames(std::string& out, std::uint16_t channel, std::string_view properties,
                           std::string_view body, std::uint32_t frame_max) {
  ContentHeader header;
  header.body_size = body.size();
  header.properties.assign(properties);
  append_frame(out, FrameType::kHeader, channel, encode_content_header(header));
  const std::size_t chunk = frame_max > kFrameOverhead ? frame_max - kFrameOverhead : 131072 - 8;
  for (std::size_t at = 0; at < body.size(); at += chunk) {
    append_frame(out, FrameType::kBody, channel, body.substr(at, chunk));
  }
}

}  // namespace sluice::plugins::amqp
