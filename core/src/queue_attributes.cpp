#include "queue_attributes.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "queue_names.hpp"
#include "queue_policy.hpp"
#include "redrive_policy.hpp"

namespace sluice::core {
namespace {

enum class Kind : std::uint8_t {
  kInteger,
  kBoolean,
  kChoice,
  kPolicy,
  kRedrivePolicy,
  kRedriveAllowPolicy,
  kKmsKey,
  kFifoFlag,
  kReadOnly,
};

struct AttributeSpec {
  std::string_view name;
  Kind kind;
  bool fifo_only;
  bool settable;  // by SetQueueAttributes; every non-read-only one is accepted at create
  std::int64_t min;
  std::int64_t max;
  std::string_view default_value;  // empty: unset unless given
  std::array<std::string_view, 2> choices;
};

constexpr AttributeSpec read_only(std::string_view name) {
  return AttributeSpec{name, Kind::kReadOnly, false, false, 0, 0, {}, {}};
}
constexpr AttributeSpec integer(std::string_view name, std::int64_t min, std::int64_t max,
                                std::string_view default_value) {
  return AttributeSpec{name, Kind::kInteger, false, true, min, max, default_value, {}};
}
constexpr AttributeSpec document(std::string_view name, Kind kind) {
  return AttributeSpec{name, kind, false, true, 0, 0, {}, {}};
}
constexpr AttributeSpec boolean(std::string_view name, bool fifo_only,
                                std::string_view default_value) {
  return AttributeSpec{name, Kind::kBoolean, fifo_only, true, 0, 0, default_value, {}};
}
constexpr AttributeSpec fifo_choice(std::string_view name, std::string_view default_value,
                                    std::array<std::string_view, 2> choices) {
  return AttributeSpec{name, Kind::kChoice, true, true, 0, 0, default_value, choices};
}

// The whole of spec 6.2, in the order GetQueueAttributes "All" lists them.
constexpr std::array<AttributeSpec, 21> kAttributes = {
    read_only(attr::kQueueArn),
    read_only(attr::kApproximateNumberOfMessages),
    read_only(attr::kApproximateNumberOfMessagesNotVisible),
    read_only(attr::kApproximateNumberOfMessagesDelayed),
    read_only(attr::kCreatedTimestamp),
    read_only(attr::kLastModifiedTimestamp),
    integer(attr::kVisibilityTimeout, 0, 43200, "30"),
    integer(attr::kMaximumMessageSize, 1024, 1048576, "1048576"),
    integer(attr::kMessageRetentionPeriod, 60, 1209600, "345600"),
    integer(attr::kDelaySeconds, 0, 900, "0"),
    integer(attr::kReceiveMessageWaitTimeSeconds, 0, 20, "0"),
    document(attr::kPolicy, Kind::kPolicy),
    document(attr::kRedrivePolicy, Kind::kRedrivePolicy),
    document(attr::kRedriveAllowPolicy, Kind::kRedriveAllowPolicy),
    document(attr::kKmsMasterKeyId, Kind::kKmsKey),
    integer(attr::kKmsDataKeyReusePeriodSeconds, 60, 86400, "300"),
    boolean(attr::kSqsManagedSseEnabled, false, "true"),
    AttributeSpec{attr::kFifoQueue, Kind::kFifoFlag, true, false, 0, 0, "true", {}},
    boolean(attr::kContentBasedDeduplication, true, "false"),
    fifo_choice(attr::kDeduplicationScope, "queue", {"messageGroup", "queue"}),
    fifo_choice(attr::kFifoThroughputLimit, "perQueue", {"perQueue", "perMessageGroupId"}),
};

constexpr std::size_t kMaxKmsKeyIdLength = 2048;

const AttributeSpec* find_spec(std::string_view name) {
  auto it = std::find_if(kAttributes.begin(), kAttributes.end(),
                         [&](const AttributeSpec& s) { return s.name == name; });
  return it == kAttributes.end() ? nullptr : &*it;
}

sdk::Error unknown_attribute(std::string_view name) {
  return sdk::make_error(sdk::ErrorCode::kInvalidAttributeName,
                         "Unknown Attribute " + std::string(name) + ".");
}

sdk::Error invalid_value(std::string_view name, std::string_view value, std::string_view reason) {
  return sdk::make_error(sdk::ErrorCode::kInvalidAttributeValue,
                         "Invalid value for the parameter " + std::string(name) + ". Reason: " +
                             std::string(reason) + " Got '" + std::string(value) + "'.");
}

std::optional<bool> parse_bool(std::string_view value) {
  auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
  std::string text(value.size(), '\0');
  std::transform(value.begin(), value.end(), text.begin(), lower);
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

// Decimal integers only: no sign other than '-', no spaces, no fraction.
std::optional<std::int64_t> parse_integer(std::string_view value) {
  std::int64_t n = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, n);
  if (value.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return n;
}

sdk::Status fifo_name_mismatch() {
  return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                         "The name of a FIFO queue can only include alphanumeric characters, "
                         "hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in "
                         "length. FifoQueue=true requires a name ending in .fifo and a .fifo "
                         "name requires FifoQueue=true.");
}

sdk::Result<std::string> canonical_value(const AttributeSpec& spec, std::string_view value) {
  switch (spec.kind) {
    case Kind::kInteger: {
      auto n = parse_integer(value);
      if (!n || *n < spec.min || *n > spec.max) {
        return invalid_value(spec.name, value,
                             "Must be an integer from " + std::to_string(spec.min) + " to " +
                                 std::to_string(spec.max) + ".");
      }
      return std::to_string(*n);
    }
    case Kind::kBoolean:
    case Kind::kFifoFlag: {
      auto b = parse_bool(value);
      if (!b) return invalid_value(spec.name, value, "Must be true or false.");
      return std::string(*b ? "true" : "false");
    }
    case Kind::kChoice: {
      if (value != spec.choices[0] && value != spec.choices[1]) {
        return invalid_value(spec.name, value,
                             "Must be " + std::string(spec.choices[0]) + " or " +
                                 std::string(spec.choices[1]) + ".");
      }
      return std::string(value);
    }
    case Kind::kPolicy:
      if (value.empty()) return std::string();
      return canonical_policy(value);
    case Kind::kRedrivePolicy: {
      if (value.empty()) return std::string();
      auto parsed = parse_redrive_policy(value);
      if (!parsed.ok()) return parsed.error();
      return render_redrive_policy(parsed.value());
    }
    case Kind::kRedriveAllowPolicy: {
      if (value.empty()) return std::string();
      auto parsed = parse_redrive_allow_policy(value);
      if (!parsed.ok()) return parsed.error();
      return render_redrive_allow_policy(parsed.value());
    }
    case Kind::kKmsKey:
      if (value.size() > kMaxKmsKeyIdLength) {
        return invalid_value(spec.name, value.substr(0, 64), "At most 2048 characters.");
      }
      return std::string(value);
    case Kind::kReadOnly:
      break;
  }
  return unknown_attribute(spec.name);
}

std::string stored_or(const sdk::AttributeMap& stored, std::string_view name,
                      std::string_view fallback) {
  auto it = stored.find(std::string(name));
  return it == stored.end() ? std::string(fallback) : it->second;
}

std::int32_t stored_int(const sdk::AttributeMap& stored, std::string_view name) {
  const AttributeSpec* spec = find_spec(name);
  auto n = parse_integer(stored_or(stored, name, spec->default_value));
  if (!n || *n < spec->min || *n > spec->max) n = parse_integer(spec->default_value);
  return static_cast<std::int32_t>(*n);
}

}  // namespace

sdk::Result<sdk::AttributeMap> validate_attributes(const sdk::AttributeMap& attributes, bool fifo,
                                                   AttributeOp op) {
  sdk::AttributeMap canonical;
  for (const auto& [name, value] : attributes) {
    const AttributeSpec* spec = find_spec(name);
    if (spec == nullptr || spec->kind == Kind::kReadOnly) return unknown_attribute(name);
    if (spec->kind == Kind::kFifoFlag) {
      // AWS: FifoQueue on a standard name is an unknown attribute unless it asks for FIFO.
      if (op == AttributeOp::kSet) return unknown_attribute(name);
      auto flag = canonical_value(*spec, value);
      if (!flag.ok()) return flag.error();
      if (!fifo && flag.value() == "false") return unknown_attribute(name);
      if ((flag.value() == "true") != fifo) return fifo_name_mismatch().error();
      canonical.emplace(name, std::move(flag.value()));
      continue;
    }
    if (spec->fifo_only && !fifo) return unknown_attribute(name);
    if (op == AttributeOp::kSet && !spec->settable) return unknown_attribute(name);
    auto value_or = canonical_value(*spec, value);
    if (!value_or.ok()) return value_or.error();
    canonical.emplace(name, std::move(value_or.value()));
  }
  if (op == AttributeOp::kCreate && fifo && !canonical.contains(std::string(attr::kFifoQueue))) {
    return fifo_name_mismatch().error();
  }
  auto kms = canonical.find(std::string(attr::kKmsMasterKeyId));
  auto sse = canonical.find(std::string(attr::kSqsManagedSseEnabled));
  if (kms != canonical.end() && !kms->second.empty() && sse != canonical.end() &&
      sse->second == "true") {
    return sdk::make_error(sdk::ErrorCode::kInvalidAttributeValue,
                           "You can use one type of server-side encryption (SSE) at one time. "
                           "You can either enable KMS SSE or SQS SSE.");
  }
  return canonical;
}

sdk::Status merge_attributes(sdk::AttributeMap& stored, const sdk::AttributeMap& changes) {
  sdk::AttributeMap merged = stored;
  for (const auto& [name, value] : changes) {
    if (name == attr::kFifoQueue) continue;
    if (value.empty()) {
      merged.erase(name);
    } else {
      merged[name] = value;
    }
  }
  const std::string kms(attr::kKmsMasterKeyId);
  const std::string sse(attr::kSqsManagedSseEnabled);
  const std::string reuse(attr::kKmsDataKeyReusePeriodSeconds);
  if (auto it = changes.find(kms); it != changes.end()) {
    if (!it->second.empty()) {
      merged[sse] = "false";
    } else if (!changes.contains(sse)) {
      merged.erase(sse);  // back to the default: SSE-SQS on
    }
  }
  if (auto it = changes.find(sse); it != changes.end() && it->second == "true") {
    merged.erase(kms);
    if (!changes.contains(reuse)) merged.erase(reuse);
  }
  if (effective_value(merged, attr::kFifoThroughputLimit) == "perMessageGroupId" &&
      effective_value(merged, attr::kDeduplicationScope) != "messageGroup") {
    return sdk::make_error(sdk::ErrorCode::kInvalidAttributeValue,
                           "Invalid value for the parameter FifoThroughputLimit. Reason: "
                           "perMessageGroupId requires DeduplicationScope messageGroup.");
  }
  stored = std::move(merged);
  return sdk::Status::Ok();
}

std::optional<std::string> effective_value(const sdk::AttributeMap& stored, std::string_view name) {
  const AttributeSpec* spec = find_spec(name);
  if (spec == nullptr || spec->kind == Kind::kReadOnly || spec->kind == Kind::kFifoFlag) {
    return std::nullopt;
  }
  if (auto it = stored.find(std::string(name)); it != stored.end()) return it->second;
  if (name == attr::kSqsManagedSseEnabled && stored.contains(std::string(attr::kKmsMasterKeyId))) {
    return std::string("false");
  }
  if (spec->default_value.empty()) return std::nullopt;
  return std::string(spec->default_value);
}

sdk::Status validate_requested_name(std::string_view name, bool fifo) {
  if (name == attr::kAll) return sdk::Status::Ok();
  const AttributeSpec* spec = find_spec(name);
  if (spec == nullptr || (spec->fifo_only && !fifo)) return unknown_attribute(name);
  return sdk::Status::Ok();
}

std::vector<std::string_view> applicable_attribute_names(bool fifo) {
  std::vector<std::string_view> names;
  for (const auto& spec : kAttributes) {
    if (!spec.fifo_only || fifo) names.push_back(spec.name);
  }
  return names;
}

bool same_attribute_value(std::string_view name, std::string_view a, std::string_view b) {
  if (name == attr::kPolicy && !a.empty() && !b.empty()) return same_policy(a, b);
  return a == b;
}

QueueSettings make_queue_settings(const sdk::QueueRecord& record, const QueueMetadata& metadata,
                                  std::string_view region, std::string_view account_id) {
  const auto& stored = metadata.attributes;
  QueueSettings settings;
  settings.name = record.name;
  settings.arn = make_queue_arn(region, account_id, record.name);
  settings.fifo = record.fifo;
  settings.generation = record.generation;
  settings.delay_seconds = stored_int(stored, attr::kDelaySeconds);
  settings.maximum_message_size = stored_int(stored, attr::kMaximumMessageSize);
  settings.message_retention_period = stored_int(stored, attr::kMessageRetentionPeriod);
  settings.receive_wait_time_seconds = stored_int(stored, attr::kReceiveMessageWaitTimeSeconds);
  settings.visibility_timeout = stored_int(stored, attr::kVisibilityTimeout);
  if (record.fifo) {
    settings.content_based_deduplication =
        stored_or(stored, attr::kContentBasedDeduplication, "false") == "true";
    settings.dedup_scope = stored_or(stored, attr::kDeduplicationScope, "queue") == "messageGroup"
                               ? DedupScope::kMessageGroup
                               : DedupScope::kQueue;
  }
  if (auto it = stored.find(std::string(attr::kRedrivePolicy)); it != stored.end()) {
    auto parsed = parse_redrive_policy(it->second);
    auto target = parsed.ok()
                      ? queue_name_from_arn(parsed->dead_letter_target_arn, region, account_id)
                      : std::nullopt;
    if (target) {
      settings.redrive =
          RedrivePolicy{*target, parsed->dead_letter_target_arn, parsed->max_receive_count};
    }
  }
  settings.created_at = sdk::from_unix_millis(metadata.created_at_ms);
  settings.sse_enabled = effective_value(stored, attr::kSqsManagedSseEnabled) == "true" ||
                         stored.contains(std::string(attr::kKmsMasterKeyId));
  settings.data_key_reuse_seconds = stored_int(stored, attr::kKmsDataKeyReusePeriodSeconds);
  return settings;
}

}  // namespace sluice::core
