// Queue names and ARNs (spec 6.1). Pure functions, safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sluice/sdk/result.hpp"

namespace sluice::core {

inline constexpr std::string_view kFifoSuffix = ".fifo";
inline constexpr std::size_t kMaxQueueNameLength = 80;

// True when `name` ends with ".fifo" (the only way SQS tells a queue's type from its name).
bool is_fifo_name(std::string_view name);

// True for 1..80 characters of [A-Za-z0-9_-], optionally followed by ".fifo" (counted in the 80).
bool is_valid_queue_name(std::string_view name);

// CreateQueue's name check: kInvalidParameterValue with AWS's wording for the queue type that
// `name` asks for.
sdk::Status validate_queue_name(std::string_view name);

// arn:aws:sqs:<region>:<account_id>:<name>
std::string make_queue_arn(std::string_view region, std::string_view account_id,
                           std::string_view name);

// The queue name inside `arn` if it is a well-formed SQS queue ARN of this region and account.
std::optional<std::string> queue_name_from_arn(std::string_view arn, std::string_view region,
                                               std::string_view account_id);

}  // namespace sluice::core
