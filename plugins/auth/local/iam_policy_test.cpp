// Policy evaluation: identity documents (users file) and resource documents (queue Policy).
#include "iam_policy.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace sluice::plugins::auth_local {
namespace {

const sdk::Principal kAlice{"alice", "000000000000", "arn:aws:iam::000000000000:user/alice"};
const sdk::Principal kBob{"bob", "111111111111", "arn:aws:iam::111111111111:user/bob"};
constexpr const char* kOrders = "arn:aws:sqs:us-east-1:000000000000:orders";

PolicyDocument identity(const std::string& json) {
  auto parsed = parse_policy_json(json, PolicyKind::kIdentity);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? *parsed : PolicyDocument{};
}

PolicyDocument resource(const std::string& json) {
  auto parsed = parse_policy_json(json, PolicyKind::kResource);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? *parsed : PolicyDocument{};
}

Decision ask(const PolicyDocument& doc, const sdk::Principal& who, const std::string& action,
             const std::string& arn, PolicyKind kind = PolicyKind::kIdentity,
             const std::map<std::string, std::string>& context = {}) {
  return evaluate(doc, PolicyQuery{who, action, arn, context}, kind);
}

TEST(IamPolicy, AnActionWildcardAllowsEveryMatchingAction) {
  auto doc = identity(R"({"Statement":{"Effect":"Allow","Action":"sqs:Send*","Resource":"*"}})");
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", kOrders), Decision::kAllow);
  EXPECT_EQ(ask(doc, kAlice, "sqs:ReceiveMessage", kOrders), Decision::kNotApplicable);
}

TEST(IamPolicy, ActionsCompareCaseInsensitively) {
  auto doc = identity(R"({"Statement":[{"Effect":"Allow","Action":"SQS:sendmessage",
                          "Resource":"*"}]})");
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", kOrders), Decision::kAllow);
}

TEST(IamPolicy, ResourcesMatchWithWildcardsAndCaseSensitively) {
  auto doc = identity(R"({"Statement":[{"Effect":"Allow","Action":"sqs:*",
      "Resource":"arn:aws:sqs:*:000000000000:ord?rs"}]})");
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", kOrders), Decision::kAllow);
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:Orders"),
            Decision::kNotApplicable);
}

TEST(IamPolicy, AnExplicitDenyWinsOverAnyAllow) {
  auto doc = identity(R"({"Statement":[
      {"Effect":"Allow","Action":"sqs:*","Resource":"*"},
      {"Effect":"Deny","Action":"sqs:SendMessage","Resource":"*"}]})");
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", kOrders), Decision::kDeny);
  EXPECT_EQ(ask(doc, kAlice, "sqs:ReceiveMessage", kOrders), Decision::kAllow);
}

TEST(IamPolicy, NothingMatchingDecidesNothing) {
  auto doc = identity(R"({"Statement":[]})");
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", kOrders), Decision::kNotApplicable);
}

TEST(IamPolicy, NotActionAndNotResourceInvertTheMatch) {
  auto doc = identity(R"({"Statement":[{"Effect":"Allow","NotAction":"sqs:DeleteQueue",
      "NotResource":"arn:aws:sqs:*:*:secret-*"}]})");
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", kOrders), Decision::kAllow);
  EXPECT_EQ(ask(doc, kAlice, "sqs:DeleteQueue", kOrders), Decision::kNotApplicable);
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", "arn:aws:sqs:us-east-1:0:secret-x"),
            Decision::kNotApplicable);
}

TEST(IamPolicy, CombiningDecisionsLetsDenyWinThenAllow) {
  EXPECT_EQ(combine(Decision::kAllow, Decision::kDeny), Decision::kDeny);
  EXPECT_EQ(combine(Decision::kNotApplicable, Decision::kAllow), Decision::kAllow);
  EXPECT_EQ(combine(Decision::kNotApplicable, Decision::kNotApplicable), Decision::kNotApplicable);
}

TEST(IamPolicy, AUserPolicyMayNotNameAPrincipal) {
  auto parsed = parse_policy_json(
      R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}})",
      PolicyKind::kIdentity);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("Principal"), std::string::npos);
}

TEST(IamPolicy, MalformedStatementsAreRejectedNamingTheMember) {
  auto no_action = parse_policy_json(R"({"Statement":{"Effect":"Allow","Resource":"*"}})",
                                     PolicyKind::kIdentity);
  ASSERT_FALSE(no_action.ok());
  EXPECT_NE(no_action.error().message.find("Action"), std::string::npos);
  auto bad_effect = parse_policy_json(
      R"({"Statement":{"Effect":"Maybe","Action":"sqs:*","Resource":"*"}})", PolicyKind::kIdentity);
  ASSERT_FALSE(bad_effect.ok());
  EXPECT_NE(bad_effect.error().message.find("Effect"), std::string::npos);
  auto unknown = parse_policy_json(
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Colour":"red"}})",
      PolicyKind::kIdentity);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("Colour"), std::string::npos);
}

