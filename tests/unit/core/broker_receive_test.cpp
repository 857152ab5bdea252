// Broker::receive_messages, delete_messages and change_visibility: claims, time-based
// visibility, dead-lettering, receipt handles and FIFO attempt ids (long polls: see
// broker_long_poll_test.cpp).
#include "broker_test_support.hpp"

namespace sluice::core::testing {
namespace {

using sdk::ErrorCode;
using std::chrono::seconds;

class BrokerReceiveTest : public BrokerTest {};

TEST_F(BrokerReceiveTest, ReceivedMessageCarriesBodyDigestAndSystemAttributes) {
  create("q");
  const auto sent = send("q", "hello");
  auto messages = receive("q");
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0];
  EXPECT_EQ(m.message_id, sent.message_id);
  EXPECT_EQ(m.body, "hello");
  EXPECT_EQ(m.md5_of_body, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(m.sender_id, kDefaultSenderId);
  EXPECT_EQ(m.sent_at, clock_->now());
  EXPECT_EQ(m.first_received_at, clock_->now());
  EXPECT_EQ(m.receive_count, 1u);
  EXPECT_FALSE(m.receipt_handle.empty());
}

TEST_F(BrokerReceiveTest, TraceHeaderOfTheRequestIsStoredWhenTheEntryHasNone) {
  create("q");
  ctx_.trace_header = "Root=1-abc";
  ctx_.sender_id = "AIDAEXAMPLE";
  send("q", "hello");
  auto messages = receive("q");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].system_attributes.at("AWSTraceHeader").value, "Root=1-abc");
  EXPECT_EQ(messages[0].sender_id, "AIDAEXAMPLE");
}

TEST_F(BrokerReceiveTest, DelayedMessageIsReceivableOnlyOnceTheClockPassesTheDelay) {
  create("q");
  auto e = entry("later");
  e.delay_seconds = 60;
  ASSERT_TRUE(try_send("q", e).ok());
  EXPECT_TRUE(receive("q").empty());
  clock_->advance(seconds(59));
  EXPECT_TRUE(receive("q").empty());
  clock_->advance(seconds(1));
  EXPECT_EQ(receive("q").size(), 1u);
}

TEST_F(BrokerReceiveTest, QueueDelayAppliesWhenTheEntryGivesNone) {
  create("q", {{"DelaySeconds", "10"}});
  send("q", "later");
  EXPECT_TRUE(receive("q").empty());
  clock_->advance(seconds(10));
  EXPECT_EQ(receive("q").size(), 1u);
}

TEST_F(BrokerReceiveTest, ReceivedMessageReappearsWhenItsVisibilityExpires) {
  create("q", {{"VisibilityTimeout", "30"}});
  send("q", "m");
  ASSERT_EQ(receive("q").size(), 1u);
  EXPECT_TRUE(receive("q").empty());
  clock_->advance(seconds(30));
  auto again = receive("q");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].receive_count, 2u);
}

TEST_F(BrokerReceiveTest, RequestVisibilityOverridesTheQueueDefault) {
  create("q", {{"VisibilityTimeout", "300"}});
  send("q", "m");
  ASSERT_EQ(receive("q", 1, 5).size(), 1u);
  clock_->advance(seconds(5));
  EXPECT_EQ(receive("q").size(), 1u);
}

TEST_F(BrokerReceiveTest, MessageMovesToTheDeadLetterQueueAfterMaxReceiveCountReceives) {
  create_with_dlq("src", "dlq", 2);
  send("src", "poison");
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(receive("src", 1, 0).size(), 1u) << "receive " << i;
  }
  EXPECT_TRUE(receive("src", 1, 0).empty());
  auto dead = receive("dlq");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body, "poison");
  EXPECT_EQ(dead[0].dead_letter_source_arn, broker_->queue_arn("src"));
}

