#include "queue_policy.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

namespace sluice::core {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Actions a queue owner may grant to other accounts (spec 5.16).
constexpr std::array<std::string_view, 9> kGrantableActions = {
    "*",           "ChangeMessageVisibility",    "DeleteMessage", "GetQueueAttributes",
    "GetQueueUrl", "ListDeadLetterSourceQueues", "PurgeQueue",    "ReceiveMessage",
    "SendMessage"};

// Actions that exist but only the owner may call.
constexpr std::array<std::string_view, 14> kOwnerOnlyActions = {"AddPermission",
                                                                "CancelMessageMoveTask",
                                                                "ChangeMessageVisibilityBatch",
                                                                "CreateQueue",
                                                                "DeleteMessageBatch",
                                                                "DeleteQueue",
                                                                "ListMessageMoveTasks",
                                                                "ListQueueTags",
                                                                "ListQueues",
                                                                "RemovePermission",
                                                                "SendMessageBatch",
                                                                "SetQueueAttributes",
                                                                "StartMessageMoveTask",
                                                                "TagQueue"};

bool contains(auto& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_label_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::string dump_compact(const ordered_json& doc) {
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

sdk::Error invalid_policy(std::string_view reason) {
  return sdk::make_error(sdk::ErrorCode::kInvalidAttributeValue,
                         "Invalid value for the parameter Policy. Reason: " + std::string(reason));
}

sdk::Error invalid_parameter(std::string_view value, std::string_view parameter,
                             std::string_view reason) {
  return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                         "Value " + std::string(value) + " for parameter " +
                             std::string(parameter) +
                             " is invalid. Reason: " + std::string(reason));
}

// The statements of a parsed document as a list (a single object counts as one).
std::vector<ordered_json> statements_of(const ordered_json& doc) {
  auto it = doc.find("Statement");
  if (it == doc.end()) return {};
  if (it->is_array()) return std::vector<ordered_json>(it->begin(), it->end());
  return {*it};
}

// One-element lists render as a scalar, as AWS does.
ordered_json scalar_or_list(const std::vector<std::string>& values) {
  if (values.size() == 1) return values.front();
  return values;
}

}  // namespace

sdk::Result<std::string> canonical_policy(std::string_view text) {
  if (text.size() > kMaxPolicyBytes) {
    return sdk::make_error(sdk::ErrorCode::kOverLimit, "Policy is " + std::to_string(text.size()) +
                                                           " bytes; the maximum is 8192.");
  }
  ordered_json doc = ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return invalid_policy("the policy is not a JSON object.");
  }
  auto statement = doc.find("Statement");
  if (statement != doc.end() && !statement->is_object() && !statement->is_array()) {
    return invalid_policy("Statement must be an object or a list of objects.");
  }
  auto statements = statements_of(doc);
  if (statements.size() > kMaxPolicyStatements) {
    return sdk::make_error(
        sdk::ErrorCode::kOverLimit,
        "Policy has " + std::to_string(statements.size()) + " statements; the maximum is 20.");
  }
  for (const auto& s : statements) {
    if (!s.is_object()) return invalid_policy("every statement must be a JSON object.");
    auto effect = s.find("Effect");
    if (effect == s.end() || !effect->is_string() || (*effect != "Allow" && *effect != "Deny")) {
      return invalid_policy("every statement needs Effect \"Allow\" or \"Deny\".");
    }
  }
  return dump_compact(doc);
}

bool same_policy(std::string_view a, std::string_view b) {
  json left = json::parse(a, nullptr, false);
  json right = json::parse(b, nullptr, false);
  if (left.is_discarded() || right.is_discarded()) return a == b;
  return left == right;
}

