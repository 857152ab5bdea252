#include "message_validation.hpp"

#include <cctype>
#include <cstdio>
#include <set>

namespace sluice::core {
namespace {

using sdk::ErrorCode;
using sdk::make_error;

bool is_allowed_code_point(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

std::string hex_code_point(std::uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "#x%X", static_cast<unsigned>(cp));
  return buf;
}

sdk::Error invalid_value(std::string message) {
  return make_error(ErrorCode::kInvalidParameterValue, std::move(message));
}

std::string parameter_reason(std::string_view parameter, long long value, std::string_view reason) {
  return "Value " + std::to_string(value) + " for parameter " + std::string(parameter) +
         " is invalid. Reason: " + std::string(reason);
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

sdk::Status validate_attribute_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 256 && name.front() != '.' && name.back() != '.' &&
            name.find("..") == std::string::npos && !starts_with_ci(name, "AWS.") &&
            !starts_with_ci(name, "Amazon.");
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
      ok = false;
    }
  }
  if (ok) return {};
  return invalid_value("Message (user) attribute name '" + name +
                       "' is invalid. Names are 1 to 256 characters of A-Z, a-z, 0-9, '_', '-' "
                       "and '.', may not start or end with '.', contain '..', or start with "
                       "'AWS.' or 'Amazon.'.");
}

// "String", "Number" or "Binary", optionally followed by '.' and a non-empty custom label.
bool is_valid_data_type(std::string_view type) {
  if (type.size() > 256) return false;
  for (std::string_view base : {"String", "Number", "Binary"}) {
    if (type.substr(0, base.size()) != base) continue;
    const auto rest = type.substr(base.size());
    return rest.empty() || (rest.size() > 1 && rest.front() == '.');
  }
  return false;
}

// A decimal number as SQS accepts in Number attributes: sign, digits, optional fraction and
// exponent, at most 38 significant digits.
bool is_decimal_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0, significant = 0;
  bool leading = true;
  auto take_digits = [&] {
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (s[i] != '0') leading = false;
      if (!leading) ++significant;
      ++digits;
      ++i;
    }
  };
  take_digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    take_digits();
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return false;
  }
  return i == s.size() && significant <= 38;
}

sdk::Status validate_attributes(const sdk::MessageAttributes& attributes) {
  if (attributes.size() > kMaxMessageAttributes) {
    return invalid_value("Number of message attributes [" + std::to_string(attributes.size()) +
                         "] exceeds the allowed maximum [10].");
  }
  for (const auto& [name, value] : attributes) {
    if (auto s = validate_attribute_name(name); !s) return s;
    if (value.data_type.empty()) {
      return invalid_value("The message attribute '" + name +
                           "' must contain a non-empty attribute type.");
    }
    if (!is_valid_data_type(value.data_type)) {
      return invalid_value("The message attribute '" + name +
                           "' has an invalid message attribute type, the set of supported type "
                           "prefixes is Binary, Number, and String.");
    }
    if (value.value.empty()) {
      return invalid_value("The message attribute '" + name +
                           "' must contain non-empty message attribute value.");
    }
    if (value.is_binary()) continue;
    std::string problem;
    if (!is_allowed_text(value.value, &problem)) {
      return make_error(ErrorCode::kInvalidMessageContents,
                        "Invalid character " + problem +
                            " was found in the value of message "
                            "attribute '" +
                            name +
                            "', the set of allowed characters is #x9 | #xA | "
                            "#xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
    }
    if (value.data_type.rfind("Number", 0) == 0 && !is_decimal_number(value.value)) {
      return invalid_value("Can't cast the value of message (user) attribute '" + name +
                           "' to a number.");
    }
  }
  return {};
}

sdk::Status validate_system_attributes(const sdk::MessageAttributes& attributes) {
  for (const auto& [name, value] : attributes) {
    if (name != "AWSTraceHeader") {
      return invalid_value("Message system attribute name '" + name +
                           "' is invalid. The only supported message system attribute is "
                           "AWSTraceHeader.");
    }
    if (value.data_type != "String") {
      return invalid_value(
          "The message system attribute 'AWSTraceHeader' must have DataType "
          "String, not '" +
          value.data_type + "'.");
    }
    if (value.value.empty()) {
      return invalid_value(
          "The message system attribute 'AWSTraceHeader' must contain a "
          "non-empty value.");
    }
  }
  return {};
}

}  // namespace

