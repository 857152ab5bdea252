#include "receipt_codec.hpp"

#include <array>
#include <charconv>

namespace sluice::plugins::memory {
namespace {

constexpr std::size_t kFieldCount = 5;
constexpr std::size_t kMaxHexDigits = 16;

// SplitMix64 finaliser: a cheap, well-mixing 64-bit permutation.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t checksum(const ReceiptFields& f, std::uint64_t key) {
  std::uint64_t h = mix(key);
  h = mix(h ^ f.generation);
  h = mix(h ^ f.incarnation);
  h = mix(h ^ f.seq);
  h = mix(h ^ f.token);
  return h & 0xffffffffULL;
}

void append_hex(std::string& out, std::uint64_t value) {
  std::array<char, kMaxHexDigits> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, 16);
  (void)ec;  // 16 hex digits always fit a uint64_t
  out.append(buffer.data(), end);
}

// Parses one field: 1..16 lower-case hex digits, no sign, no leading zeros except "0" itself,
// so every value has exactly one accepted spelling.
std::optional<std::uint64_t> parse_hex(std::string_view text) {
  if (text.empty() || text.size() > kMaxHexDigits) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  for (char c : text) {
    const bool digit = c >= '0' && c <= '9';
    const bool lower = c >= 'a' && c <= 'f';
    if (!digit && !lower) return std::nullopt;
  }
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string encode_receipt(const ReceiptFields& fields, std::uint64_t key) {
  std::string out;
  out.reserve(kFieldCount * (kMaxHexDigits + 1));
  for (std::uint64_t value :
       {fields.generation, fields.incarnation, fields.seq, fields.token, checksum(fields, key)}) {
    if (!out.empty()) out.push_back('-');
    append_hex(out, value);
  }
  return out;
}

std::optional<ReceiptFields> decode_receipt(std::string_view text, std::uint64_t key) {
  std::array<std::uint64_t, kFieldCount> values{};
  std::size_t index = 0;
  while (true) {
    const std::size_t dash = text.find('-');
    if (index == kFieldCount) return std::nullopt;  // more fields than expected
    auto value = parse_hex(text.substr(0, dash));
    if (!value) return std::nullopt;
    values[index++] = *value;
    if (dash == std::string_view::npos) break;
    text.remove_prefix(dash + 1);
  }
  if (index != kFieldCount) return std::nullopt;
  ReceiptFields fields{values[0], values[1], values[2], values[3]};
  if (checksum(fields, key) != values[4]) return std::nullopt;
  return fields;
}

}  // namespace sluice::plugins::memory
