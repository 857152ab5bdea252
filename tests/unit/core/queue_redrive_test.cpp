// Dead-letter configuration through QueueRegistry (spec 6.2 notes, 7.8, 7.9, 5.15): RedrivePolicy
// validation against the target queue and its RedriveAllowPolicy, and ListDeadLetterSourceQueues.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "queue_registry_fixture.hpp"

namespace sluice::core::testing {
namespace {

using sdk::ErrorCode;

class QueueRedriveTest : public QueueRegistryTest {};

TEST_F(QueueRedriveTest, RedrivePolicyIsReturnedAsCompactJsonWithANumericCount) {
  create("dlq");
  create("src", {{"RedrivePolicy", R"({ "maxReceiveCount" : "5", "deadLetterTargetArn" : ")" +
                                       arn("dlq") + "\" }"}});
  EXPECT_EQ(
      attribute("src", "RedrivePolicy"),
      R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":5})");
}

TEST_F(QueueRedriveTest, SettingsCarryTheDeadLetterQueueAndCount) {
  create("dlq");
  create("src", {{"RedrivePolicy", redrive_to("dlq", 3)}});
  auto settings = registry_.settings("src");
  ASSERT_TRUE(settings.ok());
  ASSERT_TRUE(settings->redrive.has_value());
  EXPECT_EQ(settings->redrive->dead_letter_queue, "dlq");
  EXPECT_EQ(settings->redrive->dead_letter_arn, arn("dlq"));
  EXPECT_EQ(settings->redrive->max_receive_count, 3u);
}

TEST_F(QueueRedriveTest, AnEmptyRedrivePolicyRemovesIt) {
  create("dlq");
  create("src", {{"RedrivePolicy", redrive_to("dlq", 3)}});
  ASSERT_TRUE(set("src", {{"RedrivePolicy", ""}}).ok());
  EXPECT_EQ(attribute("src", "RedrivePolicy"), "<absent>");
  EXPECT_FALSE(registry_.settings("src")->redrive.has_value());
}

TEST_F(QueueRedriveTest, MaxReceiveCountMustBeFromOneToOneThousand) {
  create("dlq");
  create("src");
  for (int bad : {0, 1001}) {
    auto status = set("src", {{"RedrivePolicy", redrive_to("dlq", bad)}});
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.code(), ErrorCode::kInvalidParameterValue);
  }
  EXPECT_TRUE(set("src", {{"RedrivePolicy", redrive_to("dlq", 1)}}).ok());
  EXPECT_TRUE(set("src", {{"RedrivePolicy", redrive_to("dlq", 1000)}}).ok());
}

TEST_F(QueueRedriveTest, MalformedRedrivePoliciesAreInvalidParameterValue) {
  create("dlq");
  create("src");
  for (const std::string& bad :
       {std::string("nope"), std::string(R"({"maxReceiveCount":3})"),
        R"({"deadLetterTargetArn":")" + arn("dlq") + "\"}",
        R"({"deadLetterTargetArn":")" + arn("dlq") + R"(","maxReceiveCount":"3x"})",
        R"({"deadLetterTargetArn":")" + arn("dlq") + R"(","maxReceiveCount":3,"extra":1})"}) {
    auto status = set("src", {{"RedrivePolicy", bad}});
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.code(), ErrorCode::kInvalidParameterValue) << bad;
  }
}

TEST_F(QueueRedriveTest, AMissingTargetIsRejected) {
  auto created = registry_.create({"src", {{"RedrivePolicy", redrive_to("ghost", 3)}}, {}});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(created.error().message.find("does not exist"), std::string::npos);
  EXPECT_EQ(registry_.info("src").code(), ErrorCode::kQueueDoesNotExist);
}