bool is_allowed_text(std::string_view text, std::string* problem) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    std::uint32_t cp;
    std::size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      len = 0;
    }
    bool valid = len != 0 && i + len <= n;
    for (std::size_t k = 1; valid && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80)
        valid = false;
      else
        cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, surrogates encoded in UTF-8 and values past U+10FFFF are not UTF-8.
    if (valid) {
      static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) valid = false;
    }
    if (!valid) {
      if (problem) *problem = "(invalid UTF-8 at byte " + std::to_string(i) + ")";
      return false;
    }
    if (!is_allowed_code_point(cp)) {
      if (problem) *problem = "'" + hex_code_point(cp) + "'";
      return false;
    }
    i += len;
  }
  return true;
}

bool is_valid_batch_entry_id(std::string_view id) {
  if (id.empty() || id.size() > 80) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  }
  return true;
}

bool is_valid_fifo_token(std::string_view token) {
  if (token.empty() || token.size() > 128) return false;
  for (char c : token) {
    if (c < '!' || c > '~') return false;  // letters, digits and punctuation; no space
  }
  return true;
}

std::size_t message_size(const sdk::SendEntry& entry) {
  std::size_t size = entry.body.size();
  for (const auto& [name, value] : entry.attributes) {
    size += name.size() + value.data_type.size() + value.value.size();
  }
  return size;
}

sdk::Status validate_send_batch(const std::vector<sdk::SendEntry>& entries) {
  if (entries.empty()) {
    return make_error(ErrorCode::kEmptyBatchRequest,
                      "There should be at least one SendMessageBatchRequestEntry in the request.");
  }
  // Order as observed on AWS: id format, total size, distinct ids, count.
  for (const auto& entry : entries) {
    if (entries.size() == 1 && entry.entry_id.empty()) continue;
    if (!is_valid_batch_entry_id(entry.entry_id)) {
      return make_error(ErrorCode::kInvalidBatchEntryId,
                        "A batch entry id can only contain alphanumeric characters, hyphens and "
                        "underscores. It can be at most 80 letters long. Invalid id: '" +
                            entry.entry_id.substr(0, 100) + "'");
    }
  }
  std::size_t total = 0;
  for (const auto& entry : entries) total += message_size(entry);
  if (total > kMaxBatchBytes) {
    return make_error(ErrorCode::kBatchRequestTooLong,
                      "Batch requests cannot be longer than 1048576 bytes. You have sent " +
                          std::to_string(total) + " bytes.");
  }
  std::set<std::string_view> seen;
  for (const auto& entry : entries) {
    if (!seen.insert(entry.entry_id).second) {
      return make_error(ErrorCode::kBatchEntryIdsNotDistinct,
                        "Id " + entry.entry_id + " repeated.");
    }
  }
  if (entries.size() > kMaxBatchEntries) {
    return make_error(ErrorCode::kTooManyEntriesInBatchRequest,
                      "Maximum number of entries per request are 10. You have sent " +
                          std::to_string(entries.size()) + ".");
  }
  return {};
}

