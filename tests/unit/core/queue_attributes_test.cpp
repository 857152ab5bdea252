// Queue attributes through QueueRegistry (spec 5.5, 5.6, 6.2): defaults, ranges, applicability to
// the queue type, SSE and throughput rules, counts, timestamps and the settings the message path
// reads.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <tuple>

#include "queue_registry_fixture.hpp"

namespace sluice::core::testing {
namespace {

using sdk::ErrorCode;
using namespace std::chrono_literals;

TEST_F(QueueRegistryTest, AllReturnsEveryStandardAttributeWithItsDefault) {
  create("orders");
  auto all = attributes("orders");
  EXPECT_EQ(all.at("DelaySeconds"), "0");
  EXPECT_EQ(all.at("MaximumMessageSize"), "1048576");
  EXPECT_EQ(all.at("MessageRetentionPeriod"), "345600");
  EXPECT_EQ(all.at("ReceiveMessageWaitTimeSeconds"), "0");
  EXPECT_EQ(all.at("VisibilityTimeout"), "30");
  EXPECT_EQ(all.at("SqsManagedSseEnabled"), "true");
  EXPECT_EQ(all.at("KmsDataKeyReusePeriodSeconds"), "300");
  EXPECT_EQ(all.at("QueueArn"), "arn:aws:sqs:us-east-1:000000000000:orders");
  EXPECT_EQ(all.at("ApproximateNumberOfMessages"), "0");
  EXPECT_EQ(all.at("ApproximateNumberOfMessagesNotVisible"), "0");
  EXPECT_EQ(all.at("ApproximateNumberOfMessagesDelayed"), "0");
  EXPECT_EQ(all.at("CreatedTimestamp"), "1700000000");
  EXPECT_EQ(all.at("LastModifiedTimestamp"), "1700000000");
  for (const char* absent :
       {"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "FifoQueue",
        "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}) {
    EXPECT_FALSE(all.contains(absent)) << absent;
  }
  EXPECT_EQ(all.size(), 13u);
}

TEST_F(QueueRegistryTest, AllOnAFifoQueueAddsTheFifoAttributesWithTheirDefaults) {
  create_fifo("orders.fifo");
  auto all = attributes("orders.fifo");
  EXPECT_EQ(all.at("FifoQueue"), "true");
  EXPECT_EQ(all.at("ContentBasedDeduplication"), "false");
  EXPECT_EQ(all.at("DeduplicationScope"), "queue");
  EXPECT_EQ(all.at("FifoThroughputLimit"), "perQueue");
  EXPECT_EQ(all.size(), 17u);
}

TEST_F(QueueRegistryTest, GetWithoutNamesReturnsNothing) {
  create("orders");
  EXPECT_TRUE(attributes("orders", {}).empty());
}

TEST_F(QueueRegistryTest, GetOfAnUnknownOrEmptyNameIsInvalidAttributeName) {
  create("orders");
  for (const char* name : {"Colour", "", "all"}) {
    auto got = registry_.get_attributes("orders", {"VisibilityTimeout", name});
    ASSERT_FALSE(got.ok()) << name;
    EXPECT_EQ(got.code(), ErrorCode::kInvalidAttributeName);
    EXPECT_EQ(got.error().message, "Unknown Attribute " + std::string(name) + ".");
  }
}

TEST_F(QueueRegistryTest, GetOfAFifoOnlyNameOnAStandardQueueIsInvalidAttributeName) {
  create("orders");
  auto got = registry_.get_attributes("orders", {"FifoQueue"});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.code(), ErrorCode::kInvalidAttributeName);
}

TEST_F(QueueRegistryTest, GetOfAMissingQueueIsQueueDoesNotExistNamingIt) {
  auto got = registry_.get_attributes("ghost", {"All"});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.code(), ErrorCode::kQueueDoesNotExist);
  EXPECT_NE(got.error().message.find("ghost"), std::string::npos);
}

// name, min, max
class IntegerAttributeRange
    : public QueueRegistryTest,
      public ::testing::WithParamInterface<std::tuple<std::string, int, int>> {};

TEST_P(IntegerAttributeRange, AcceptsItsBoundsAndRejectsOneBeyondThemOnCreateAndSet) {
  const auto& [name, min, max] = GetParam();
  create("q");
  EXPECT_TRUE(set("q", {{name, std::to_string(min)}}).ok());
  EXPECT_EQ(attribute("q", name), std::to_string(min));
  EXPECT_TRUE(set("q", {{name, std::to_string(max)}}).ok());
  EXPECT_EQ(attribute("q", name), std::to_string(max));
  for (int bad : {min - 1, max + 1}) {
    auto status = set("q", {{name, std::to_string(bad)}});
    ASSERT_FALSE(status.ok()) << name << "=" << bad;
    EXPECT_EQ(status.code(), ErrorCode::kInvalidAttributeValue);
    EXPECT_NE(status.error().message.find("Invalid value for the parameter " + name),
              std::string::npos);
    auto created = registry_.create({"other", {{name, std::to_string(bad)}}, {}});
    ASSERT_FALSE(created.ok()) << name << "=" << bad;
    EXPECT_EQ(created.code(), ErrorCode::kInvalidAttributeValue);
  }
  EXPECT_EQ(attribute("q", name), std::to_string(max));
}

INSTANTIATE_TEST_SUITE_P(QueueAttributes, IntegerAttributeRange,
                         ::testing::Values(std::make_tuple("DelaySeconds", 0, 900),
                                           std::make_tuple("MaximumMessageSize", 1024, 1048576),
                                           std::make_tuple("MessageRetentionPeriod", 60, 1209600),
                                           std::make_tuple("ReceiveMessageWaitTimeSeconds", 0, 20),
                                           std::make_tuple("VisibilityTimeout", 0, 43200),
                                           std::make_tuple("KmsDataKeyReusePeriodSeconds", 60,
                                                           86400)),
                         [](const auto& param_info) { return std::get<0>(param_info.param); });

TEST_F(QueueRegistryTest, IntegerAttributesRejectTextFractionsAndSpaces) {
  create("q");
  for (const char* bad : {"abc", "1.5", " 5", "5 ", "", "0x10"}) {
    auto status = set("q", {{"VisibilityTimeout", bad}});
    ASSERT_FALSE(status.ok()) << "'" << bad << "'";
    EXPECT_EQ(status.code(), ErrorCode::kInvalidAttributeValue);
  }
}

TEST_F(QueueRegistryTest, IntegerAttributesAreStoredWithoutLeadingZeros) {
  create("q", {{"VisibilityTimeout", "0045"}});
  EXPECT_EQ(attribute("q", "VisibilityTimeout"), "45");
}

class FifoOnlyAttribute
    : public QueueRegistryTest,
      public ::testing::WithParamInterface<std::pair<std::string, std::string>> {};

TEST_P(FifoOnlyAttribute, IsAnUnknownAttributeOnAStandardQueue) {
  const auto& [name, value] = GetParam();
  auto created = registry_.create({"standard", {{name, value}}, {}});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.code(), ErrorCode::kInvalidAttributeName);
  EXPECT_EQ(created.error().message, "Unknown Attribute " + name + ".");
  create("standard");
  auto status = set("standard", {{name, value}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidAttributeName);
}

INSTANTIATE_TEST_SUITE_P(QueueAttributes, FifoOnlyAttribute,
                         ::testing::Values(std::make_pair("FifoQueue", "false"),
                                           std::make_pair("ContentBasedDeduplication", "true"),
                                           std::make_pair("DeduplicationScope", "messageGroup"),
                                           std::make_pair("FifoThroughputLimit", "perQueue")),
                         [](const auto& param_info) { return param_info.param.first; });

TEST_F(QueueRegistryTest, AFifoNameWithoutFifoQueueTrueIsInvalidParameterValue) {
  for (const char* value : {"", "false"}) {
    sdk::AttributeMap requested;
    if (*value != '\0') requested.emplace("FifoQueue", value);
    auto created = registry_.create({"jobs.fifo", requested, {}});
    ASSERT_FALSE(created.ok()) << value;
    EXPECT_EQ(created.code(), ErrorCode::kInvalidParameterValue);
  }
}

TEST_F(QueueRegistryTest, FifoQueueTrueOnAStandardNameIsInvalidParameterValue) {
  auto created = registry_.create({"jobs", {{"FifoQueue", "true"}}, {}});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(QueueRegistryTest, ReadOnlyAttributesAndFifoQueueCannotBeSet) {
  create_fifo("jobs.fifo");
  for (const char* name : {"QueueArn", "ApproximateNumberOfMessages", "CreatedTimestamp",
                           "LastModifiedTimestamp", "FifoQueue"}) {
    auto status = set("jobs.fifo", {{name, "1"}});
    ASSERT_FALSE(status.ok()) << name;
    EXPECT_EQ(status.code(), ErrorCode::kInvalidAttributeName) << name;
  }
}

TEST_F(QueueRegistryTest, SetWithNoAttributesIsMissingParameter) {
  create("q");
  auto status = set("q", {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kMissingParameter);
}

TEST_F(QueueRegistryTest, SetChecksEveryValueBeforeApplyingAny) {
  create("q");
  auto status = set("q", {{"DelaySeconds", "10"}, {"VisibilityTimeout", "-1"}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(attribute("q", "DelaySeconds"), "0");
}

TEST_F(QueueRegistryTest, SetMovesLastModifiedButNotCreated) {
  create("q");
  clock_.advance(90s);
  ASSERT_TRUE(set("q", {{"DelaySeconds", "5"}}).ok());
  auto all = attributes("q");
  EXPECT_EQ(all.at("CreatedTimestamp"), "1700000000");
  EXPECT_EQ(all.at("LastModifiedTimestamp"), "1700000090");
  EXPECT_EQ(all.at("DelaySeconds"), "5");
}

TEST_F(QueueRegistryTest, BooleansAreCaseInsensitiveAndReturnedInLowerCase) {
  create_fifo("jobs.fifo", {{"ContentBasedDeduplication", "TRUE"}});
  EXPECT_EQ(attribute("jobs.fifo", "ContentBasedDeduplication"), "true");
  auto status = set("jobs.fifo", {{"ContentBasedDeduplication", "yes"}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidAttributeValue);
}

TEST_F(QueueRegistryTest, PerMessageGroupIdThroughputRequiresMessageGroupDeduplication) {
  create_fifo("jobs.fifo");
  auto alone = set("jobs.fifo", {{"FifoThroughputLimit", "perMessageGroupId"}});
  ASSERT_FALSE(alone.ok());
  EXPECT_EQ(alone.code(), ErrorCode::kInvalidAttributeValue);
  ASSERT_TRUE(set("jobs.fifo", {{"FifoThroughputLimit", "perMessageGroupId"},
                                {"DeduplicationScope", "messageGroup"}})
                  .ok());
  EXPECT_EQ(attribute("jobs.fifo", "FifoThroughputLimit"), "perMessageGroupId");
  auto back = set("jobs.fifo", {{"DeduplicationScope", "queue"}});
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(attribute("jobs.fifo", "DeduplicationScope"), "messageGroup");
}

TEST_F(QueueRegistryTest, DeduplicationScopeAcceptsOnlyItsTwoValues) {
  create_fifo("jobs.fifo");
  auto status = set("jobs.fifo", {{"DeduplicationScope", "MessageGroup"}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidAttributeValue);
}

TEST_F(QueueRegistryTest, AKmsKeyTogetherWithSqsManagedSseIsRejected) {
  auto created = registry_.create(
      {"q", {{"KmsMasterKeyId", "alias/aws/sqs"}, {"SqsManagedSseEnabled", "true"}}, {}});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.code(), ErrorCode::kInvalidAttributeValue);
}

TEST_F(QueueRegistryTest, SettingAKmsKeyTurnsSqsManagedSseOffAndRemovingItTurnsItBackOn) {
  create("q");
  ASSERT_TRUE(set("q", {{"KmsMasterKeyId", "alias/orders"}}).ok());
  EXPECT_EQ(attribute("q", "KmsMasterKeyId"), "alias/orders");
  EXPECT_EQ(attribute("q", "SqsManagedSseEnabled"), "false");
  ASSERT_TRUE(set("q", {{"KmsMasterKeyId", ""}}).ok());
  EXPECT_EQ(attribute("q", "KmsMasterKeyId"), "<absent>");
  EXPECT_EQ(attribute("q", "SqsManagedSseEnabled"), "true");
}

TEST_F(QueueRegistryTest, EnablingSqsManagedSseDropsTheKmsKeyAndResetsTheReusePeriod) {
  create("q", {{"KmsMasterKeyId", "alias/orders"}, {"KmsDataKeyReusePeriodSeconds", "600"}});
  EXPECT_EQ(attribute("q", "SqsManagedSseEnabled"), "false");
  ASSERT_TRUE(set("q", {{"SqsManagedSseEnabled", "true"}}).ok());
  EXPECT_EQ(attribute("q", "KmsMasterKeyId"), "<absent>");
  EXPECT_EQ(attribute("q", "KmsDataKeyReusePeriodSeconds"), "300");
}

TEST_F(QueueRegistryTest, PolicyIsReturnedOnlyWhileSetAndAnEmptyValueRemovesIt) {
  create("q");
  EXPECT_EQ(attribute("q", "Policy"), "<absent>");
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage"}]})";
  ASSERT_TRUE(set("q", {{"Policy", policy}}).ok());
  EXPECT_EQ(attribute("q", "Policy"), policy);
  ASSERT_TRUE(set("q", {{"Policy", ""}}).ok());
  EXPECT_EQ(attribute("q", "Policy"), "<absent>");
}

TEST_F(QueueRegistryTest, AMalformedPolicyIsInvalidAttributeValue) {
  create("q");
  for (const char* bad : {"not json", "[1,2]", R"({"Statement":[{"Effect":"Maybe"}]})"}) {
    auto status = set("q", {{"Policy", bad}});
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.code(), ErrorCode::kInvalidAttributeValue) << bad;
  }
}

TEST_F(QueueRegistryTest, ApproximateCountsComeFromTheStore) {
  create("q");
  const auto now = clock_.now();
  std::vector<sdk::NewMessage> messages = {
      {"m1", "body", now, now, "", ""},
      {"m2", "body", now, now, "", ""},
      {"m3", "body", now, now, "", ""},
      {"m4", "body", now, now + 60s, "", ""},
  };
  ASSERT_TRUE(store_->append("q", messages, sdk::AppendSpec{now}).ok());
  sdk::ClaimSpec claim;
  claim.max_messages = 1;
  claim.now = now;
  ASSERT_TRUE(store_->claim("q", claim).ok());
  auto all = attributes("q");
  EXPECT_EQ(all.at("ApproximateNumberOfMessages"), "2");
  EXPECT_EQ(all.at("ApproximateNumberOfMessagesNotVisible"), "1");
  EXPECT_EQ(all.at("ApproximateNumberOfMessagesDelayed"), "1");
}

TEST_F(QueueRegistryTest, SettingsCarryTheEffectiveAttributes) {
  create_fifo("jobs.fifo", {{"VisibilityTimeout", "45"},
                            {"ContentBasedDeduplication", "true"},
                            {"DeduplicationScope", "messageGroup"}});
  auto settings = registry_.settings("jobs.fifo");
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->name, "jobs.fifo");
  EXPECT_EQ(settings->arn, arn("jobs.fifo"));
  EXPECT_TRUE(settings->fifo);
  EXPECT_NE(settings->generation, 0u);
  EXPECT_EQ(settings->visibility_timeout, 45);
  EXPECT_EQ(settings->maximum_message_size, 1048576);
  EXPECT_EQ(settings->message_retention_period, 345600);
  EXPECT_TRUE(settings->content_based_deduplication);
  EXPECT_EQ(settings->dedup_scope, DedupScope::kMessageGroup);
  EXPECT_FALSE(settings->redrive.has_value());
  EXPECT_EQ(settings->created_at, clock_.now());
}

TEST_F(QueueRegistryTest, SettingsFollowTheRegistrysOwnWritesAtOnce) {
  create("q");
  ASSERT_TRUE(registry_.settings("q").ok());
  ASSERT_TRUE(set("q", {{"DelaySeconds", "7"}}).ok());
  EXPECT_EQ(registry_.settings("q")->delay_seconds, 7);
  ASSERT_TRUE(registry_.remove("q").ok());
  auto gone = registry_.settings("q");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.code(), ErrorCode::kQueueDoesNotExist);
}

TEST_F(QueueRegistryTest, SettingsSeeAnotherBrokersChangeOnceTheCacheEntryIsOld) {
  QueueRegistry other(store_, options_, clock_, nullptr);
  ASSERT_TRUE(other.create({"shared", {}, {}}).ok());
  ASSERT_EQ(registry_.settings("shared")->visibility_timeout, 30);  // a miss reads the store
  ASSERT_TRUE(other.set_attributes("shared", {{"VisibilityTimeout", "90"}}).ok());
  clock_.advance(2s);
  EXPECT_EQ(registry_.settings("shared")->visibility_timeout, 90);
}

}  // namespace
}  // namespace sluice::core::testing
