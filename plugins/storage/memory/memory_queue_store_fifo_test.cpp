// Unit tests of MemoryQueueStore: FIFO groups and sequence numbers, deduplication,
// dead-lettering inside claims, and moves (redrive).
#include <gtest/gtest.h>

#include "dedup_window.hpp"
#include "memory_store_test_fixture.hpp"

namespace sluice::plugins::memory::testing {
namespace {

using sdk::ErrorCode;

// --- FIFO groups ------------------------------------------------------------------------------

TEST_F(MemoryStoreTest, FifoClaimTakesConsecutiveMessagesOfAGroupThenOtherGroups) {
  make_queue("q.fifo", true);
  send("q.fifo",
       {message("a1", t0, 0ms, "A"), message("b1", t0, 0ms, "B"), message("a2", t0, 0ms, "A"),
        message("c1", t0, 0ms, "C"), message("a3", t0, 0ms, "A"), message("b2", t0, 0ms, "B")},
       t0);
  EXPECT_EQ(ids(claim("q.fifo", 5, t0)), (std::vector<std::string>{"a1", "a2", "a3", "b1", "b2"}));
  EXPECT_EQ(ids(claim("q.fifo", 5, t0)), (std::vector<std::string>{"c1"}));
}

TEST_F(MemoryStoreTest, FifoGroupWithAMessageInFlightYieldsNothing) {
  make_queue("q.fifo", true);
  send("q.fifo", {message("a1", t0, 0ms, "A"), message("a2", t0, 0ms, "A")}, t0);
  ASSERT_EQ(ids(claim("q.fifo", 1, t0)), (std::vector<std::string>{"a1"}));
  EXPECT_TRUE(claim("q.fifo", 10, t0 + 1s).deliveries.empty());
  EXPECT_EQ(split(counts("q.fifo", t0 + 1s)), CountSplit(1, 1, 0));
}

TEST_F(MemoryStoreTest, FifoVisibilityExpiryReturnsTheSameHeadFirst) {
  make_queue("q.fifo", true);
  send("q.fifo", {message("a1", t0, 0ms, "A"), message("a2", t0, 0ms, "A")}, t0);
  ASSERT_EQ(ids(claim("q.fifo", 1, t0, 10s)), (std::vector<std::string>{"a1"}));
  auto again = claim("q.fifo", 10, t0 + 10s);
  EXPECT_EQ(ids(again), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(again.deliveries.at(0).receive_count, 2u);
}

TEST_F(MemoryStoreTest, FifoGroupStaysLockedUntilEveryDeliveredMessageIsDone) {
  make_queue("q.fifo", true);
  send("q.fifo",
       {message("a1", t0, 0ms, "A"), message("a2", t0, 0ms, "A"), message("a3", t0, 0ms, "A")}, t0);
  auto held = claim("q.fifo", 2, t0, 30s);
  ASSERT_EQ(ids(held), (std::vector<std::string>{"a1", "a2"}));
  ASSERT_TRUE(remove_one("q.fifo", held.deliveries[0].receipt).ok());
  EXPECT_TRUE(claim("q.fifo", 10, t0 + 1s).deliveries.empty());  // a2 still in flight
  ASSERT_TRUE(remove_one("q.fifo", held.deliveries[1].receipt).ok());
  EXPECT_EQ(ids(claim("q.fifo", 10, t0 + 1s)), (std::vector<std::string>{"a3"}));
}

TEST_F(MemoryStoreTest, FifoReleasingTheHeadEarlyDoesNotUnlockTheGroupWhileOthersAreHeld) {
  make_queue("q.fifo", true);
  send("q.fifo", {message("a1", t0, 0ms, "A"), message("a2", t0, 0ms, "A")}, t0);
  auto held = claim("q.fifo", 2, t0, 30s);
  ASSERT_TRUE(change_visibility("q.fifo", held.deliveries[0].receipt, t0 + 1s, t0 + 1s).ok());
  EXPECT_TRUE(claim("q.fifo", 10, t0 + 2s).deliveries.empty());
  EXPECT_EQ(ids(claim("q.fifo", 10, t0 + 30s)), (std::vector<std::string>{"a1", "a2"}));
}

TEST_F(MemoryStoreTest, FifoDelayedHeadHoldsBackItsGroupButNotOthers) {
  make_queue("q.fifo", true);
  send("q.fifo", {message("a1", t0, 5s, "A"), message("b1", t0, 0ms, "B")}, t0);
  EXPECT_EQ(ids(claim("q.fifo", 10, t0)), (std::vector<std::string>{"b1"}));
  EXPECT_EQ(ids(claim("q.fifo", 10, t0 + 5s)), (std::vector<std::string>{"a1"}));
}

TEST_F(MemoryStoreTest, FifoSequenceNumbersAreDecimalAndIncreaseAsNumbers) {
  make_queue("q.fifo", true);
  std::vector<sdk::NewMessage> batch;
  for (int i = 0; i < 12; ++i) batch.push_back(message("m" + std::to_string(i), t0, 0ms, "G"));
  auto outcomes = send("q.fifo", batch, t0);
  ASSERT_EQ(outcomes.size(), 12u);
  for (std::size_t i = 1; i < outcomes.size(); ++i) {
    const std::string& previous = outcomes[i - 1].sequence;
    const std::string& current = outcomes[i].sequence;
    ASSERT_EQ(current.find_first_not_of("0123456789"), std::string::npos) << current;
    EXPECT_EQ(current.size(), 20u);
    EXPECT_LT(std::stoull(previous), std::stoull(current));
  }
  EXPECT_EQ(claim("q.fifo", 1, t0).deliveries.at(0).sequence, outcomes[0].sequence);
}

// --- Deduplication ----------------------------------------------------------------------------

TEST_F(MemoryStoreTest, DuplicateWithinTheWindowRepeatsTheOriginalAndStoresNothing) {
  make_queue("q.fifo", true);
  auto original = send_one("q.fifo", "m1", t0, "G", "key");
  auto duplicate = send_one("q.fifo", "m2", t0 + 4min, "G", "key");
  EXPECT_FALSE(original.duplicate);
  EXPECT_TRUE(duplicate.duplicate);
  EXPECT_EQ(duplicate.message_id, "m1");
  EXPECT_EQ(duplicate.sequence, original.sequence);
  EXPECT_EQ(split(counts("q.fifo", t0 + 4min)), CountSplit(1, 0, 0));
}

TEST_F(MemoryStoreTest, DedupKeyOutlivesTheDeletedOriginal) {
  make_queue("q.fifo", true);
  send_one("q.fifo", "m1", t0, "G", "key");
  ASSERT_TRUE(remove_one("q.fifo", claim("q.fifo", 1, t0).deliveries.at(0).receipt).ok());
  EXPECT_TRUE(send_one("q.fifo", "m2", t0 + 1min, "G", "key").duplicate);
  EXPECT_EQ(split(counts("q.fifo", t0 + 1min)), CountSplit(0, 0, 0));
}

TEST_F(MemoryStoreTest, DedupKeyIsAcceptedAgainOnceTheWindowHasPassed) {
  make_queue("q.fifo", true);
  send_one("q.fifo", "m1", t0, "G", "key");
  auto later = send_one("q.fifo", "m2", t0 + 5min, "G", "key");
  EXPECT_FALSE(later.duplicate);
  EXPECT_EQ(later.message_id, "m2");
  EXPECT_TRUE(send_one("q.fifo", "m3", t0 + 6min, "G", "key").duplicate);  // window restarted
}

TEST_F(MemoryStoreTest, DuplicateInsideOneBatchIsDetected) {
  make_queue("q.fifo", true);
  auto outcomes = send("q.fifo",
                       {message("m1", t0, 0ms, "G", "k"), message("m2", t0, 0ms, "G", "k"),
                        message("m3", t0, 0ms, "G", "other")},
                       t0);
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_TRUE(outcomes[1].duplicate);
  EXPECT_EQ(outcomes[1].message_id, "m1");
  EXPECT_FALSE(outcomes[2].duplicate);
  EXPECT_EQ(split(counts("q.fifo", t0)), CountSplit(2, 0, 0));
}

TEST(DedupWindowTest, PruneForgetsKeysOnlyOnceTheirWindowHasPassed) {
  const sdk::TimePoint t0 = sdk::from_unix_millis(1'700'000'000'000);
  DedupWindow window;
  for (int i = 0; i < 100; ++i) window.remember("k" + std::to_string(i), t0 + i * 1s, "m", 1);
  window.prune(t0 + 5min + 49s, 5min);  // keys remembered at t0 .. t0 + 49 s have expired
  EXPECT_EQ(window.size(), 50u);
  EXPECT_EQ(window.find("k49", t0 + 5min + 49s, 5min), nullptr);
  EXPECT_NE(window.find("k50", t0 + 5min + 49s, 5min), nullptr);
}

TEST(DedupWindowTest, AKeyRememberedAgainSurvivesThePruneOfItsEarlierRecord) {
  const sdk::TimePoint t0 = sdk::from_unix_millis(1'700'000'000'000);
  DedupWindow window;
  window.remember("k", t0, "first", 1);
  window.remember("k", t0 + 5min, "second", 2);  // the first record has expired
  window.prune(t0 + 5min, 5min);
  const auto* original = window.find("k", t0 + 6min, 5min);
  ASSERT_NE(original, nullptr);
  EXPECT_EQ(original->message_id, "second");
}

// --- Dead-lettering ---------------------------------------------------------------------------

sdk::ClaimSpec redrive_claim(sdk::TimePoint now, const std::string& dlq, std::uint32_t max = 10) {
  sdk::ClaimSpec spec;
  spec.max_messages = max;
  spec.visibility = 1s;
  spec.now = now;
  spec.max_receives = 2;
  spec.dead_letter_queue = dlq;
  return spec;
}

TEST_F(MemoryStoreTest, ClaimMovesAMessageAtItsReceiveLimitToTheDeadLetterQueue) {
  make_queue("src");
  make_queue("dlq");
  send_one("src", "m1", t0);
  ASSERT_EQ(claim_with("src", redrive_claim(t0, "dlq")).deliveries.size(), 1u);
  ASSERT_EQ(claim_with("src", redrive_claim(t0 + 1s, "dlq")).deliveries.size(), 1u);

  auto third = claim_with("src", redrive_claim(t0 + 2s, "dlq"));
  EXPECT_TRUE(third.deliveries.empty());
  EXPECT_EQ(third.dead_lettered, 1u);
  EXPECT_EQ(split(counts("src", t0 + 2s)), CountSplit(0, 0, 0));
  EXPECT_EQ(split(counts("dlq", t0 + 2s)), CountSplit(1, 0, 0));

  auto from_dlq = claim("dlq", 1, t0 + 2s).deliveries.at(0);
  EXPECT_EQ(from_dlq.message_id, "m1");
  EXPECT_EQ(from_dlq.dead_letter_source, "src");
  EXPECT_EQ(from_dlq.receive_count, 3u);
  EXPECT_EQ(from_dlq.sent_at, t0);
  EXPECT_EQ(from_dlq.first_received_at, t0);
}

TEST_F(MemoryStoreTest, ClaimDeadLettersTheOverusedMessageAndStillDeliversTheRest) {
  make_queue("src");
  make_queue("dlq");
  send_one("src", "old", t0);
  ASSERT_EQ(claim_with("src", redrive_claim(t0, "dlq", 1)).deliveries.size(), 1u);
  ASSERT_EQ(claim_with("src", redrive_claim(t0 + 1s, "dlq", 1)).deliveries.size(), 1u);
  send_one("src", "fresh", t0 + 2s);
  auto result = claim_with("src", redrive_claim(t0 + 2s, "dlq"));
  EXPECT_EQ(ids(result), (std::vector<std::string>{"fresh"}));
  EXPECT_EQ(result.dead_lettered, 1u);
}

TEST_F(MemoryStoreTest, DeadLetteringResetsSentAtOnlyWhenAsked) {
  make_queue("src.fifo", true);
  make_queue("dlq.fifo", true);
  send_one("src.fifo", "m1", t0, "G");
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(claim_with("src.fifo", redrive_claim(t0 + i * 1s, "dlq.fifo")).deliveries.size(), 1u);
  }
  auto spec = redrive_claim(t0 + 2s, "dlq.fifo");
  spec.dead_letter_resets_sent_at = true;
  ASSERT_EQ(claim_with("src.fifo", spec).dead_lettered, 1u);
  auto from_dlq = claim("dlq.fifo", 1, t0 + 2s).deliveries.at(0);
  EXPECT_EQ(from_dlq.sent_at, t0 + 2s);
  EXPECT_EQ(from_dlq.group_id, "G");
  EXPECT_FALSE(from_dlq.sequence.empty());
}

TEST_F(MemoryStoreTest, FifoDeadLetteredHeadLetsTheNextMessageOfItsGroupThrough) {
  make_queue("src.fifo", true);
  make_queue("dlq.fifo", true);
  send("src.fifo", {message("a1", t0, 0ms, "A"), message("a2", t0, 0ms, "A")}, t0);
  for (int i = 0; i < 2; ++i) {
    auto spec = redrive_claim(t0 + i * 1s, "dlq.fifo", 1);
    ASSERT_EQ(ids(claim_with("src.fifo", spec)), (std::vector<std::string>{"a1"}));
  }
  auto result = claim_with("src.fifo", redrive_claim(t0 + 2s, "dlq.fifo", 1));
  EXPECT_EQ(ids(result), (std::vector<std::string>{"a2"}));
  EXPECT_EQ(result.dead_lettered, 1u);
}

TEST_F(MemoryStoreTest, ClaimDeliversNormallyWhenTheDeadLetterQueueDoesNotExist) {
  make_queue("src");
  send_one("src", "m1", t0);
  for (int i = 0; i < 3; ++i) {
    auto result = claim_with("src", redrive_claim(t0 + i * 1s, "missing"));
    EXPECT_EQ(ids(result), (std::vector<std::string>{"m1"}));
    EXPECT_EQ(result.dead_lettered, 0u);
  }
}

TEST_F(MemoryStoreTest, ClaimWithAReceiveLimitButNoDeadLetterQueueIsInvalid) {
  make_queue("src");
  auto result = store.claim("src", redrive_claim(t0, ""));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), ErrorCode::kInvalidParameterValue);
}

