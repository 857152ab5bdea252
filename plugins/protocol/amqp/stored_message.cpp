#include "stored_message.hpp"

#include <array>

#include "byte_io.hpp"
#include "content.hpp"

namespace sluice::plugins::amqp {
namespace {

constexpr std::uint8_t kFormat = 1;
enum BodyEncoding : std::uint8_t { kAsIs = 0, kBase64 = 1, kEmpty = 2 };
constexpr std::string_view kEmptyPlaceholder = " ";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool allowed_code_point(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Properties for a message that came through another protocol.
std::string synthesized_properties(const sdk::ReceivedMessage& received) {
  BasicProperties p;
  p.message_id = received.message_id;
  p.timestamp = static_cast<std::uint64_t>(sdk::to_unix_millis(received.sent_at) / 1000);
  if (!received.attributes.empty()) {
    FieldTable headers;
    for (const auto& [name, value] : received.attributes) {
      headers.entries.push_back({name, value.is_binary() ? FieldValue::bytes(value.value)
                                                         : FieldValue::string(value.value)});
    }
    p.headers = std::move(headers);
  }
  return encode_basic_properties(p);
}

}  // namespace

bool is_sqs_text(std::string_view body) {
  if (body.empty()) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(body.data());
  const std::size_t n = body.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    std::uint32_t cp = 0;
    std::size_t len = 0;
    if (c < 0x80) {
      cp = c, len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1FU, len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0FU, len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07U, len = 4;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3FU);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || (cp >= 0xD800 && cp <= 0xDFFF) || !allowed_code_point(cp)) return false;
    i += len;
  }
  return true;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                            (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                            static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (std::size_t k = 0; k < kAlphabet.size(); ++k)
    value[static_cast<unsigned char>(kAlphabet[k])] = static_cast<int>(k);
  if (text.size() % 4 != 0) return false;
  out.clear();
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return false;
      v[k] = value[static_cast<unsigned char>(c)];
      if (v[k] < 0) return false;
    }
    const std::uint32_t bits = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>(bits >> 16);
    if (pad < 2) out += static_cast<char>((bits >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(bits & 0xFF);
  }
  return true;
}

void store_into(const AmqpMessage& message, sdk::SendEntry& entry) {
  BodyEncoding encoding = kAsIs;
  if (message.body.empty()) {
    encoding = kEmpty;
    entry.body.assign(kEmptyPlaceholder);
  } else if (is_sqs_text(message.body)) {
    entry.body = message.body;
  } else {
    encoding = kBase64;
    entry.body = base64_encode(message.body);
  }
  entry.native_protocol.assign(kNativeProtocol);
  std::string& native = entry.native_properties;
  native.clear();
  ByteWriter w(native);
  w.u8(kFormat);
  w.u8(encoding);
  w.shortstr(message.exchange);
  w.shortstr(message.routing_key);
  w.bytes(message.properties);
}

AmqpMessage load_from(const sdk::ReceivedMessage& received, const std::string& queue) {
  AmqpMessage foreign;
  foreign.routing_key = queue;
  foreign.body = received.body;
  if (received.native_protocol != kNativeProtocol) {
    foreign.properties = synthesized_properties(received);
    return foreign;
  }
  AmqpMessage message;
  ByteReader in(received.native_properties);
  std::uint8_t format = 0, encoding = 0;
  if (!in.u8(format) || format != kFormat || !in.u8(encoding) || !in.shortstr(message.exchange) ||
      !in.shortstr(message.routing_key)) {
    foreign.properties = synthesized_properties(received);
    return foreign;
  }
  message.properties.assign(in.rest());
  switch (encoding) {
    case kAsIs:
      message.body = received.body;
      return message;
    case kEmpty:
      return message;
    case kBase64:
      if (base64_decode(received.body, message.body)) return message;
      break;
    default:
      break;
  }
  foreign.properties = synthesized_properties(received);
  return foreign;
}

}  // namespace sluice::plugins::amqp
