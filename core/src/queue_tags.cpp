#include "queue_tags.hpp"

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace sluice::core {
namespace {

// Counts code points; bytes >= 0x80 belong to non-ASCII characters, which the tag rules accept as
// letters (AWS allows Unicode letters), so only ASCII is checked against the allowed set.
std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<std::uint8_t>(c) & 0xC0) != 0x80;
  }));
}

bool allowed_ascii(char c) {
  if (static_cast<std::uint8_t>(c) >= 0x80) return true;
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view(" \t\n\r_.:/=+-@").find(c) != std::string_view::npos;
}

sdk::Error bad_tag(std::string_view key, std::string_view reason) {
  return sdk::make_error(
      sdk::ErrorCode::kInvalidParameterValue,
      "Invalid tag '" + std::string(key.substr(0, 128)) + "': " + std::string(reason));
}

bool starts_with_aws_prefix(std::string_view key) {
  if (key.size() < 4) return false;
  std::string head(key.substr(0, 4));
  std::transform(head.begin(), head.end(), head.begin(),
                 [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return head == "aws:";
}

}  // namespace

sdk::Status validate_tags(const sdk::TagMap& tags) {
  for (const auto& [key, value] : tags) {
    std::size_t key_chars = utf8_length(key);
    if (key_chars == 0 || key_chars > kMaxTagKeyChars) {
      return bad_tag(key, "Tag keys must be between 1 and 128 characters in length.");
    }
    if (utf8_length(value) > kMaxTagValueChars) {
      return bad_tag(key, "Tag values must be at most 256 characters in length.");
    }
    if (!std::all_of(key.begin(), key.end(), allowed_ascii) ||
        !std::all_of(value.begin(), value.end(), allowed_ascii)) {
      return bad_tag(key,
                     "Tags may contain only letters, digits, whitespace and the characters "
                     "_ . : / = + - @.");
    }
    if (starts_with_aws_prefix(key)) return bad_tag(key, "The aws: prefix is reserved.");
  }
  return sdk::Status::Ok();
}

sdk::Status validate_tag_keys(const std::vector<std::string>& keys) {
  if (keys.empty()) {
    return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                           "Tag keys must be between 1 and 128 characters in length.");
  }
  for (const auto& key : keys) {
    std::size_t chars = utf8_length(key);
    if (chars == 0 || chars > kMaxTagKeyChars) {
      return bad_tag(key, "Tag keys must be between 1 and 128 characters in length.");
    }
  }
  return sdk::Status::Ok();
}

sdk::Status check_tag_count(const sdk::TagMap& merged, const std::string& queue_name) {
  if (merged.size() <= kMaxTagsPerQueue) return sdk::Status::Ok();
  return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                         "Too many tags added for queue " + queue_name +
                             ". A queue holds at most " + std::to_string(kMaxTagsPerQueue) +
                             " tags; this request would give " + std::to_string(merged.size()) +
                             ".");
}

}  // namespace sluice::core
