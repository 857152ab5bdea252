#include "iam_policy.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "policy_conditions.hpp"
#include "wildcard_match.hpp"

namespace sluice::plugins::auth_local {
namespace {

using nlohmann::json;

sdk::Error invalid(const std::string& what) {
  return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue, "policy: " + what);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A string or a list of strings; booleans and numbers (condition values) as their JSON text.
sdk::Result<std::vector<std::string>> strings(const json& value, const std::string& where) {
  std::vector<std::string> out;
  auto add = [&](const json& item) -> bool {
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
    } else if (item.is_boolean() || item.is_number()) {
      out.push_back(item.dump());
    } else {
      return false;
    }
    return true;
  };
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!add(item)) return invalid(where + " must be a string or a list of strings");
    }
  } else if (!add(value)) {
    return invalid(where + " must be a string or a list of strings");
  }
  return out;
}

sdk::Result<PrincipalMatcher> parse_principal(const json& value, const std::string& where) {
  PrincipalMatcher matcher;
  if (value.is_string()) {
    if (value.get<std::string>() != "*") return invalid(where + " must be \"*\" or an object");
    matcher.any = true;
    return matcher;
  }
  if (!value.is_object()) return invalid(where + " must be \"*\" or an object");
  for (const auto& [kind, names] : value.items()) {
    auto list = strings(names, where + "." + kind);
    if (!list.ok()) return list.error();
    if (kind != "AWS") {
      matcher.has_other_kinds = true;
      continue;
    }
    for (auto& name : *list) {
      if (name == "*") matcher.any = true;
      matcher.aws.push_back(std::move(name));
    }
  }
  return matcher;
}

sdk::Result<std::vector<Condition>> parse_conditions(const json& value, const std::string& where) {
  if (!value.is_object()) return invalid(where + " must be an object");
  std::vector<Condition> conditions;
  for (const auto& [op, keys] : value.items()) {
    if (!keys.is_object()) return invalid(where + "." + op + " must be an object");
    for (const auto& [key, values] : keys.items()) {
      auto list = strings(values, where + "." + op + "." + key);
      if (!list.ok()) return list.error();
      conditions.push_back(Condition{op, lower(key), std::move(list).value()});
    }
  }
  return conditions;
}

// Reads `Name` or `NotName` (exactly one) as a list of strings.
sdk::Status read_pair(const json& statement, const char* name, const std::string& where,
                      bool& negated, std::vector<std::string>& out) {
  const std::string not_name = std::string("Not") + name;
  const bool has = statement.contains(name);
  const bool has_not = statement.contains(not_name);
  if (has && has_not) return invalid(where + " has both " + name + " and " + not_name);
  if (!has && !has_not) return invalid(where + " needs " + name + " or " + not_name);
  negated = has_not;
  auto list = strings(statement.at(has ? std::string(name) : not_name), where + "." + name);
  if (!list.ok()) return list.error();
  out = std::move(list).value();
  return sdk::Status::Ok();
}

sdk::Result<Statement> parse_statement(const json& value, const std::string& where,
                                       PolicyKind kind) {
  if (!value.is_object()) return invalid(where + " must be an object");
  static const std::vector<std::string> kKnown = {"Sid",          "Effect",      "Principal",
                                                  "NotPrincipal", "Action",      "NotAction",
                                                  "Resource",     "NotResource", "Condition"};
  for (const auto& [key, unused] : value.items()) {
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
      return invalid(where + " has an unknown member \"" + key + "\"");
    }
  }
  Statement s;
  if (auto sid = value.find("Sid"); sid != value.end()) {
    if (!sid->is_string()) return invalid(where + ".Sid must be a string");
    s.sid = sid->get<std::string>();
  }
  const auto effect = value.find("Effect");
  if (effect == value.end() || !effect->is_string() || (*effect != "Allow" && *effect != "Deny")) {
    return invalid(where + ".Effect must be \"Allow\" or \"Deny\"");
  }
  s.effect = *effect == "Allow" ? Effect::kAllow : Effect::kDeny;

  const bool has_principal = value.contains("Principal") || value.contains("NotPrincipal");
  if (kind == PolicyKind::kIdentity && has_principal) {
    return invalid(where + " is in a user policy and must not name a Principal");
  }
  if (kind == PolicyKind::kResource) {
    if (!has_principal) return invalid(where + " needs Principal or NotPrincipal");
    if (value.contains("Principal") && value.contains("NotPrincipal")) {
      return invalid(where + " has both Principal and NotPrincipal");
    }
    s.has_principal = true;
    s.not_principal = value.contains("NotPrincipal");
    auto principal = parse_principal(value.at(s.not_principal ? "NotPrincipal" : "Principal"),
                                     where + ".Principal");
    if (!principal.ok()) return principal.error();
    s.principal = std::move(principal).value();
  }
  if (auto status = read_pair(value, "Action", where, s.not_action, s.actions); !status.ok()) {
    return status.error();
  }
  if (auto status = read_pair(value, "Resource", where, s.not_resource, s.resources);
      !status.ok()) {
    return status.error();
  }
  if (auto condition = value.find("Condition"); condition != value.end()) {
    auto conditions = parse_conditions(*condition, where + ".Condition");
    if (!conditions.ok()) return conditions.error();
    s.conditions = std::move(conditions).value();
  }
  return s;
}

