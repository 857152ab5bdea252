// Reading the parts of an ARN ("arn:aws:sqs:<region>:<account>:<resource>"), for front ends that
// fill AccessRequest::resource_owner from the queue ARNs the broker issues.
#pragma once

#include <string>
#include <string_view>

namespace sluice::sdk {

// The account field (the fifth) of `arn`; empty if `arn` has fewer than six fields.
inline std::string arn_account(std::string_view arn) {
  std::size_t start = 0;
  for (int field = 0; field < 4; ++field) {
    start = arn.find(':', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  const std::size_t end = arn.find(':', start);
  return end == std::string_view::npos ? std::string()
                                       : std::string(arn.substr(start, end - start));
}

}  // namespace sluice::sdk
