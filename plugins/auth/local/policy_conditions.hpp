// IAM condition operators, the subset that makes sense for a broker: String*, Arn*, Bool,
// IpAddress/NotIpAddress, Null, Numeric* and Date*, each also with the "IfExists" suffix.
// Pure functions, safe from any thread.
#pragma once

#include <map>
#include <string>

#include "iam_policy.hpp"

namespace sluice::plugins::auth_local {

enum class ConditionResult { kTrue, kFalse, kUnsupported };

// Evaluates one condition against the request's keys (lower-cased names). A key the request does
// not have makes positive operators false and negated ones ("StringNotEquals", "NotIpAddress")
// true, as in IAM; "...IfExists" makes a missing key true. An operator this code does not know
// is kUnsupported: the caller then treats an Allow as not applying and a Deny as applying.
ConditionResult evaluate_condition(const Condition& condition,
                                   const std::map<std::string, std::string>& context);

// True when `op` (with or without "IfExists") is an operator evaluate_condition() knows.
bool is_known_condition_operator(const std::string& op);

}  // namespace sluice::plugins::auth_local
