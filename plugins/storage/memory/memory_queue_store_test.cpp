// Unit tests of MemoryQueueStore: queues, standard-queue claims, receipts, counts, retention.
// FIFO, dead-lettering and moves: memory_queue_store_fifo_test.cpp; threads:
// memory_queue_store_concurrency_test.cpp.
#include <gtest/gtest.h>

#include "memory_store_test_fixture.hpp"

namespace sluice::plugins::memory::testing {
namespace {

using sdk::ErrorCode;

// --- Queues -----------------------------------------------------------------------------------

TEST_F(MemoryStoreTest, CreateQueueStartsAtVersionOneAndRefusesATakenName) {
  EXPECT_EQ(make_queue("orders").version, 1u);
  auto again = store.create_queue(sdk::QueueRecord{"orders", false, 9, 0, ""});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.code(), ErrorCode::kQueueAlreadyExists);
}

TEST_F(MemoryStoreTest, CreateQueueChoosesAGenerationWhenGivenNone) {
  EXPECT_NE(make_queue("a", false, 0).generation, 0u);
  EXPECT_EQ(make_queue("b", false, 42).generation, 42u);
}

TEST_F(MemoryStoreTest, UpdateQueueBumpsTheVersionAndRefusesAStaleOne) {
  sdk::QueueRecord record = make_queue("orders");
  record.metadata = "v2";
  auto updated = store.update_queue(record);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->version, 2u);
  EXPECT_EQ(store.get_queue("orders")->metadata, "v2");

  record.metadata = "lost update";  // still carries version 1
  auto stale = store.update_queue(record);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.code(), ErrorCode::kConflict);
  EXPECT_EQ(store.get_queue("orders")->metadata, "v2");
}

TEST_F(MemoryStoreTest, ListQueuesPagesThroughMatchingNamesInAscendingOrder) {
  for (const char* name : {"b-2", "a-1", "b-1", "b-3", "c-1"}) make_queue(name);
  auto first = store.list_queues("b-", 2, "");
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->queues.size(), 2u);
  EXPECT_EQ(first->queues[0].name, "b-1");
  EXPECT_EQ(first->queues[1].name, "b-2");
  ASSERT_FALSE(first->next_token.empty());

  auto second = store.list_queues("b-", 2, first->next_token);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->queues.size(), 1u);
  EXPECT_EQ(second->queues[0].name, "b-3");
  EXPECT_TRUE(second->next_token.empty());
}

TEST_F(MemoryStoreTest, EveryOperationOnAMissingQueueNamesIt) {
  std::vector<std::string> receipts{"x"};
  std::vector<sdk::VisibilityChange> changes{{"x", t0}};
  std::vector<sdk::NewMessage> messages{message("m", t0)};
  sdk::ClaimSpec claim_spec;
  claim_spec.now = t0;
  sdk::MoveSpec move_spec;
  move_spec.now = t0;
  std::vector<sdk::Error> errors;
  errors.push_back(store.get_queue("ghost").error());
  errors.push_back(store.update_queue(sdk::QueueRecord{"ghost", false, 1, 1, ""}).error());
  errors.push_back(store.delete_queue("ghost").error());
  errors.push_back(store.append("ghost", messages, sdk::AppendSpec{t0}).error());
  errors.push_back(store.claim("ghost", claim_spec).error());
  errors.push_back(store.remove("ghost", receipts).error());
  errors.push_back(store.set_visibility("ghost", changes, t0).error());
  errors.push_back(store.purge("ghost").error());
  errors.push_back(store.counts("ghost", t0).error());
  errors.push_back(store.expire("ghost", t0).error());
  errors.push_back(store.move("ghost", move_spec).error());
  for (const sdk::Error& error : errors) {
    EXPECT_EQ(error.code, ErrorCode::kQueueDoesNotExist) << error.message;
    EXPECT_NE(error.message.find("ghost"), std::string::npos) << error.message;
  }
}