sdk::Status validate_send_entry(const sdk::SendEntry& entry, const QueueSettings& settings) {
  if (entry.body.empty()) {
    return make_error(ErrorCode::kMissingParameter,
                      "The request must contain the parameter MessageBody.");
  }
  std::string problem;
  if (!is_allowed_text(entry.body, &problem)) {
    return make_error(ErrorCode::kInvalidMessageContents,
                      "Invalid character " + problem +
                          " was found in the message body, the set "
                          "of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to "
                          "#xFFFD | #x10000 to #x10FFFF");
  }
  if (auto s = validate_attributes(entry.attributes); !s) return s;
  if (auto s = validate_system_attributes(entry.system_attributes); !s) return s;
  const std::size_t size = message_size(entry);
  if (size > static_cast<std::size_t>(settings.maximum_message_size)) {
    return invalid_value(
        "One or more parameters are invalid. Reason: Message must be shorter "
        "than " +
        std::to_string(settings.maximum_message_size) + " bytes. This message is " +
        std::to_string(size) + " bytes.");
  }
  if (entry.delay_seconds) {
    const auto delay = *entry.delay_seconds;
    if (delay < 0 || delay > kMaxDelaySeconds) {
      return invalid_value(
          parameter_reason("DelaySeconds", delay, "DelaySeconds must be >= 0 and <= 900."));
    }
    if (settings.fifo && delay != 0) {
      return invalid_value(
          parameter_reason("DelaySeconds", delay,
                           "The request include parameter that is not valid for this queue type."));
    }
  }
  if (!entry.group_id.empty() && !is_valid_fifo_token(entry.group_id)) {
    return invalid_value("Value " + entry.group_id.substr(0, 200) +
                         " for parameter MessageGroupId is invalid. Reason: MessageGroupId can "
                         "only include alphanumeric and punctuation characters. 1 to 128 in "
                         "length.");
  }
  if (!entry.dedup_id.empty() && !is_valid_fifo_token(entry.dedup_id)) {
    return invalid_value("Value " + entry.dedup_id.substr(0, 200) +
                         " for parameter MessageDeduplicationId is invalid. Reason: "
                         "MessageDeduplicationId can only include alphanumeric and punctuation "
                         "characters. 1 to 128 in length.");
  }
  if (settings.fifo) {
    if (entry.group_id.empty()) {
      return make_error(ErrorCode::kMissingParameter,
                        "The request must contain the parameter MessageGroupId.");
    }
    if (entry.dedup_id.empty() && !settings.content_based_deduplication) {
      return invalid_value(
          "The queue should either have ContentBasedDeduplication enabled or "
          "MessageDeduplicationId provided explicitly");
    }
  } else if (!entry.dedup_id.empty()) {
    return invalid_value("Value " + entry.dedup_id.substr(0, 200) +
                         " for parameter MessageDeduplicationId is invalid. Reason: The request "
                         "include parameter that is not valid for this queue type.");
  }
  return {};
}

sdk::Status validate_visibility_timeout(std::int32_t seconds) {
  if (seconds < 0 || seconds > kMaxVisibilitySeconds) {
    return invalid_value(
        parameter_reason("VisibilityTimeout", seconds, "Must be >= 0 and <= 43200, if provided."));
  }
  return {};
}

sdk::Result<ReceiveParameters> resolve_receive_parameters(const sdk::ReceiveRequest& request,
                                                          const QueueSettings& settings) {
  ReceiveParameters out;
  if (request.max_messages < 1 || request.max_messages > kMaxReceiveMessages) {
    return invalid_value(parameter_reason("MaxNumberOfMessages", request.max_messages,
                                          "Must be between 1 and 10, if provided."));
  }
  out.max_messages = request.max_messages;
  out.visibility_seconds = request.visibility_seconds.value_or(settings.visibility_timeout);
  if (auto s = validate_visibility_timeout(out.visibility_seconds); !s) return s.error();
  out.wait_seconds = request.wait_seconds.value_or(settings.receive_wait_time_seconds);
  if (out.wait_seconds < 0 || out.wait_seconds > kMaxWaitSeconds) {
    return invalid_value(parameter_reason("WaitTimeSeconds", out.wait_seconds,
                                          "Must be >= 0 and <= 20, if provided."));
  }
  if (settings.fifo && !request.attempt_id.empty() && !is_valid_fifo_token(request.attempt_id)) {
    return invalid_value("Value " + request.attempt_id.substr(0, 200) +
                         " for parameter ReceiveRequestAttemptId is invalid. Reason: It can only "
                         "include alphanumeric and punctuation characters. 1 to 128 in length.");
  }
  return out;
}

}  // namespace sluice::core
