#include "receipt_codec.hpp"

#include <array>
#include <charconv>

namespace sluice::plugins::redis {
namespace {

constexpr std::string_view kReceiptTag = "r1-";
constexpr std::size_t kFieldCount = 5;
constexpr std::size_t kMaxHexDigits = 16;
constexpr std::uint64_t kSeqBase = 10'000'000'000'000'000'000ULL;
// A fixed key: the check value guards against garbage and typos, not forgery, and a fixed key
// lets every broker sharing the Redis read every other broker's receipts.
constexpr std::uint64_t kCheckKey = 0x5e1d7a3c9b04f281ULL;

// SplitMix64 finaliser: a cheap, well-mixing 64-bit permutation.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t check_value(const ReceiptFields& f) {
  std::uint64_t h = mix(kCheckKey);
  h = mix(h ^ f.generation);
  h = mix(h ^ f.queue_id);
  h = mix(h ^ f.arrival);
  h = mix(h ^ f.token);
  return h & 0xffffffffULL;
}

// 1..16 lower-case hex digits without leading zeros (except "0"): one spelling per value.
std::optional<std::uint64_t> parse_hex(std::string_view text) {
  if (text.empty() || text.size() > kMaxHexDigits) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string hex_text(std::uint64_t value) {
  std::array<char, kMaxHexDigits> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, 16);
  (void)ec;  // 16 hex digits always fit a uint64_t
  return std::string(buffer.data(), end);
}

std::string encode_receipt(const ReceiptFields& fields) {
  std::string out(kReceiptTag);
  bool first = true;
  for (std::uint64_t value :
       {fields.generation, fields.queue_id, fields.arrival, fields.token, check_value(fields)}) {
    if (!first) out.push_back('-');
    first = false;
    out += hex_text(value);
  }
  return out;
}

std::optional<ReceiptFields> decode_receipt(std::string_view text) {
  if (!text.starts_with(kReceiptTag)) return std::nullopt;
  text.remove_prefix(kReceiptTag.size());
  std::array<std::uint64_t, kFieldCount> values{};
  std::size_t count = 0;
  while (true) {
    if (count == kFieldCount) return std::nullopt;  // more fields than expected
    const std::size_t dash = text.find('-');
    auto value = parse_hex(text.substr(0, dash));
    if (!value) return std::nullopt;
    values[count++] = *value;
    if (dash == std::string_view::npos) break;
    text.remove_prefix(dash + 1);
  }
  if (count != kFieldCount) return std::nullopt;
  ReceiptFields fields{values[0], values[1], values[2], values[3]};
  if (fields.arrival >= kSeqBase || check_value(fields) != values[4]) return std::nullopt;
  return fields;
}

std::string seq_text(std::uint64_t arrival) {
  std::array<char, 24> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), kSeqBase + arrival);
  (void)ec;  // callers keep arrival below 10^19, so this is 20 digits
  return std::string(buffer.data(), end);
}

std::optional<std::uint64_t> arrival_of(std::string_view text) {
  if (text.size() != 20 || text.front() != '1') return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value - kSeqBase;
}

}  // namespace sluice::plugins::redis