TEST_F(BrokerReceiveTest, ReceiveParametersOutsideTheirRangesAreRejected) {
  create("q");
  sdk::ReceiveRequest request;
  request.queue = "q";
  request.max_messages = 11;
  EXPECT_EQ(receive_request(request).code(), ErrorCode::kInvalidParameterValue);
  request.max_messages = 0;
  EXPECT_EQ(receive_request(request).code(), ErrorCode::kInvalidParameterValue);
  request.max_messages = 1;
  request.visibility_seconds = 43201;
  EXPECT_EQ(receive_request(request).code(), ErrorCode::kInvalidParameterValue);
  request.visibility_seconds.reset();
  request.wait_seconds = 21;
  auto result = receive_request(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(result.error().message.find("WaitTimeSeconds"), std::string::npos);
}

TEST_F(BrokerReceiveTest, ReceiveFromAMissingQueueFails) {
  sdk::ReceiveRequest request;
  request.queue = "missing";
  EXPECT_EQ(receive_request(request).code(), ErrorCode::kQueueDoesNotExist);
}

TEST_F(BrokerReceiveTest, CallsAfterStopFailWithServiceUnavailable) {
  create("q");
  broker_->stop();
  sdk::ReceiveRequest request;
  request.queue = "q";
  EXPECT_EQ(receive_request(request).code(), ErrorCode::kServiceUnavailable);
}

TEST_F(BrokerReceiveTest, DeleteRemovesTheMessageForGood) {
  create("q");
  send("q", "m");
  auto messages = receive("q", 1, 0);
  ASSERT_EQ(messages.size(), 1u);
  auto deleted = delete_messages("q", {messages[0].receipt_handle});
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE((*deleted)[0].ok());
  clock_->advance(seconds(60));
  EXPECT_TRUE(receive("q").empty());
  // Deleting again with the same handle succeeds (idempotent).
  auto again = delete_messages("q", {messages[0].receipt_handle});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)[0].ok());
}

TEST_F(BrokerReceiveTest, ForgedReceiptHandleIsRejectedPerEntry) {
  create("q");
  send("q", "m");
  auto messages = receive("q");
  ASSERT_EQ(messages.size(), 1u);
  std::string forged = messages[0].receipt_handle;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  auto result = delete_messages("q", {forged, "garbage!", messages[0].receipt_handle});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)[0].code(), ErrorCode::kReceiptHandleIsInvalid);
  EXPECT_EQ((*result)[1].code(), ErrorCode::kReceiptHandleIsInvalid);
  EXPECT_TRUE((*result)[2].ok());
}

TEST_F(BrokerReceiveTest, HandleSignedWithAnotherSecretIsRejected) {
  create("q");
  send("q", "m");
  auto messages = receive("q");
  ASSERT_EQ(messages.size(), 1u);
  options_.receipt_secret = "another-secret";
  auto store = store_;
  start_broker(store);
  auto result = delete_messages("q", {messages[0].receipt_handle});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)[0].code(), ErrorCode::kReceiptHandleIsInvalid);
}

TEST_F(BrokerReceiveTest, ReceiptHandleOfAnotherQueueIsRejected) {
  create("a");
  create("b");
  send("a", "m");
  auto messages = receive("a");
  ASSERT_EQ(messages.size(), 1u);
  auto on_b = delete_messages("b", {messages[0].receipt_handle});
  ASSERT_TRUE(on_b.ok());
  EXPECT_EQ((*on_b)[0].code(), ErrorCode::kReceiptHandleIsInvalid);
  auto vis = change_visibility("b", messages[0].receipt_handle, 0);
  ASSERT_TRUE(vis.ok());
  EXPECT_EQ((*vis)[0].code(), ErrorCode::kReceiptHandleIsInvalid);
}

TEST_F(BrokerReceiveTest, ChangeVisibilityToZeroMakesTheMessageReceivableAgain) {
  create("q");
  send("q", "m");
  auto messages = receive("q");
  ASSERT_EQ(messages.size(), 1u);
  auto changed = change_visibility("q", messages[0].receipt_handle, 0);
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE((*changed)[0].ok());
  EXPECT_EQ(receive("q").size(), 1u);
}

