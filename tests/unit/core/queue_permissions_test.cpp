// AddPermission / RemovePermission through QueueRegistry (spec 5.16, 5.17): parameter checks and
// how the grants show up in the Policy attribute.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "queue_registry_fixture.hpp"

namespace sluice::core::testing {
namespace {

using nlohmann::json;
using sdk::ErrorCode;

class QueuePermissionsTest : public QueueRegistryTest {
 protected:
  json policy_of(const std::string& queue) {
    std::string text = attribute(queue, "Policy");
    json doc = json::parse(text, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << text;
    return doc;
  }
};

TEST_F(QueuePermissionsTest, AGrantBecomesAPolicyStatementWithTheLabelAsSid) {
  create("q");
  ASSERT_TRUE(registry_.add_permission("q", "Senders", {"111122223333"}, {"SendMessage"}).ok());
  json doc = policy_of("q");
  EXPECT_EQ(doc["Version"], "2012-10-17");
  EXPECT_EQ(doc["Id"], arn("q") + "/SQSDefaultPolicy");
  ASSERT_EQ(doc["Statement"].size(), 1u);
  const json& statement = doc["Statement"][0];
  EXPECT_EQ(statement["Sid"], "Senders");
  EXPECT_EQ(statement["Effect"], "Allow");
  EXPECT_EQ(statement["Principal"]["AWS"], "arn:aws:iam::111122223333:root");
  EXPECT_EQ(statement["Action"], "SQS:SendMessage");
  EXPECT_EQ(statement["Resource"], arn("q"));
}

TEST_F(QueuePermissionsTest, SeveralAccountsAndActionsRenderAsLists) {
  create("q");
  ASSERT_TRUE(registry_
                  .add_permission("q", "Workers", {"111122223333", "444455556666"},
                                  {"ReceiveMessage", "DeleteMessage"})
                  .ok());
  const json statement = policy_of("q")["Statement"][0];
  EXPECT_EQ(statement["Principal"]["AWS"],
            json::array({"arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"}));
  EXPECT_EQ(statement["Action"], json::array({"SQS:ReceiveMessage", "SQS:DeleteMessage"}));
}

TEST_F(QueuePermissionsTest, GrantsAreAppendedToAnExplicitlySetPolicy) {
  create(
      "q",
      {{"Policy",
        R"({"Version":"2012-10-17","Statement":[{"Sid":"Mine","Effect":"Deny","Principal":"*","Action":"sqs:*"}]})"}});
  ASSERT_TRUE(registry_.add_permission("q", "Extra", {"111122223333"}, {"*"}).ok());
  json doc = policy_of("q");
  ASSERT_EQ(doc["Statement"].size(), 2u);
  EXPECT_EQ(doc["Statement"][0]["Sid"], "Mine");
  EXPECT_EQ(doc["Statement"][1]["Sid"], "Extra");
  EXPECT_EQ(doc["Statement"][1]["Action"], "SQS:*");
}

TEST_F(QueuePermissionsTest, ALabelAlreadyInThePolicyIsInvalidParameterValue) {
  create("q", {{"Policy", R"({"Statement":[{"Sid":"Mine","Effect":"Allow"}]})"}});
  ASSERT_TRUE(registry_.add_permission("q", "L1", {"111122223333"}, {"SendMessage"}).ok());
  for (const char* label : {"L1", "Mine"}) {
    auto status = registry_.add_permission("q", label, {"111122223333"}, {"ReceiveMessage"});
    ASSERT_FALSE(status.ok()) << label;
    EXPECT_EQ(status.code(), ErrorCode::kInvalidParameterValue);
    EXPECT_EQ(
        status.error().message,
        "Value " + std::string(label) + " for parameter Label is invalid. Reason: Already exists.");
  }
}

TEST_F(QueuePermissionsTest, MoreThanSevenActionsIsOverLimit) {
  create("q");
  std::vector<std::string> eight = {
      "SendMessage",        "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
      "GetQueueAttributes", "GetQueueUrl",    "PurgeQueue",    "ListDeadLetterSourceQueues"};
  auto status = registry_.add_permission("q", "Many", {"111122223333"}, eight);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kOverLimit);
  EXPECT_EQ(status.error().message, "8 Actions were found, maximum allowed is 7.");
  eight.pop_back();
  EXPECT_TRUE(registry_.add_permission("q", "Seven", {"111122223333"}, eight).ok());
}

TEST_F(QueuePermissionsTest, MissingLabelAccountsOrActionsAreMissingParameter) {
  create("q");
  EXPECT_EQ(registry_.add_permission("q", "", {"111122223333"}, {"SendMessage"}).code(),
            ErrorCode::kMissingParameter);
  EXPECT_EQ(registry_.add_permission("q", "L", {}, {"SendMessage"}).code(),
            ErrorCode::kMissingParameter);
  EXPECT_EQ(registry_.add_permission("q", "L", {"111122223333"}, {}).code(),
            ErrorCode::kMissingParameter);
}

TEST_F(QueuePermissionsTest, BadLabelsAccountsAndActionsAreInvalidParameterValue) {
  create("q");
  EXPECT_EQ(registry_.add_permission("q", "bad label", {"111122223333"}, {"SendMessage"}).code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(
      registry_.add_permission("q", std::string(81, 'l'), {"111122223333"}, {"SendMessage"}).code(),
      ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_.add_permission("q", "L", {"12345"}, {"SendMessage"}).code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_.add_permission("q", "L", {"111122223333"}, {"FlyAway"}).code(),
            ErrorCode::kInvalidParameterValue);
  auto owner_only = registry_.add_permission("q", "L", {"111122223333"}, {"DeleteQueue"});
  EXPECT_EQ(owner_only.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(
      owner_only.error().message.find("Only the queue owner is allowed to invoke this action"),
      std::string::npos);
  EXPECT_EQ(attribute("q", "Policy"), "<absent>");
}

TEST_F(QueuePermissionsTest, RemovingTheLastGrantMakesThePolicyDisappear) {
  create("q");
  ASSERT_TRUE(registry_.add_permission("q", "A", {"111122223333"}, {"SendMessage"}).ok());
  ASSERT_TRUE(registry_.add_permission("q", "B", {"111122223333"}, {"ReceiveMessage"}).ok());
  ASSERT_TRUE(registry_.remove_permission("q", "A").ok());
  json doc = policy_of("q");
  ASSERT_EQ(doc["Statement"].size(), 1u);
  EXPECT_EQ(doc["Statement"][0]["Sid"], "B");
  ASSERT_TRUE(registry_.remove_permission("q", "B").ok());
  EXPECT_EQ(attribute("q", "Policy"), "<absent>");
}

TEST_F(QueuePermissionsTest, RemovePermissionAlsoRemovesAStatementOfAnExplicitPolicy) {
  create("q", {{"Policy", R"({"Statement":[{"Sid":"Mine","Effect":"Allow"}]})"}});
  ASSERT_TRUE(registry_.remove_permission("q", "Mine").ok());
  EXPECT_EQ(attribute("q", "Policy"), "<absent>");
}

TEST_F(QueuePermissionsTest, RemovingAnUnknownLabelIsInvalidParameterValue) {
  create("q");
  auto status = registry_.remove_permission("q", "Nope");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(status.error().message.find("can't find label"), std::string::npos);
}

TEST_F(QueuePermissionsTest, SettingAPolicyReplacesEarlierGrants) {
  create("q");
  ASSERT_TRUE(registry_.add_permission("q", "Old", {"111122223333"}, {"SendMessage"}).ok());
  const std::string replacement = R"({"Statement":[{"Sid":"New","Effect":"Allow"}]})";
  ASSERT_TRUE(set("q", {{"Policy", replacement}}).ok());
  EXPECT_EQ(attribute("q", "Policy"), replacement);
  EXPECT_EQ(registry_.remove_permission("q", "Old").code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(QueuePermissionsTest, AddPermissionOnAMissingQueueIsQueueDoesNotExist) {
  EXPECT_EQ(registry_.add_permission("ghost", "L", {"111122223333"}, {"SendMessage"}).code(),
            ErrorCode::kQueueDoesNotExist);
}

}  // namespace
}  // namespace sluice::core::testing