sdk::Status validate_permission(const PermissionGrant& grant) {
  if (grant.label.empty()) {
    return sdk::make_error(sdk::ErrorCode::kMissingParameter,
                           "The request must contain the parameter Label.");
  }
  if (grant.label.size() > 80 ||
      !std::all_of(grant.label.begin(), grant.label.end(), is_label_char)) {
    return invalid_parameter(grant.label, "Label",
                             "Can only include alphanumeric characters, hyphens, or "
                             "underscores. 1 to 80 in length.");
  }
  if (grant.account_ids.empty()) {
    return sdk::make_error(sdk::ErrorCode::kMissingParameter,
                           "The request must contain the parameter AWSAccountIds.");
  }
  if (grant.actions.empty()) {
    return sdk::make_error(sdk::ErrorCode::kMissingParameter,
                           "The request must contain the parameter Actions.");
  }
  if (grant.actions.size() > kMaxPermissionActions) {
    return sdk::make_error(
        sdk::ErrorCode::kOverLimit,
        std::to_string(grant.actions.size()) + " Actions were found, maximum allowed is 7.");
  }
  for (const auto& account : grant.account_ids) {
    bool twelve_digits =
        account.size() == 12 &&
        std::all_of(account.begin(), account.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!twelve_digits) {
      return invalid_parameter(account, "AWSAccountIds", "An account id is 12 digits.");
    }
  }
  for (const auto& action : grant.actions) {
    if (contains(kGrantableActions, action)) continue;
    if (contains(kOwnerOnlyActions, action)) {
      return invalid_parameter("SQS:" + action, "ActionName",
                               "Only the queue owner is allowed to invoke this action.");
    }
    return invalid_parameter("SQS:" + action, "ActionName",
                             "Please refer to the appropriate WSDL for a list of valid actions.");
  }
  return sdk::Status::Ok();
}

std::vector<std::string> policy_statement_ids(std::string_view policy) {
  std::vector<std::string> ids;
  if (policy.empty()) return ids;
  ordered_json doc = ordered_json::parse(policy, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return ids;
  for (const auto& s : statements_of(doc)) {
    auto sid = s.is_object() ? s.find("Sid") : s.end();
    if (s.is_object() && sid != s.end() && sid->is_string()) ids.push_back(sid->get<std::string>());
  }
  return ids;
}

std::optional<std::string> remove_policy_statement(std::string_view policy, std::string_view sid) {
  if (policy.empty()) return std::nullopt;
  ordered_json doc = ordered_json::parse(policy, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  auto statements = statements_of(doc);
  auto matches = [&](const ordered_json& s) {
    if (!s.is_object()) return false;
    auto it = s.find("Sid");
    return it != s.end() && it->is_string() && it->get_ref<const std::string&>() == sid;
  };
  auto kept_end = std::remove_if(statements.begin(), statements.end(), matches);
  if (kept_end == statements.end()) return std::nullopt;
  statements.erase(kept_end, statements.end());
  if (statements.empty()) return std::string();
  doc["Statement"] = statements;
  return dump_compact(doc);
}

std::optional<std::string> render_policy(std::string_view explicit_policy,
                                         const std::vector<PermissionGrant>& grants,
                                         std::string_view queue_arn) {
  if (explicit_policy.empty() && grants.empty()) return std::nullopt;
  if (grants.empty()) return std::string(explicit_policy);
  ordered_json doc;
  if (!explicit_policy.empty()) {
    doc = ordered_json::parse(explicit_policy, nullptr, false);
  }
  if (doc.is_discarded() || !doc.is_object()) {
    doc = ordered_json::object();
    doc["Version"] = "2012-10-17";
    doc["Id"] = std::string(queue_arn) + "/SQSDefaultPolicy";
  }
  auto statements = statements_of(doc);
  for (const auto& grant : grants) {
    std::vector<std::string> principals;
    for (const auto& account : grant.account_ids) {
      principals.push_back("arn:aws:iam::" + account + ":root");
    }
    std::vector<std::string> actions;
    for (const auto& action : grant.actions) actions.push_back("SQS:" + action);
    ordered_json statement = ordered_json::object();
    statement["Sid"] = grant.label;
    statement["Effect"] = "Allow";
    statement["Principal"] = ordered_json::object({{"AWS", scalar_or_list(principals)}});
    statement["Action"] = scalar_or_list(actions);
    statement["Resource"] = std::string(queue_arn);
    statements.push_back(std::move(statement));
  }
  doc["Statement"] = statements;
  return dump_compact(doc);
}

}  // namespace sluice::core