TEST_F(MemoryStoreTest, DeleteQueueDropsItsMessagesAndOldReceiptsStayInvalidAfterRecreation) {
  make_queue("orders", false, 5);
  send_one("orders", "m1", t0);
  auto delivered = claim("orders", 1, t0);
  ASSERT_EQ(delivered.deliveries.size(), 1u);
  ASSERT_TRUE(store.delete_queue("orders").ok());

  make_queue("orders", false, 5);  // same name, even the same generation
  EXPECT_EQ(split(counts("orders", t0)), CountSplit(0, 0, 0));
  EXPECT_EQ(remove_one("orders", delivered.deliveries[0].receipt).code(),
            ErrorCode::kReceiptHandleIsInvalid);
}

// --- Standard queues --------------------------------------------------------------------------

TEST_F(MemoryStoreTest, StandardClaimReturnsTheOldestVisibleMessagesFirst) {
  make_queue("q");
  send("q", {message("m1", t0), message("m2", t0 + 1ms), message("m3", t0 + 2ms)}, t0 + 2ms);
  EXPECT_EQ(ids(claim("q", 2, t0 + 5ms)), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(ids(claim("q", 2, t0 + 5ms)), (std::vector<std::string>{"m3"}));
}

TEST_F(MemoryStoreTest, DeliveryCarriesTheStoredFieldsAndAFreshReceiveCount) {
  make_queue("q");
  send("q", {message("m1", t0, 0ms, "tenant")}, t0);
  auto delivery = claim("q", 1, t0 + 1s).deliveries.at(0);
  EXPECT_EQ(delivery.envelope, "body-m1");
  EXPECT_EQ(delivery.group_id, "tenant");
  EXPECT_EQ(delivery.sent_at, t0);
  EXPECT_EQ(delivery.receive_count, 1u);
  EXPECT_EQ(delivery.first_received_at, t0 + 1s);
  EXPECT_TRUE(delivery.sequence.empty());
  EXPECT_FALSE(delivery.receipt.empty());
}

TEST_F(MemoryStoreTest, ClaimedMessageStaysHiddenUntilItsVisibilityExpiresThenReturns) {
  make_queue("q");
  send_one("q", "m1", t0);
  auto first = claim("q", 1, t0, 30s);
  ASSERT_EQ(first.deliveries.size(), 1u);
  EXPECT_TRUE(claim("q", 1, t0 + 29'999ms).deliveries.empty());

  auto second = claim("q", 1, t0 + 30s);
  ASSERT_EQ(second.deliveries.size(), 1u);
  EXPECT_EQ(second.deliveries[0].message_id, "m1");
  EXPECT_EQ(second.deliveries[0].receive_count, 2u);
  EXPECT_EQ(second.deliveries[0].first_received_at, t0);
  EXPECT_NE(second.deliveries[0].receipt, first.deliveries[0].receipt);
}

TEST_F(MemoryStoreTest, ClaimWithZeroVisibilityNeverReturnsAMessageTwiceInOneCall) {
  make_queue("q");
  send("q", {message("m1", t0), message("m2", t0)}, t0);
  EXPECT_EQ(ids(claim("q", 10, t0, 0ms)), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(claim("q", 10, t0, 0ms).deliveries.size(), 2u);  // visible again at once
}

TEST_F(MemoryStoreTest, CountsSplitDelayedAvailableAndInFlightAndFollowTime) {
  make_queue("q");
  send("q", {message("delayed", t0, 10s), message("a", t0), message("b", t0)}, t0);
  ASSERT_EQ(claim("q", 1, t0, 5s).deliveries.size(), 1u);
  EXPECT_EQ(split(counts("q", t0)), CountSplit(1, 1, 1));
  EXPECT_EQ(split(counts("q", t0 + 5s)), CountSplit(2, 0, 1));   // visibility expired
  EXPECT_EQ(split(counts("q", t0 + 10s)), CountSplit(3, 0, 0));  // delay passed
}

TEST_F(MemoryStoreTest, CountsForATimeLongBeforeTheLatestCallAreStillExact) {
  make_queue("q");
  send("q", {message("delayed", t0, 10s)}, t0);
  EXPECT_EQ(split(counts("q", t0 + 1min)), CountSplit(1, 0, 0));
  EXPECT_EQ(split(counts("q", t0)), CountSplit(0, 0, 1));
}

TEST_F(MemoryStoreTest, DelayedMessageIsNotClaimableBeforeItsDelayPasses) {
  make_queue("q");
  send("q", {message("m1", t0, 10s)}, t0);
  EXPECT_TRUE(claim("q", 1, t0 + 9s).deliveries.empty());
  EXPECT_EQ(claim("q", 1, t0 + 10s).deliveries.size(), 1u);
}

TEST_F(MemoryStoreTest, ClaimAtAnEarlierTimeThanAPreviousCallStillHonoursVisibility) {
  make_queue("q");
  send_one("q", "m1", t0);
  ASSERT_EQ(claim("q", 1, t0, 10s).deliveries.size(), 1u);
  EXPECT_EQ(split(counts("q", t0 + 10s)), CountSplit(1, 0, 0));
  EXPECT_TRUE(claim("q", 1, t0 + 9s).deliveries.empty());  // still held at t0 + 9s
}

TEST_F(MemoryStoreTest, InFlightLimitRefusesAClaimAndCapsOneThatWouldExceedIt) {
  make_queue("q");
  send("q", {message("m1", t0), message("m2", t0), message("m3", t0)}, t0);
  sdk::ClaimSpec spec;
  spec.max_messages = 10;
  spec.now = t0;
  spec.in_flight_limit = 2;
  EXPECT_EQ(claim_with("q", spec).deliveries.size(), 2u);
  auto refused = store.claim("q", spec);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::kOverLimit);
  EXPECT_EQ(split(counts("q", t0)), CountSplit(1, 2, 0));
}

// --- Receipts ---------------------------------------------------------------------------------

TEST_F(MemoryStoreTest, RemoveWithTheCurrentReceiptDeletesAndRepeatingItIsOk) {
  make_queue("q");
  send_one("q", "m1", t0);
  auto receipt = claim("q", 1, t0).deliveries.at(0).receipt;
  EXPECT_TRUE(remove_one("q", receipt).ok());
  EXPECT_TRUE(remove_one("q", receipt).ok());
  EXPECT_EQ(split(counts("q", t0 + 1h)), CountSplit(0, 0, 0));
}

TEST_F(MemoryStoreTest, RemoveRefusesAReceiptSupersededByALaterDelivery) {
  make_queue("q");
  send_one("q", "m1", t0);
  auto old_receipt = claim("q", 1, t0, 1s).deliveries.at(0).receipt;
  auto new_receipt = claim("q", 1, t0 + 1s, 30s).deliveries.at(0).receipt;
  EXPECT_EQ(remove_one("q", old_receipt).code(), ErrorCode::kReceiptHandleIsInvalid);
  EXPECT_EQ(split(counts("q", t0 + 1s)), CountSplit(0, 1, 0));
  EXPECT_TRUE(remove_one("q", new_receipt).ok());
}

TEST_F(MemoryStoreTest, RemoveAfterVisibilityExpiredStillDeletesWithTheLatestReceipt) {
  make_queue("q");
  send_one("q", "m1", t0);
  auto receipt = claim("q", 1, t0, 1s).deliveries.at(0).receipt;
  EXPECT_TRUE(remove_one("q", receipt).ok());
  EXPECT_TRUE(claim("q", 1, t0 + 1min).deliveries.empty());
}

TEST_F(MemoryStoreTest, RemoveRefusesMalformedAndTamperedReceipts) {
  make_queue("q");
  send_one("q", "m1", t0);
  auto receipt = claim("q", 1, t0).deliveries.at(0).receipt;
  std::string tampered = receipt;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == '1' ? '2' : '1';
  for (const std::string& bad :
       {std::string(), std::string("garbage"), receipt + "0", receipt.substr(1), tampered}) {
    EXPECT_EQ(remove_one("q", bad).code(), ErrorCode::kReceiptHandleIsInvalid) << bad;
  }
  EXPECT_EQ(split(counts("q", t0)), CountSplit(0, 1, 0));
}

TEST_F(MemoryStoreTest, RemoveRefusesAReceiptOfAnotherQueue) {
  make_queue("a");
  make_queue("b");  // same generation as "a"
  send_one("a", "m1", t0);
  send_one("b", "m1", t0);
  auto receipt_of_a = claim("a", 1, t0).deliveries.at(0).receipt;
  ASSERT_EQ(claim("b", 1, t0).deliveries.size(), 1u);
  EXPECT_EQ(remove_one("b", receipt_of_a).code(), ErrorCode::kReceiptHandleIsInvalid);
}

TEST_F(MemoryStoreTest, SetVisibilityExtendsAndShortensAnInFlightMessage) {
  make_queue("q");
  send_one("q", "m1", t0);
  auto receipt = claim("q", 1, t0, 10s).deliveries.at(0).receipt;
  ASSERT_TRUE(change_visibility("q", receipt, t0 + 60s, t0 + 5s).ok());
  EXPECT_TRUE(claim("q", 1, t0 + 59s).deliveries.empty());
  ASSERT_TRUE(change_visibility("q", receipt, t0 + 59s, t0 + 59s).ok());  // release now
  EXPECT_EQ(ids(claim("q", 1, t0 + 59s)), (std::vector<std::string>{"m1"}));
}

TEST_F(MemoryStoreTest, SetVisibilityAfterExpiryIsMessageNotInflight) {
  make_queue("q");
  send_one("q", "m1", t0);
  auto receipt = claim("q", 1, t0, 10s).deliveries.at(0).receipt;
  EXPECT_EQ(change_visibility("q", receipt, t0 + 60s, t0 + 10s).code(),
            ErrorCode::kMessageNotInflight);
}

TEST_F(MemoryStoreTest, SetVisibilityOfADeletedMessageIsReceiptHandleIsInvalid) {
  make_queue("q");
  send_one("q", "m1", t0);
  auto receipt = claim("q", 1, t0, 10s).deliveries.at(0).receipt;
  ASSERT_TRUE(remove_one("q", receipt).ok());
  EXPECT_EQ(change_visibility("q", receipt, t0 + 60s, t0).code(),
            ErrorCode::kReceiptHandleIsInvalid);
}

TEST_F(MemoryStoreTest, SetVisibilityRefusesASupersededReceipt) {
  make_queue("q");
  send_one("q", "m1", t0);
  auto old_receipt = claim("q", 1, t0, 1s).deliveries.at(0).receipt;
  ASSERT_EQ(claim("q", 1, t0 + 1s, 30s).deliveries.size(), 1u);
  EXPECT_EQ(change_visibility("q", old_receipt, t0 + 2s, t0 + 1s).code(),
            ErrorCode::kReceiptHandleIsInvalid);
}

// --- Retention and purge ----------------------------------------------------------------------

TEST_F(MemoryStoreTest, ExpireRemovesMessagesSentBeforeTheCutoffInEveryState) {
  make_queue("q");
  send("q",
       {message("old-in-flight", t0), message("old-delayed", t0 + 1ms, 1h),
        message("old-available", t0 + 2ms), message("new", t0 + 10s)},
       t0 + 10s);
  ASSERT_EQ(ids(claim("q", 1, t0 + 10s)), (std::vector<std::string>{"old-in-flight"}));
  auto expired = store.expire("q", t0 + 10s);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, 3u);
  EXPECT_EQ(split(counts("q", t0 + 10s)), CountSplit(1, 0, 0));
  EXPECT_EQ(ids(claim("q", 10, t0 + 10s)), (std::vector<std::string>{"new"}));
}

TEST_F(MemoryStoreTest, PurgeRemovesEveryMessageAndReturnsHowMany) {
  make_queue("q");
  send("q", {message("a", t0), message("b", t0, 1min), message("c", t0)}, t0);
  ASSERT_EQ(claim("q", 1, t0).deliveries.size(), 1u);
  auto purged = store.purge("q");
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 3u);
  EXPECT_EQ(split(counts("q", t0 + 1h)), CountSplit(0, 0, 0));
}

}  // namespace
}  // namespace sluice::plugins::memory::testing