// --- Moves ------------------------------------------------------------------------------------

TEST_F(MemoryStoreTest, MoveReturnsDeadLetteredMessagesToTheirSourcesOldestFirst) {
  make_queue("src-a");
  make_queue("src-b");
  make_queue("dlq");
  send_one("src-a", "a", t0);
  send_one("src-b", "b", t0);
  for (int i = 0; i < 3; ++i) {
    claim_with("src-a", redrive_claim(t0 + i * 1s, "dlq"));
    claim_with("src-b", redrive_claim(t0 + i * 1s, "dlq"));
  }
  ASSERT_EQ(split(counts("dlq", t0 + 3s)), CountSplit(2, 0, 0));

  sdk::MoveSpec spec;
  spec.now = t0 + 3s;
  spec.max_messages = 10;
  auto moved = store.move("dlq", spec);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(moved->moved, 2u);
  EXPECT_EQ(moved->remaining, 0u);
  for (const char* queue : {"src-a", "src-b"}) {
    auto delivery = claim(queue, 1, t0 + 3s).deliveries.at(0);
    EXPECT_EQ(delivery.receive_count, 1u) << queue;
    EXPECT_TRUE(delivery.dead_letter_source.empty()) << queue;
  }
}

TEST_F(MemoryStoreTest, MoveToADestinationMovesAtMostMaxAndReportsTheRest) {
  make_queue("from");
  make_queue("to");
  send("from", {message("m1", t0), message("m2", t0), message("m3", t0)}, t0);
  sdk::MoveSpec spec;
  spec.now = t0;
  spec.max_messages = 2;
  spec.destination = "to";
  auto moved = store.move("from", spec);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->moved, 2u);
  EXPECT_EQ(moved->remaining, 1u);
  EXPECT_EQ(ids(claim("to", 10, t0)), (std::vector<std::string>{"m1", "m2"}));
}

TEST_F(MemoryStoreTest, MoveToAMissingDestinationIsQueueDoesNotExist) {
  make_queue("from");
  send_one("from", "m1", t0);
  sdk::MoveSpec spec;
  spec.now = t0;
  spec.destination = "nowhere";
  auto moved = store.move("from", spec);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.code(), ErrorCode::kQueueDoesNotExist);
  EXPECT_EQ(split(counts("from", t0)), CountSplit(1, 0, 0));
}

TEST_F(MemoryStoreTest, MoveBackToADeletedSourceIsQueueDoesNotExist) {
  make_queue("src");
  make_queue("dlq");
  send_one("src", "m1", t0);
  for (int i = 0; i < 3; ++i) claim_with("src", redrive_claim(t0 + i * 1s, "dlq"));
  ASSERT_TRUE(store.delete_queue("src").ok());
  sdk::MoveSpec spec;
  spec.now = t0 + 3s;
  auto moved = store.move("dlq", spec);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.code(), ErrorCode::kQueueDoesNotExist);
  EXPECT_NE(moved.error().message.find("src"), std::string::npos);
}

}  // namespace
}  // namespace sluice::plugins::memory::testing
