#include "receipt_codec.hpp"

#include <array>

namespace sluice::plugins::rocksdb {
namespace {

constexpr std::string_view kPrefix = "r1";
constexpr std::size_t kFields = 5;
constexpr std::size_t kDigits = 16;
constexpr std::size_t kSize = kPrefix.size() + kFields * kDigits;
constexpr char kHex[] = "0123456789abcdef";

// The MurmurHash3 64-bit finaliser: a bijective mix with full avalanche.
std::uint64_t avalanche(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

std::uint64_t check_value(const ReceiptFields& f, std::uint64_t key) {
  std::uint64_t h = avalanche(key ^ 0x5eed5eed5eed5eedULL);
  for (std::uint64_t field : {f.generation, f.queue_id, f.seq, f.token}) {
    h = avalanche(h + field);
  }
  return h;
}

void append_field(std::string& out, std::uint64_t value) {
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(value >> shift) & 0xf]);
}

std::optional<std::uint64_t> parse_field(std::string_view text) {
  std::uint64_t value = 0;
  for (char c : text) {
    std::uint64_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    value = (value << 4) | digit;
  }
  return value;
}

}  // namespace

std::string encode_receipt(const ReceiptFields& fields, std::uint64_t key) {
  std::string out(kPrefix);
  out.reserve(kSize);
  for (std::uint64_t value :
       {fields.generation, fields.queue_id, fields.seq, fields.token, check_value(fields, key)}) {
    append_field(out, value);
  }
  return out;
}

std::optional<ReceiptFields> decode_receipt(std::string_view text, std::uint64_t key) {
  if (text.size() != kSize || !text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  std::array<std::uint64_t, kFields> values{};
  for (std::size_t i = 0; i < kFields; ++i) {
    auto value = parse_field(text.substr(i * kDigits, kDigits));
    if (!value) return std::nullopt;
    values[i] = *value;
  }
  ReceiptFields fields{values[0], values[1], values[2], values[3]};
  if (check_value(fields, key) != values[4]) return std::nullopt;
  return fields;
}

}  // namespace sluice::plugins::rocksdb
