// Cost-allocation tags (spec 5.18-5.20): key and value rules and the per-queue limit.
// Pure functions, safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "sluice/sdk/broker_api.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::core {

inline constexpr std::size_t kMaxTagsPerQueue = 50;
inline constexpr std::size_t kMaxTagKeyChars = 128;
inline constexpr std::size_t kMaxTagValueChars = 256;

// Keys of 1..128 characters, values of 0..256 (Unicode characters, not bytes), from letters,
// digits, whitespace and _ . : / = + - @; keys may not start with "aws:". kInvalidParameterValue
// naming the offending key otherwise.
sdk::Status validate_tags(const sdk::TagMap& tags);

// UntagQueue's keys: at least one, each 1..128 characters. kInvalidParameterValue otherwise.
sdk::Status validate_tag_keys(const std::vector<std::string>& keys);

// kInvalidParameterValue ("Too many tags added for queue <name>.") when `merged` exceeds 50 tags.
sdk::Status check_tag_count(const sdk::TagMap& merged, const std::string& queue_name);

}  // namespace sluice::core