TEST_F(BrokerReceiveTest, ChangeVisibilityOutOfRangeIsRejected) {
  create("q");
  send("q", "m");
  auto messages = receive("q");
  ASSERT_EQ(messages.size(), 1u);
  auto changed = change_visibility("q", messages[0].receipt_handle, 43201);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ((*changed)[0].code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(BrokerReceiveTest, ChangeVisibilityBeyondTwelveHoursAfterTheReceiveIsRejected) {
  create("q", {{"VisibilityTimeout", "43200"}});
  send("q", "m");
  auto messages = receive("q");
  ASSERT_EQ(messages.size(), 1u);
  clock_->advance(seconds(3600));
  auto too_far = change_visibility("q", messages[0].receipt_handle, 43200);
  ASSERT_TRUE(too_far.ok());
  EXPECT_EQ((*too_far)[0].code(), ErrorCode::kInvalidParameterValue);
  auto within = change_visibility("q", messages[0].receipt_handle, 43200 - 3600);
  ASSERT_TRUE(within.ok());
  EXPECT_TRUE((*within)[0].ok());
}

TEST_F(BrokerReceiveTest, ChangeVisibilityOfAnExpiredDeliveryIsMessageNotInflight) {
  create("q", {{"VisibilityTimeout", "10"}});
  send("q", "m");
  auto messages = receive("q");
  ASSERT_EQ(messages.size(), 1u);
  clock_->advance(seconds(11));
  auto changed = change_visibility("q", messages[0].receipt_handle, 30);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ((*changed)[0].code(), ErrorCode::kMessageNotInflight);
}

TEST_F(BrokerReceiveTest, ShortPollAtTheInFlightLimitIsOverLimit) {
  options_.in_flight_limit = 1;
  start_broker();
  create("q");
  send("q", "one");
  send("q", "two");
  ASSERT_EQ(receive("q", 1).size(), 1u);
  sdk::ReceiveRequest request;
  request.queue = "q";
  request.wait_seconds = 0;
  EXPECT_EQ(receive_request(request).code(), ErrorCode::kOverLimit);
}

TEST_F(BrokerReceiveTest, FifoRetryWithTheSameAttemptIdReturnsTheSameHandles) {
  create_fifo("f.fifo", {{"ContentBasedDeduplication", "true"}});
  for (const char* body : {"a", "b"}) {
    auto e = entry(body);
    e.group_id = "g";
    ASSERT_TRUE(try_send("f.fifo", e).ok());
  }
  sdk::ReceiveRequest request;
  request.queue = "f.fifo";
  request.max_messages = 10;
  request.attempt_id = "attempt-1";
  auto first = receive_request(request);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u);
  clock_->advance(seconds(10));
  auto retry = receive_request(request);
  ASSERT_TRUE(retry.ok());
  ASSERT_EQ(retry->size(), 2u);
  EXPECT_EQ((*retry)[0].receipt_handle, (*first)[0].receipt_handle);
  EXPECT_EQ((*retry)[1].receipt_handle, (*first)[1].receipt_handle);
  // The retry re-armed the visibility: 25 s after the retry (35 s after the first receive, past
  // the default 30 s), the group is still locked.
  clock_->advance(seconds(25));
  request.attempt_id = "attempt-2";
  auto other = receive_request(request);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
}

TEST_F(BrokerReceiveTest, FifoRetryAfterADeleteClaimsAfresh) {
  create_fifo("f.fifo", {{"ContentBasedDeduplication", "true"}});
  auto e = entry("a");
  e.group_id = "g";
  ASSERT_TRUE(try_send("f.fifo", e).ok());
  sdk::ReceiveRequest request;
  request.queue = "f.fifo";
  request.attempt_id = "attempt-1";
  auto first = receive_request(request);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  ASSERT_TRUE(delete_messages("f.fifo", {(*first)[0].receipt_handle}).ok());
  auto retry = receive_request(request);
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->empty());
}

TEST_F(BrokerReceiveTest, DeletingAQueueMakesItsOldHandlesInvalidOnTheNewQueue) {
  create("q");
  send("q", "m");
  auto messages = receive("q");
  ASSERT_EQ(messages.size(), 1u);
  auto deleted = await<sdk::Status>([&](auto done) { broker_->delete_queue(ctx_, "q", done); });
  ASSERT_TRUE(deleted.ok());
  clock_->advance(seconds(61));  // past the re-creation delay
  create("q");
  auto result = delete_messages("q", {messages[0].receipt_handle});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)[0].code(), ErrorCode::kReceiptHandleIsInvalid);
}

TEST_F(BrokerReceiveTest, CallsBeforeStartCompleteInlineWithServiceUnavailable) {
  Broker idle(std::make_shared<plugins::memory::MemoryQueueStore>(), options_, clock_, logger_);
  std::optional<sdk::ErrorCode> code;
  idle.get_queue(ctx_, "q", [&](sdk::Result<sdk::QueueInfo> r) { code = r.code(); });
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, ErrorCode::kServiceUnavailable);
}

}  // namespace
}  // namespace sluice::core::testing