bool principal_matches(const PrincipalMatcher& matcher, const sdk::Principal& principal) {
  if (matcher.any) return true;
  for (const auto& name : matcher.aws) {
    if (name == principal.account && !principal.account.empty()) return true;
    if (name == "arn:aws:iam::" + principal.account + ":root" && !principal.account.empty()) {
      return true;
    }
    if (!principal.arn.empty() && name == principal.arn) return true;
  }
  return false;
}

bool any_match(const std::vector<std::string>& patterns, std::string_view text, CaseRule rule) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return wildcard_match(p, text, rule); });
}

enum class Applies { kNo, kYes, kUnknown };

Applies applies(const Statement& s, const PolicyQuery& q, PolicyKind kind) {
  if (kind == PolicyKind::kResource) {
    if (!s.has_principal) return Applies::kNo;
    if (principal_matches(s.principal, q.principal) == s.not_principal) return Applies::kNo;
  }
  if (any_match(s.actions, q.action, CaseRule::kInsensitive) == s.not_action) return Applies::kNo;
  if (any_match(s.resources, q.resource, CaseRule::kSensitive) == s.not_resource) {
    return Applies::kNo;
  }
  bool unknown = false;
  for (const auto& condition : s.conditions) {
    switch (evaluate_condition(condition, q.context)) {
      case ConditionResult::kFalse:
        return Applies::kNo;
      case ConditionResult::kUnsupported:
        unknown = true;
        break;
      case ConditionResult::kTrue:
        break;
    }
  }
  return unknown ? Applies::kUnknown : Applies::kYes;
}

}  // namespace

sdk::Result<PolicyDocument> parse_policy_json(std::string_view text, PolicyKind kind) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return invalid("the document is not a JSON object");
  PolicyDocument policy;
  const auto statements = doc.find("Statement");
  if (statements == doc.end()) return policy;
  if (statements->is_object()) {
    auto s = parse_statement(*statements, "Statement", kind);
    if (!s.ok()) return s.error();
    policy.statements.push_back(std::move(s).value());
    return policy;
  }
  if (!statements->is_array()) return invalid("Statement must be an object or a list");
  for (std::size_t i = 0; i < statements->size(); ++i) {
    auto s = parse_statement((*statements)[i], "Statement[" + std::to_string(i) + "]", kind);
    if (!s.ok()) return s.error();
    policy.statements.push_back(std::move(s).value());
  }
  return policy;
}

Decision evaluate(const PolicyDocument& document, const PolicyQuery& query, PolicyKind kind) {
  Decision decision = Decision::kNotApplicable;
  for (const auto& statement : document.statements) {
    const Applies result = applies(statement, query, kind);
    if (statement.effect == Effect::kDeny) {
      // A Deny whose conditions cannot be evaluated is taken as applying: fail closed.
      if (result != Applies::kNo) return Decision::kDeny;
    } else if (result == Applies::kYes) {
      decision = Decision::kAllow;
    }
  }
  return decision;
}

Decision combine(Decision a, Decision b) {
  if (a == Decision::kDeny || b == Decision::kDeny) return Decision::kDeny;
  if (a == Decision::kAllow || b == Decision::kAllow) return Decision::kAllow;
  return Decision::kNotApplicable;
}

}  // namespace sluice::plugins::auth_local
