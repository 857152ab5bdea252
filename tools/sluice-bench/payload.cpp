#include "payload.hpp"

namespace sluice::bench {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

bool read_hex(std::string_view text, std::uint64_t& out) {
  std::uint64_t value = 0;
  for (const char c : text) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (digit < 0) return false;
    value = value << 4 | static_cast<std::uint64_t>(digit);
  }
  out = value;
  return true;
}

}  // namespace

void write_hex(char* at, std::uint64_t value, std::size_t width) {
  for (std::size_t i = width; i > 0; --i) {
    at[i - 1] = kDigits[value & 0xf];
    value >>= 4;
  }
}

std::string make_body(std::size_t size) {
  std::string body(size, 'x');
  for (std::size_t i = kStampSize; i < size; ++i) {
    body[i] = static_cast<char>('a' + (i % 26));
  }
  write_stamp(body.data(), Stamp{});
  return body;
}

void write_stamp(char* at, const Stamp& stamp) {
  at[0] = 'S';
  at[1] = 'B';
  write_hex(at + 2, stamp.nonce, 8);
  write_hex(at + 10, stamp.id, 16);
  write_hex(at + 26, static_cast<std::uint64_t>(stamp.sent_us), 16);
}

std::optional<Stamp> read_stamp(std::string_view body) {
  if (body.size() < kStampSize || body[0] != 'S' || body[1] != 'B') return std::nullopt;
  std::uint64_t nonce = 0;
  std::uint64_t id = 0;
  std::uint64_t sent = 0;
  if (!read_hex(body.substr(2, 8), nonce) || !read_hex(body.substr(10, 16), id) ||
      !read_hex(body.substr(26, 16), sent)) {
    return std::nullopt;
  }
  return Stamp{static_cast<std::uint32_t>(nonce), id, static_cast<std::int64_t>(sent)};
}

}  // namespace sluice::bench