TEST_F(QueueRedriveTest, ATargetOfAnotherAccountIsRejected) {
  create("src");
  auto status = set(
      "src",
      {{"RedrivePolicy",
        R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":3})"}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(QueueRedriveTest, ATargetOfTheOtherQueueTypeIsRejected) {
  create("dlq");
  create_fifo("dlq.fifo");
  create("src");
  create_fifo("src.fifo");
  EXPECT_EQ(set("src", {{"RedrivePolicy", redrive_to("dlq.fifo", 3)}}).code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(set("src.fifo", {{"RedrivePolicy", redrive_to("dlq", 3)}}).code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_TRUE(set("src.fifo", {{"RedrivePolicy", redrive_to("dlq.fifo", 3)}}).ok());
}

TEST_F(QueueRedriveTest, AQueueCannotBeItsOwnDeadLetterQueue) {
  create("src");
  EXPECT_EQ(set("src", {{"RedrivePolicy", redrive_to("src", 3)}}).code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(QueueRedriveTest, ATargetThatDeniesAllRefusesEverySource) {
  create("dlq", {{"RedriveAllowPolicy", R"({"redrivePermission":"denyAll"})"}});
  create("src");
  auto status = set("src", {{"RedrivePolicy", redrive_to("dlq", 3)}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(status.error().message.find("RedriveAllowPolicy"), std::string::npos);
}

TEST_F(QueueRedriveTest, AByQueueTargetAcceptsOnlyTheListedSources) {
  create("dlq", {{"RedriveAllowPolicy", R"({"redrivePermission":"byQueue","sourceQueueArns":[")" +
                                            arn("allowed") + "\"]}"}});
  create("allowed");
  create("other");
  EXPECT_TRUE(set("allowed", {{"RedrivePolicy", redrive_to("dlq", 3)}}).ok());
  EXPECT_EQ(set("other", {{"RedrivePolicy", redrive_to("dlq", 3)}}).code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(QueueRedriveTest, RedriveAllowPolicyRejectsBadDocuments) {
  create("dlq");
  std::string eleven = R"({"redrivePermission":"byQueue","sourceQueueArns":[)";
  for (int i = 0; i < 11; ++i) eleven += (i ? ",\"" : "\"") + arn("s" + std::to_string(i)) + "\"";
  eleven += "]}";
  for (const std::string& bad :
       {eleven, std::string(R"({"redrivePermission":"sometimes"})"),
        std::string(R"({"redrivePermission":"allowAll","sourceQueueArns":["x"]})"),
        std::string(R"({"redrivePermission":"byQueue"})"), std::string("[]")}) {
    auto status = set("dlq", {{"RedriveAllowPolicy", bad}});
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.code(), ErrorCode::kInvalidParameterValue) << bad;
  }
  EXPECT_EQ(attribute("dlq", "RedriveAllowPolicy"), "<absent>");
}

TEST_F(QueueRedriveTest, DeadLetterSourcesListsTheQueuesThatTargetTheQueue) {
  create("dlq");
  create("other-dlq");
  for (const char* source : {"c", "a", "b"})
    create(source, {{"RedrivePolicy", redrive_to("dlq", 3)}});
  create("elsewhere", {{"RedrivePolicy", redrive_to("other-dlq", 3)}});
  create("plain");
  auto page = registry_.dead_letter_sources("dlq", 0, "");
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(page->next_token.empty());
}

TEST_F(QueueRedriveTest, DeadLetterSourcesPageWithMaxResults) {
  create("dlq");
  for (const char* source : {"s1", "s2", "s3"})
    create(source, {{"RedrivePolicy", redrive_to("dlq", 3)}});
  auto first = registry_.dead_letter_sources("dlq", 2, "");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->names, (std::vector<std::string>{"s1", "s2"}));
  ASSERT_FALSE(first->next_token.empty());
  auto second = registry_.dead_letter_sources("dlq", 2, first->next_token);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->names, (std::vector<std::string>{"s3"}));
  EXPECT_TRUE(second->next_token.empty());
}

TEST_F(QueueRedriveTest, DeadLetterSourcesOfAMissingQueueIsQueueDoesNotExist) {
  EXPECT_EQ(registry_.dead_letter_sources("ghost", 0, "").code(), ErrorCode::kQueueDoesNotExist);
}

}  // namespace
}  // namespace sluice::core::testing
