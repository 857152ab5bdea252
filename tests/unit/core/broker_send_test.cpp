// Broker::send_messages: validation rules (spec 5.8, 5.9, 7.1-7.3, 7.11, 8.1-8.2) and outcomes.
#include <regex>

#include "broker_test_support.hpp"

namespace sluice::core::testing {
namespace {

using sdk::ErrorCode;

class BrokerSendTest : public BrokerTest {};

sdk::MessageAttributeValue str(std::string v) { return {"String", std::move(v)}; }

TEST_F(BrokerSendTest, SendReturnsTheBodyAndAttributeDigestsClientsVerify) {
  create("q");
  auto e = entry("hello");
  e.attributes["test_attribute_name_1"] = str("test_attribute_value_1");
  e.attributes["test_attribute_name_2"] = str("test_attribute_value_2");
  auto outcome = try_send("q", e);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->md5_of_body, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(outcome->md5_of_attributes, "d53f3b558fe951154770f25cb63dbba9");
  EXPECT_EQ(outcome->md5_of_system_attributes, "");
}

TEST_F(BrokerSendTest, SendDigestsTheTraceHeaderSystemAttribute) {
  create("q");
  auto e = entry("hello");
  e.system_attributes["AWSTraceHeader"] =
      str("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
  auto outcome = try_send("q", e);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->md5_of_system_attributes, "5ae4d5d7636402d80f4eb6d213245a88");
}

TEST_F(BrokerSendTest, SendAssignsDistinctLowerCaseUuidMessageIds) {
  create("q");
  const auto a = send("q", "one");
  const auto b = send("q", "two");
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  EXPECT_TRUE(std::regex_match(a.message_id, uuid)) << a.message_id;
  EXPECT_NE(a.message_id, b.message_id);
}

TEST_F(BrokerSendTest, EmptyBodyIsAMissingParameter) {
  create("q");
  auto outcome = try_send("q", entry(""));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.code(), ErrorCode::kMissingParameter);
}

TEST_F(BrokerSendTest, ControlCharacterInBodyIsInvalidMessageContents) {
  create("q");
  auto outcome = try_send("q", entry("escape \x1b here"));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.code(), ErrorCode::kInvalidMessageContents);
  EXPECT_NE(outcome.error().message.find("#x1B"), std::string::npos) << outcome.error().message;
}

TEST_F(BrokerSendTest, InvalidUtf8BodyIsInvalidMessageContents) {
  create("q");
  EXPECT_EQ(try_send("q", entry("bad \xc3\x28 utf8")).code(), ErrorCode::kInvalidMessageContents);
  // A surrogate encoded in UTF-8 is not UTF-8 either.
  EXPECT_EQ(try_send("q", entry("\xed\xa0\x80")).code(), ErrorCode::kInvalidMessageContents);
}

TEST_F(BrokerSendTest, NonAsciiTextWithinTheAllowedRangesIsAccepted) {
  create("q");
  EXPECT_TRUE(try_send("q", entry("caf\xc3\xa9 \xf0\x9f\x98\x80\ttab")).ok());
}

