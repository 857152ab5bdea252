#include "receipt_codec.hpp"

#include <array>
#include <charconv>

namespace sluice::plugins::postgres {
namespace {

constexpr std::size_t kFields = 5;
constexpr std::size_t kMaxHexDigits = 16;
constexpr std::uint64_t kSequenceBase = 10'000'000'000'000'000'000ULL;

// A 64-bit finaliser (the one SplitMix64 uses): cheap and well mixing.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t check_value(const ReceiptFields& f, std::uint64_t key) {
  std::uint64_t h = mix(key ^ 0x5157a1ce0000aaaaULL);
  h = mix(h ^ f.generation);
  h = mix(h ^ static_cast<std::uint64_t>(f.queue_id));
  h = mix(h ^ static_cast<std::uint64_t>(f.seq));
  h = mix(h ^ static_cast<std::uint64_t>(f.token));
  return h;
}

void append_hex(std::string& out, std::uint64_t value) {
  std::array<char, kMaxHexDigits> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, 16);
  (void)ec;  // 16 hex digits hold any uint64_t
  out.append(buffer.data(), end);
}

// Exactly one spelling per value: 1..16 lower-case hex digits, no leading zero unless "0".
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

std::string encode_receipt(const ReceiptFields& fields, std::uint64_t key) {
  std::string out;
  out.reserve(kFields * (kMaxHexDigits + 1));
  const std::uint64_t values[kFields] = {
      fields.generation, static_cast<std::uint64_t>(fields.queue_id),
      static_cast<std::uint64_t>(fields.seq), static_cast<std::uint64_t>(fields.token),
      check_value(fields, key)};
  for (std::uint64_t value : values) {
    if (!out.empty()) out.push_back('-');
    append_hex(out, value);
  }
  return out;
}

std::optional<ReceiptFields> decode_receipt(std::string_view text, std::uint64_t key) {
  std::array<std::uint64_t, kFields> values{};
  std::size_t count = 0;
  while (true) {
    if (count == kFields) return std::nullopt;
    const std::size_t dash = text.find('-');
    auto value = parse_hex(text.substr(0, dash));
    if (!value) return std::nullopt;
    values[count++] = *value;
    if (dash == std::string_view::npos) break;
    text.remove_prefix(dash + 1);
  }
  if (count != kFields) return std::nullopt;
  ReceiptFields fields{values[0], static_cast<std::int64_t>(values[1]),
                       static_cast<std::int64_t>(values[2]), static_cast<std::int64_t>(values[3])};
  if (check_value(fields, key) != values[4]) return std::nullopt;
  return fields;
}

std::string sequence_text(std::int64_t seq) {
  std::array<char, 24> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(),
                                 kSequenceBase + static_cast<std::uint64_t>(seq));
  (void)ec;  // 20 digits always fit
  return std::string(buffer.data(), end);
}

}  // namespace sluice::plugins::postgres