// The document AddPermission renders (spec 5.16) grants to an account's root principal.
TEST(IamPolicy, AnAccountGrantCoversEveryUserOfThatAccount) {
  auto doc = resource(R"({"Version":"2012-10-17","Statement":[{"Sid":"grant","Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"SQS:SendMessage",
      "Resource":"arn:aws:sqs:us-east-1:000000000000:orders"}]})");
  EXPECT_EQ(ask(doc, kBob, "sqs:SendMessage", kOrders, PolicyKind::kResource), Decision::kAllow);
  EXPECT_EQ(ask(doc, kBob, "sqs:ReceiveMessage", kOrders, PolicyKind::kResource),
            Decision::kNotApplicable);
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", kOrders, PolicyKind::kResource),
            Decision::kNotApplicable);
}

TEST(IamPolicy, PrincipalsMatchByAccountIdUserArnOrStar) {
  auto by_id = resource(R"({"Statement":{"Effect":"Allow","Principal":{"AWS":["111111111111"]},
      "Action":"sqs:*","Resource":"*"}})");
  EXPECT_EQ(ask(by_id, kBob, "sqs:SendMessage", kOrders, PolicyKind::kResource), Decision::kAllow);
  auto by_arn = resource(R"({"Statement":{"Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111111111111:user/bob"},"Action":"sqs:*","Resource":"*"}})");
  EXPECT_EQ(ask(by_arn, kBob, "sqs:SendMessage", kOrders, PolicyKind::kResource), Decision::kAllow);
  EXPECT_EQ(ask(by_arn, kAlice, "sqs:SendMessage", kOrders, PolicyKind::kResource),
            Decision::kNotApplicable);
  auto anyone = resource(
      R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"}})");
  EXPECT_EQ(ask(anyone, kAlice, "sqs:SendMessage", kOrders, PolicyKind::kResource),
            Decision::kDeny);
}

TEST(IamPolicy, ServicePrincipalsNeverMatchAUser) {
  auto doc = resource(R"({"Statement":{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},
      "Action":"sqs:SendMessage","Resource":"*"}})");
  EXPECT_EQ(ask(doc, kBob, "sqs:SendMessage", kOrders, PolicyKind::kResource),
            Decision::kNotApplicable);
}

TEST(IamPolicy, ConditionsMustAllHold) {
  auto doc = resource(R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:*",
      "Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},
                                  "StringEquals":{"aws:PrincipalAccount":"111111111111"}}}})");
  const std::map<std::string, std::string> inside{{"aws:sourceip", "10.1.2.3"},
                                                  {"aws:principalaccount", "111111111111"}};
  const std::map<std::string, std::string> outside{{"aws:sourceip", "192.168.1.1"},
                                                   {"aws:principalaccount", "111111111111"}};
  EXPECT_EQ(ask(doc, kBob, "sqs:SendMessage", kOrders, PolicyKind::kResource, inside),
            Decision::kAllow);
  EXPECT_EQ(ask(doc, kBob, "sqs:SendMessage", kOrders, PolicyKind::kResource, outside),
            Decision::kNotApplicable);
}

TEST(IamPolicy, AnUnknownConditionOperatorFailsClosed) {
  auto allow = resource(R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:*",
      "Resource":"*","Condition":{"Frobnicate":{"aws:SourceIp":"x"}}}})");
  auto deny = resource(R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"sqs:*",
      "Resource":"*","Condition":{"Frobnicate":{"aws:SourceIp":"x"}}}})");
  EXPECT_EQ(ask(allow, kBob, "sqs:SendMessage", kOrders, PolicyKind::kResource),
            Decision::kNotApplicable);
  EXPECT_EQ(ask(deny, kBob, "sqs:SendMessage", kOrders, PolicyKind::kResource), Decision::kDeny);
}

TEST(IamPolicy, BoolConditionsCompareTheTransport) {
  auto doc = identity(R"({"Statement":{"Effect":"Deny","Action":"sqs:*","Resource":"*",
      "Condition":{"Bool":{"aws:SecureTransport":"false"}}}})");
  const std::map<std::string, std::string> plain{{"aws:securetransport", "false"}};
  const std::map<std::string, std::string> tls{{"aws:securetransport", "true"}};
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", kOrders, PolicyKind::kIdentity, plain),
            Decision::kDeny);
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", kOrders, PolicyKind::kIdentity, tls),
            Decision::kNotApplicable);
}

TEST(IamPolicy, NegatedConditionsHoldWhenTheKeyIsMissing) {
  auto not_ip = identity(R"({"Statement":{"Effect":"Deny","Action":"sqs:*","Resource":"*",
      "Condition":{"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}})");
  EXPECT_EQ(ask(not_ip, kAlice, "sqs:SendMessage", kOrders), Decision::kDeny);
}

TEST(IamPolicy, IpConditionsUnderstandIpv6) {
  auto doc = identity(R"({"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*",
      "Condition":{"IpAddress":{"aws:SourceIp":["::1/128","2001:db8::/32"]}}}})");
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", kOrders, PolicyKind::kIdentity,
                {{"aws:sourceip", "2001:db8:1::5"}}),
            Decision::kAllow);
  EXPECT_EQ(ask(doc, kAlice, "sqs:SendMessage", kOrders, PolicyKind::kIdentity,
                {{"aws:sourceip", "2001:db9::5"}}),
            Decision::kNotApplicable);
}

}  // namespace
}  // namespace sluice::plugins::auth_local
