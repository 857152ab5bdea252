#include "policy_conditions.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <optional>
#include <string_view>

#include "wildcard_match.hpp"

namespace sluice::plugins::auth_local {
namespace {

using Test = std::function<bool(const std::string& actual, const std::string& expected)>;

struct Operator {
  std::string_view name;
  bool negated;  // true for the Not operators: "matches none of the values"
  Test test;
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<double> number(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// An address with its family, as 16 bytes (IPv4 in the first 4).
struct Address {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
};

std::optional<Address> parse_address(const std::string& text) {
  Address a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET;
    return a;
  }
  if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET6;
    return a;
  }
  return std::nullopt;
}

// "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128).
bool in_cidr(const std::string& address_text, const std::string& cidr) {
  const auto slash = cidr.find('/');
  auto network = parse_address(cidr.substr(0, slash));
  auto address = parse_address(address_text);
  if (!network || !address || network->family != address->family) return false;
  const int max_bits = network->family == AF_INET ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string::npos) {
    const std::string prefix = cidr.substr(slash + 1);
    auto [ptr, ec] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), bits);
    if (ec != std::errc() || ptr != prefix.data() + prefix.size() || bits < 0 || bits > max_bits)
      return false;
  }
  for (int i = 0; i < bits; ++i) {
    const unsigned mask = 0x80u >> (i % 8);
    if ((network->bytes[i / 8] & mask) != (address->bytes[i / 8] & mask)) return false;
  }
  return true;
}

bool equal_ignoring_case(const std::string& a, const std::string& b) {
  return lower(a) == lower(b);
}

bool numeric(const std::string& a, const std::string& b,
             const std::function<bool(double, double)>& cmp) {
  auto x = number(a);
  auto y = number(b);
  return x && y && cmp(*x, *y);
}

const std::vector<Operator>& operators() {
  static const std::vector<Operator> ops = {
      {"StringEquals", false, [](const auto& a, const auto& e) { return a == e; }},
      {"StringNotEquals", true, [](const auto& a, const auto& e) { return a == e; }},
      {"StringEqualsIgnoreCase", false, equal_ignoring_case},
      {"StringNotEqualsIgnoreCase", true, equal_ignoring_case},
      {"StringLike", false, [](const auto& a, const auto& e) { return wildcard_match(e, a); }},
      {"StringNotLike", true, [](const auto& a, const auto& e) { return wildcard_match(e, a); }},
      {"ArnEquals", false, [](const auto& a, const auto& e) { return a == e; }},
      {"ArnNotEquals", true, [](const auto& a, const auto& e) { return a == e; }},
      {"ArnLike", false, [](const auto& a, const auto& e) { return wildcard_match(e, a); }},
      {"ArnNotLike", true, [](const auto& a, const auto& e) { return wildcard_match(e, a); }},
      {"Bool", false, equal_ignoring_case},
      {"IpAddress", false, in_cidr},
      {"NotIpAddress", true, in_cidr},
      {"NumericEquals", false,
       [](const auto& a, const auto& e) { return numeric(a, e, std::equal_to<double>()); }},
      {"NumericNotEquals", true,
       [](const auto& a, const auto& e) { return numeric(a, e, std::equal_to<double>()); }},
      {"NumericLessThan", false,
       [](const auto& a, const auto& e) { return numeric(a, e, std::less<double>()); }},
      {"NumericLessThanEquals", false,
       [](const auto& a, const auto& e) { return numeric(a, e, std::less_equal<double>()); }},
      {"NumericGreaterThan", false,
       [](const auto& a, const auto& e) { return numeric(a, e, std::greater<double>()); }},
      {"NumericGreaterThanEquals", false,
       [](const auto& a, const auto& e) { return numeric(a, e, std::greater_equal<double>()); }},
      // ISO 8601 UTC timestamps in one format ("2026-11-24T12:00:00Z") compare as text.
      {"DateEquals", false, [](const auto& a, const auto& e) { return a == e; }},
      {"DateNotEquals", true, [](const auto& a, const auto& e) { return a == e; }},
      {"DateLessThan", false, [](const auto& a, const auto& e) { return a < e; }},
      {"DateLessThanEquals", false, [](const auto& a, const auto& e) { return a <= e; }},
      {"DateGreaterThan", false, [](const auto& a, const auto& e) { return a > e; }},
      {"DateGreaterThanEquals", false, [](const auto& a, const auto& e) { return a >= e; }},
  };
  return ops;
}

constexpr std::string_view kIfExists = "IfExists";

// The operator named by `op` and whether it carries "IfExists".
std::pair<const Operator*, bool> find_operator(std::string_view op) {
  bool if_exists = false;
  if (op.size() > kIfExists.size() && op.substr(op.size() - kIfExists.size()) == kIfExists) {
    op.remove_suffix(kIfExists.size());
    if_exists = true;
  }
  for (const auto& candidate : operators()) {
    if (candidate.name == op) return {&candidate, if_exists};
  }
  return {nullptr, if_exists};
}

}  // namespace

bool is_known_condition_operator(const std::string& op) {
  return op == "Null" || find_operator(op).first != nullptr;
}

ConditionResult evaluate_condition(const Condition& condition,
                                   const std::map<std::string, std::string>& context) {
  const auto found = context.find(condition.key);
  if (condition.op == "Null") {
    // {"Null": {"key": "true"}} holds when the key is absent.
    const bool absent = found == context.end();
    const bool want_absent =
        !condition.values.empty() && equal_ignoring_case(condition.values.front(), "true");
    return absent == want_absent ? ConditionResult::kTrue : ConditionResult::kFalse;
  }
  const auto [op, if_exists] = find_operator(condition.op);
  if (op == nullptr) return ConditionResult::kUnsupported;
  if (found == context.end()) {
    return (if_exists || op->negated) ? ConditionResult::kTrue : ConditionResult::kFalse;
  }
  const bool any = std::any_of(condition.values.begin(), condition.values.end(),
                               [&](const std::string& v) { return op->test(found->second, v); });
  return any != op->negated ? ConditionResult::kTrue : ConditionResult::kFalse;
}

}  // namespace sluice::plugins::auth_local
