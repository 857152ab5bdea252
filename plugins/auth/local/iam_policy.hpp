// IAM-style policies: the documents users carry in the users file (identity policies) and the
// SQS queue Policy attribute (resource policies), and their evaluation.
//
// Evaluation follows IAM: a statement applies when its action, resource, principal (resource
// policies only) and every condition match; an applicable Deny wins over everything; else an
// applicable Allow allows; else the document does not decide (and the caller denies by default).
// Actions compare case-insensitively ("SQS:SendMessage" = "sqs:sendmessage"), resources
// case-sensitively, both with `*` and `?` wildcards.
//
// Pure data and functions: safe from any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/auth.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::plugins::auth_local {

enum class Effect { kAllow, kDeny };
enum class Decision { kNotApplicable, kAllow, kDeny };

// One condition operator applied to one key: {"StringEquals": {"aws:SourceAccount": [...]}}.
struct Condition {
  std::string op;                   // "StringEquals", "IpAddressIfExists", ...
  std::string key;                  // lower-cased: condition keys are case-insensitive
  std::vector<std::string> values;  // ORed; booleans and numbers as their JSON text
};

// The Principal of a resource-policy statement, reduced to what Sluice principals can match.
struct PrincipalMatcher {
  bool any = false;              // "*" or {"AWS": "*"}
  std::vector<std::string> aws;  // account ids, "arn:aws:iam::<acct>:root", user ARNs
  bool has_other_kinds = false;  // {"Service": ...} etc.: never a Sluice principal
};

struct Statement {
  std::string sid;
  Effect effect = Effect::kAllow;
  bool has_principal = false;  // resource policies name who; identity policies must not
  bool not_principal = false;
  PrincipalMatcher principal;
  bool not_action = false;
  std::vector<std::string> actions;
  bool not_resource = false;
  std::vector<std::string> resources;  // empty in an identity statement: "*"
  std::vector<Condition> conditions;
};

struct PolicyDocument {
  std::vector<Statement> statements;
};

enum class PolicyKind { kIdentity, kResource };

// Parses an IAM JSON document. kInvalidParameterValue naming the bad member for anything
// malformed: unknown Effect, a statement without Action/NotAction, a Principal in an identity
// policy or none in a resource policy.
sdk::Result<PolicyDocument> parse_policy_json(std::string_view text, PolicyKind kind);

// The question a document is asked.
struct PolicyQuery {
  const sdk::Principal& principal;
  std::string_view action;    // "sqs:SendMessage"
  std::string_view resource;  // queue ARN
  // Condition keys, lower-cased ("aws:sourceip" -> "127.0.0.1").
  const std::map<std::string, std::string>& context;
};

Decision evaluate(const PolicyDocument& document, const PolicyQuery& query, PolicyKind kind);

// The combined decision of several documents (a user's policies): any Deny wins, else any Allow.
Decision combine(Decision a, Decision b);

}  // namespace sluice::plugins::auth_local
