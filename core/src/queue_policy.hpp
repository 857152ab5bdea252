// The Policy attribute (spec 5.16, 5.17, 9.3): checking a document set by SetQueueAttributes /
// CreateQueue, checking AddPermission requests, and rendering the effective Policy from an
// explicitly set document plus the grants AddPermission recorded. Evaluating a policy is the auth
// plugin's business, not this file's. Pure functions, safe from any thread; nothing here throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/result.hpp"

namespace sluice::core {

inline constexpr std::size_t kMaxPolicyBytes = 8192;
inline constexpr std::size_t kMaxPolicyStatements = 20;
inline constexpr std::size_t kMaxPermissionActions = 7;

// One AddPermission call: a statement with Sid = label.
struct PermissionGrant {
  std::string label;
  std::vector<std::string> account_ids;
  std::vector<std::string> actions;  // without the "SQS:" prefix, or "*"
};

// Validates a Policy attribute value (a JSON object, <= 8192 bytes, <= 20 statements, each with
// Effect Allow or Deny) and returns it as compact JSON with its key order kept.
// kInvalidAttributeValue for a malformed document, kOverLimit beyond the limits.
sdk::Result<std::string> canonical_policy(std::string_view text);

// True when two policy documents say the same thing (object key order ignored).
bool same_policy(std::string_view a, std::string_view b);

// Checks the parameters of an AddPermission call on their own: label, account ids and actions.
// kMissingParameter, kInvalidParameterValue or kOverLimit, naming the bad input.
sdk::Status validate_permission(const PermissionGrant& grant);

// The Sids of an explicit policy document (empty document: none).
std::vector<std::string> policy_statement_ids(std::string_view policy);

// `policy` without the statement whose Sid is `sid`: nullopt if there is none; "" if no statement
// is left (the Policy attribute then disappears).
std::optional<std::string> remove_policy_statement(std::string_view policy, std::string_view sid);

// The Policy attribute as GetQueueAttributes returns it: the explicit document (or, if none, a
// default document for `queue_arn`) with one statement per grant appended. nullopt when there is
// neither an explicit document nor a grant.
std::optional<std::string> render_policy(std::string_view explicit_policy,
                                         const std::vector<PermissionGrant>& grants,
                                         std::string_view queue_arn);

}  // namespace sluice::core
