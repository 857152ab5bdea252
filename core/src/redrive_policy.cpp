#include "redrive_policy.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace sluice::core {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

sdk::Error invalid(std::string_view parameter, std::string_view document, std::string_view reason) {
  return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                         "Value " + std::string(document) + " for parameter " +
                             std::string(parameter) +
                             " is invalid. Reason: " + std::string(reason));
}

constexpr std::string_view kRedrivePolicy = "RedrivePolicy";
constexpr std::string_view kRedriveAllowPolicy = "RedriveAllowPolicy";

// maxReceiveCount as a number or a string of decimal digits; nullopt-like -1 when neither.
std::int64_t parse_count(const json& value) {
  if (value.is_number_unsigned()) {
    auto n = value.get<std::uint64_t>();
    return n > 1'000'000 ? 1'000'001 : static_cast<std::int64_t>(n);
  }
  if (value.is_number_integer()) {
    auto n = value.get<std::int64_t>();
    return n < 0 ? 0 : std::min<std::int64_t>(n, 1'000'001);
  }
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text.empty() || text.size() > 9) return text.empty() ? -1 : 1'000'001;
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return -1;
    }
    return std::stoll(text);
  }
  return -1;
}

std::string dump_compact(const ordered_json& doc) {
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

sdk::Result<ParsedRedrivePolicy> parse_redrive_policy(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return invalid(kRedrivePolicy, text, "Redrive policy is not a valid JSON map.");
  }
  for (const auto& [key, value] : doc.items()) {
    (void)value;
    if (key != "deadLetterTargetArn" && key != "maxReceiveCount") {
      return invalid(kRedrivePolicy, text,
                     "Only following keys are allowed: deadLetterTargetArn, maxReceiveCount. "
                     "Found: " +
                         key + ".");
    }
  }
  auto arn = doc.find("deadLetterTargetArn");
  if (arn == doc.end()) {
    return invalid(kRedrivePolicy, text,
                   "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.");
  }
  if (!arn->is_string() || arn->get_ref<const std::string&>().empty()) {
    return invalid(kRedrivePolicy, text, "deadLetterTargetArn must be a non-empty string.");
  }
  auto count = doc.find("maxReceiveCount");
  if (count == doc.end()) {
    return invalid(kRedrivePolicy, text,
                   "Redrive policy does not contain mandatory attribute: maxReceiveCount.");
  }
  std::int64_t n = parse_count(*count);
  if (n < kMinMaxReceiveCount || n > kMaxMaxReceiveCount) {
    return invalid(kRedrivePolicy, text,
                   "Invalid value for maxReceiveCount: " + count->dump() +
                       ", valid values are from 1 to 1000 both inclusive.");
  }
  return ParsedRedrivePolicy{arn->get<std::string>(), static_cast<std::uint32_t>(n)};
}

std::string render_redrive_policy(const ParsedRedrivePolicy& policy) {
  ordered_json doc = ordered_json::object();
  doc["deadLetterTargetArn"] = policy.dead_letter_target_arn;
  doc["maxReceiveCount"] = policy.max_receive_count;
  return dump_compact(doc);
}

bool ParsedRedriveAllowPolicy::allows(std::string_view source_arn) const {
  switch (permission) {
    case RedrivePermission::kAllowAll:
      return true;
    case RedrivePermission::kDenyAll:
      return false;
    case RedrivePermission::kByQueue:
      return std::find(source_queue_arns.begin(), source_queue_arns.end(), source_arn) !=
             source_queue_arns.end();
  }
  return false;
}

sdk::Result<ParsedRedriveAllowPolicy> parse_redrive_allow_policy(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return invalid(kRedriveAllowPolicy, text, "Redrive allow policy is not a valid JSON map.");
  }
  for (const auto& [key, value] : doc.items()) {
    (void)value;
    if (key != "redrivePermission" && key != "sourceQueueArns") {
      return invalid(kRedriveAllowPolicy, text,
                     "Only following keys are allowed: redrivePermission, sourceQueueArns. "
                     "Found: " +
                         key + ".");
    }
  }
  auto permission = doc.find("redrivePermission");
  if (permission == doc.end() || !permission->is_string()) {
    return invalid(kRedriveAllowPolicy, text,
                   "Redrive allow policy does not contain mandatory attribute: "
                   "redrivePermission.");
  }
  ParsedRedriveAllowPolicy parsed;
  const auto& name = permission->get_ref<const std::string&>();
  if (name == "allowAll") {
    parsed.permission = RedrivePermission::kAllowAll;
  } else if (name == "denyAll") {
    parsed.permission = RedrivePermission::kDenyAll;
  } else if (name == "byQueue") {
    parsed.permission = RedrivePermission::kByQueue;
  } else {
    return invalid(kRedriveAllowPolicy, text,
                   "Invalid value for redrivePermission: " + name +
                       ", valid values are allowAll, denyAll and byQueue.");
  }
  auto arns = doc.find("sourceQueueArns");
  if (parsed.permission != RedrivePermission::kByQueue) {
    if (arns != doc.end()) {
      return invalid(kRedriveAllowPolicy, text,
                     "sourceQueueArns can be specified only when redrivePermission is byQueue.");
    }
    return parsed;
  }
  if (arns == doc.end() || !arns->is_array() || arns->empty()) {
    return invalid(kRedriveAllowPolicy, text,
                   "redrivePermission byQueue requires a non-empty sourceQueueArns list.");
  }
  if (arns->size() > kMaxRedriveSourceArns) {
    return invalid(kRedriveAllowPolicy, text,
                   "sourceQueueArns holds " + std::to_string(arns->size()) +
                       " ARNs; at most 10 are allowed (use allowAll for more).");
  }
  for (const auto& arn : *arns) {
    if (!arn.is_string() || arn.get_ref<const std::string&>().empty()) {
      return invalid(kRedriveAllowPolicy, text, "sourceQueueArns must hold non-empty strings.");
    }
    parsed.source_queue_arns.push_back(arn.get<std::string>());
  }
  return parsed;
}

std::string render_redrive_allow_policy(const ParsedRedriveAllowPolicy& policy) {
  ordered_json doc = ordered_json::object();
  switch (policy.permission) {
    case RedrivePermission::kAllowAll:
      doc["redrivePermission"] = "allowAll";
      break;
    case RedrivePermission::kDenyAll:
      doc["redrivePermission"] = "denyAll";
      break;
    case RedrivePermission::kByQueue:
      doc["redrivePermission"] = "byQueue";
      doc["sourceQueueArns"] = policy.source_queue_arns;
      break;
  }
  return dump_compact(doc);
}

}  // namespace sluice::core