TEST_F(BrokerSendTest, MessageLargerThanTheQueueMaximumIsAnInvalidParameterValue) {
  create("q", {{"MaximumMessageSize", "1024"}});
  EXPECT_TRUE(try_send("q", entry(std::string(1024, 'a'))).ok());
  auto outcome = try_send("q", entry(std::string(1025, 'a')));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(BrokerSendTest, AttributeNamesAndTypesCountTowardsTheSize) {
  create("q", {{"MaximumMessageSize", "1024"}});
  auto e = entry(std::string(1000, 'a'));
  e.attributes["name"] = str(std::string(15, 'v'));  // 1000 + 4 + 6 + 15 = 1025
  EXPECT_EQ(try_send("q", e).code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(BrokerSendTest, MoreThanTenAttributesAreRejected) {
  create("q");
  auto e = entry("body");
  for (int i = 0; i < 11; ++i) e.attributes["a" + std::to_string(i)] = str("v");
  auto outcome = try_send("q", e);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(outcome.error().message.find("[11]"), std::string::npos);
}

TEST_F(BrokerSendTest, AttributeWithAnUnknownDataTypePrefixIsRejected) {
  create("q");
  auto e = entry("body");
  e.attributes["a"] = {"Integer", "1"};
  EXPECT_EQ(try_send("q", e).code(), ErrorCode::kInvalidParameterValue);
  e.attributes["a"] = {"Number.int", "12"};
  EXPECT_TRUE(try_send("q", e).ok());
}

TEST_F(BrokerSendTest, AttributeWithAnEmptyValueIsRejected) {
  create("q");
  auto e = entry("body");
  e.attributes["a"] = str("");
  auto outcome = try_send("q", e);
  EXPECT_EQ(outcome.code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(BrokerSendTest, AttributeNamesReservedForAwsAreRejected) {
  create("q");
  auto e = entry("body");
  e.attributes["aws.thing"] = str("v");
  EXPECT_EQ(try_send("q", e).code(), ErrorCode::kInvalidParameterValue);
  e.attributes.clear();
  e.attributes["bad..name"] = str("v");
  EXPECT_EQ(try_send("q", e).code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(BrokerSendTest, DelayOutsideZeroToNineHundredIsRejected) {
  create("q");
  auto e = entry("body");
  e.delay_seconds = 901;
  auto outcome = try_send("q", e);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(outcome.error().message.find("DelaySeconds"), std::string::npos);
  e.delay_seconds = -1;
  EXPECT_EQ(try_send("q", e).code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(BrokerSendTest, FifoQueueRejectsAPerMessageDelay) {
  create_fifo("f.fifo", {{"ContentBasedDeduplication", "true"}});
  auto e = entry("body");
  e.group_id = "g";
  e.delay_seconds = 5;
  auto outcome = try_send("f.fifo", e);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(outcome.error().message.find("not valid for this queue type"), std::string::npos);
  e.delay_seconds = 0;
  EXPECT_TRUE(try_send("f.fifo", e).ok());
}

TEST_F(BrokerSendTest, FifoSendWithoutGroupIdIsAMissingParameter) {
  create_fifo("f.fifo", {{"ContentBasedDeduplication", "true"}});
  EXPECT_EQ(try_send("f.fifo", entry("body")).code(), ErrorCode::kMissingParameter);
}

TEST_F(BrokerSendTest, FifoSendNeedsADedupIdOrContentBasedDeduplication) {
  create_fifo("f.fifo");
  auto e = entry("body");
  e.group_id = "g";
  auto outcome = try_send("f.fifo", e);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.code(), ErrorCode::kInvalidParameterValue);
  e.dedup_id = "d-1";
  EXPECT_TRUE(try_send("f.fifo", e).ok());
}

TEST_F(BrokerSendTest, GroupIdWithASpaceIsRejected) {
  create_fifo("f.fifo", {{"ContentBasedDeduplication", "true"}});
  auto e = entry("body");
  e.group_id = "bad group";
  EXPECT_EQ(try_send("f.fifo", e).code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(BrokerSendTest, DedupIdOnAStandardQueueIsRejected) {
  create("q");
  auto e = entry("body");
  e.dedup_id = "d";
  EXPECT_EQ(try_send("q", e).code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(BrokerSendTest, FifoDuplicateWithinTheWindowRepeatsTheOriginalIdAndSequence) {
  create_fifo("f.fifo", {{"ContentBasedDeduplication", "true"}});
  auto e = entry("same body");
  e.group_id = "g";
  auto first = try_send("f.fifo", e);
  auto second = try_send("f.fifo", e);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_FALSE(first->sequence_number.empty());
  EXPECT_EQ(second->message_id, first->message_id);
  EXPECT_EQ(second->sequence_number, first->sequence_number);
  EXPECT_EQ(receive("f.fifo").size(), 1u);
}

TEST_F(BrokerSendTest, MessageGroupScopedDedupKeepsTheSameIdInTwoGroupsApart) {
  create_fifo("f.fifo", {{"DeduplicationScope", "messageGroup"},
                         {"FifoThroughputLimit", "perMessageGroupId"}});
  auto a = entry("body");
  a.group_id = "g1";
  a.dedup_id = "same";
  auto b = a;
  b.group_id = "g2";
  auto first = try_send("f.fifo", a);
  auto second = try_send("f.fifo", b);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->message_id, second->message_id);
}

TEST_F(BrokerSendTest, EmptyBatchIsRejectedAsAWhole) {
  create("q");
  auto result = send_batch("q", {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), ErrorCode::kEmptyBatchRequest);
}

TEST_F(BrokerSendTest, ElevenEntriesAreTooManyForABatch) {
  create("q");
  std::vector<sdk::SendEntry> entries;
  for (int i = 0; i < 11; ++i) entries.push_back(entry("b", "id" + std::to_string(i)));
  EXPECT_EQ(send_batch("q", entries).code(), ErrorCode::kTooManyEntriesInBatchRequest);
}

TEST_F(BrokerSendTest, AnInvalidEntryIdFailsTheWholeBatch) {
  create("q");
  EXPECT_EQ(send_batch("q", {entry("a", "ok"), entry("b", "not ok!")}).code(),
            ErrorCode::kInvalidBatchEntryId);
  EXPECT_EQ(send_batch("q", {entry("a", "x"), entry("b", std::string(81, 'i'))}).code(),
            ErrorCode::kInvalidBatchEntryId);
}

TEST_F(BrokerSendTest, RepeatedEntryIdsFailTheWholeBatch) {
  create("q");
  EXPECT_EQ(send_batch("q", {entry("a", "same"), entry("b", "same")}).code(),
            ErrorCode::kBatchEntryIdsNotDistinct);
}

TEST_F(BrokerSendTest, BatchOverOneMebibyteInTotalIsTooLong) {
  create("q");
  const std::string half(600 * 1024, 'x');
  EXPECT_EQ(send_batch("q", {entry(half, "a"), entry(half, "b")}).code(),
            ErrorCode::kBatchRequestTooLong);
}

TEST_F(BrokerSendTest, AnInvalidEntryFailsOnlyThatEntry) {
  create("q");
  auto bad = entry("b", "bad");
  bad.delay_seconds = 901;
  auto result = send_batch("q", {entry("a", "good"), bad, entry("c", "alsogood")});
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->size(), 3u);
  EXPECT_TRUE((*result)[0].ok());
  EXPECT_EQ((*result)[0]->entry_id, "good");
  EXPECT_EQ((*result)[1].code(), ErrorCode::kInvalidParameterValue);
  EXPECT_TRUE((*result)[2].ok());
  EXPECT_EQ(receive("q").size(), 2u);
}

TEST_F(BrokerSendTest, SendToAMissingQueueFailsTheWholeCall) {
  auto result = send_batch("nope", {entry("a")});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), ErrorCode::kQueueDoesNotExist);
}

}  // namespace
}  // namespace sluice::core::testing
