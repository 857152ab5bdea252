#include "queue_names.hpp"

#include <algorithm>

namespace sluice::core {
namespace {

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

constexpr std::string_view kArnPrefix = "arn:aws:sqs:";

}  // namespace

bool is_fifo_name(std::string_view name) { return name.ends_with(kFifoSuffix); }

bool is_valid_queue_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxQueueNameLength) return false;
  std::string_view base = name;
  if (is_fifo_name(name)) base.remove_suffix(kFifoSuffix.size());
  return !base.empty() && std::all_of(base.begin(), base.end(), is_name_char);
}

sdk::Status validate_queue_name(std::string_view name) {
  if (is_valid_queue_name(name)) return sdk::Status::Ok();
  if (is_fifo_name(name)) {
    return sdk::make_error(
        sdk::ErrorCode::kInvalidParameterValue,
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
        "underscores, must end with .fifo suffix and be 1 to 80 in length. Queue name: '" +
            std::string(name) + "'.");
  }
  return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                         "Can only include alphanumeric characters, hyphens, or underscores. 1 to "
                         "80 in length. Queue name: '" +
                             std::string(name) + "'.");
}

std::string make_queue_arn(std::string_view region, std::string_view account_id,
                           std::string_view name) {
  std::string arn(kArnPrefix);
  arn.append(region).append(":").append(account_id).append(":").append(name);
  return arn;
}

std::optional<std::string> queue_name_from_arn(std::string_view arn, std::string_view region,
                                               std::string_view account_id) {
  if (!arn.starts_with(kArnPrefix)) return std::nullopt;
  arn.remove_prefix(kArnPrefix.size());
  if (!arn.starts_with(region) || arn.size() <= region.size() || arn[region.size()] != ':') {
    return std::nullopt;
  }
  arn.remove_prefix(region.size() + 1);
  if (!arn.starts_with(account_id) || arn.size() <= account_id.size() ||
      arn[account_id.size()] != ':') {
    return std::nullopt;
  }
  arn.remove_prefix(account_id.size() + 1);
  if (!is_valid_queue_name(arn)) return std::nullopt;
  return std::string(arn);
}

}  // namespace sluice::core
