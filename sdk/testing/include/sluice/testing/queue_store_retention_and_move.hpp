// Conformance: retention (expire removes messages sent before a cutoff, whatever their state),
// purge, and move (visible messages, oldest first, to a destination or back to each message's
// dead_letter_source, each never in both queues and never in none).
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "sluice/testing/queue_store_fixture.hpp"

namespace sluice::conformance {

template <typename Factory>
class QueueStoreRetentionAndMove : public QueueStoreTest<Factory> {
 protected:
  void SetUp() override {
    QueueStoreTest<Factory>::SetUp();
    if (this->HasFatalFailure()) return;
    SLUICE_ASSERT_OK(this->create_queue("src"));
    src_ = this->queue_name("src");
  }
  std::uint64_t total(const std::string& q, sdk::TimePoint now) {
    auto counts = this->store().counts(q, now);
    EXPECT_TRUE(counts.ok()) << describe(counts);
    return counts.ok() ? counts->visible + counts->in_flight + counts->delayed : 0;
  }
  // One visible, one in flight and one delayed message, all sent at t0.
  void fill_every_state() {
    SLUICE_ASSERT_OK(this->append(src_, {this->message("held")}));
    SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(src_, this->at(0)));
    ASSERT_EQ(claimed.deliveries.size(), 1u);
    held_receipt_ = claimed.deliveries[0].receipt;
    SLUICE_ASSERT_OK(this->append(
        src_,
        {this->message("visible"), this->message("delayed", this->at(0), std::chrono::hours(1))}));
  }
  sdk::MoveSpec move_spec(sdk::TimePoint now, std::uint32_t max, std::string destination) const {
    sdk::MoveSpec spec;
    spec.now = now;
    spec.max_messages = max;
    spec.destination = std::move(destination);
    return spec;
  }
  std::string src_;
  std::string held_receipt_;
};
TYPED_TEST_SUITE_P(QueueStoreRetentionAndMove);

TYPED_TEST_P(QueueStoreRetentionAndMove, ExpireRemovesOnlyMessagesSentBeforeTheCutoff) {
  SLUICE_ASSERT_OK(this->append(
      this->src_, {this->message("old", this->at(0)), this->message("edge", this->at(1'000)),
                   this->message("new", this->at(2'000))}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto expired, this->store().expire(this->src_, this->at(1'000)));
  EXPECT_EQ(expired, 1u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->src_, this->at(3'000)));
  auto ids = this->ids_of(claimed.deliveries);
  std::sort(ids.begin(), ids.end());
  auto expected = this->ids_for({"edge", "new"});
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);
}

TYPED_TEST_P(QueueStoreRetentionAndMove, ExpireRemovesMessagesInEveryState) {
  ASSERT_NO_FATAL_FAILURE(this->fill_every_state());
  SLUICE_ASSERT_OK_AND_ASSIGN(auto expired, this->store().expire(this->src_, this->at(1)));
  EXPECT_EQ(expired, 3u);
  EXPECT_EQ(this->total(this->src_, this->at(1)), 0u);
}

TYPED_TEST_P(QueueStoreRetentionAndMove, ExpireReturnsZeroWhenNothingIsOldEnough) {
  SLUICE_ASSERT_OK(this->append(this->src_, {this->message("young", this->at(5'000))}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto expired, this->store().expire(this->src_, this->at(5'000)));
  EXPECT_EQ(expired, 0u);
  EXPECT_EQ(this->total(this->src_, this->at(5'000)), 1u);
}

TYPED_TEST_P(QueueStoreRetentionAndMove, RemoveOfAnExpiredMessageSucceeds) {
  ASSERT_NO_FATAL_FAILURE(this->fill_every_state());
  SLUICE_ASSERT_OK(this->store().expire(this->src_, this->at(1)));
  SLUICE_EXPECT_OK(this->remove_one(this->src_, this->held_receipt_));
}

TYPED_TEST_P(QueueStoreRetentionAndMove, PurgeDeletesEveryMessageAndSaysHowMany) {
  ASSERT_NO_FATAL_FAILURE(this->fill_every_state());
  SLUICE_ASSERT_OK_AND_ASSIGN(auto purged, this->store().purge(this->src_));
  EXPECT_EQ(purged, 3u);
  EXPECT_EQ(this->total(this->src_, this->at(1)), 0u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->src_, this->at(7'200'000)));
  EXPECT_TRUE(claimed.deliveries.empty());
}

TYPED_TEST_P(QueueStoreRetentionAndMove, RemoveOfAPurgedMessageSucceeds) {
  ASSERT_NO_FATAL_FAILURE(this->fill_every_state());
  SLUICE_ASSERT_OK(this->store().purge(this->src_));
  SLUICE_EXPECT_OK(this->remove_one(this->src_, this->held_receipt_));
}

TYPED_TEST_P(QueueStoreRetentionAndMove, QueueTakesNewMessagesAfterAPurge) {
  ASSERT_NO_FATAL_FAILURE(this->fill_every_state());
  SLUICE_ASSERT_OK(this->store().purge(this->src_));
  SLUICE_ASSERT_OK(this->append(this->src_, {this->message("after", this->at(10))}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->src_, this->at(10)));
  EXPECT_EQ(this->ids_of(claimed.deliveries), this->ids_for({"after"}));
}

TYPED_TEST_P(QueueStoreRetentionAndMove, MoveTakesTheOldestVisibleMessagesFirst) {
  SLUICE_ASSERT_OK(this->create_queue("dst"));
  const std::string dst = this->queue_name("dst");
  SLUICE_ASSERT_OK(this->append(this->src_, {this->message("m1", this->at(0))}));
  SLUICE_ASSERT_OK(this->append(this->src_, {this->message("m2", this->at(1))}));
  SLUICE_ASSERT_OK(this->append(this->src_, {this->message("m3", this->at(2))}));
  SLUICE_ASSERT_OK_AND_ASSIGN(
      auto moved, this->store().move(this->src_, this->move_spec(this->at(10), 2, dst)));
  EXPECT_EQ(moved.moved, 2u);
  EXPECT_EQ(moved.remaining, 1u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto at_dst, this->claim(dst, this->at(10)));
  auto ids = this->ids_of(at_dst.deliveries);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, this->ids_for({"m1", "m2"}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto at_src, this->claim(this->src_, this->at(10)));
  EXPECT_EQ(this->ids_of(at_src.deliveries), this->ids_for({"m3"}));
}

TYPED_TEST_P(QueueStoreRetentionAndMove, MoveLeavesInFlightAndDelayedMessagesWhereTheyAre) {
  SLUICE_ASSERT_OK(this->create_queue("dst"));
  const std::string dst = this->queue_name("dst");
  ASSERT_NO_FATAL_FAILURE(this->fill_every_state());
  SLUICE_ASSERT_OK_AND_ASSIGN(
      auto moved, this->store().move(this->src_, this->move_spec(this->at(1), 10, dst)));
  EXPECT_EQ(moved.moved, 1u);
  EXPECT_EQ(moved.remaining, 0u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto counts, this->store().counts(this->src_, this->at(1)));
  EXPECT_EQ(counts.visible, 0u);
  EXPECT_EQ(counts.in_flight, 1u);
  EXPECT_EQ(counts.delayed, 1u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto at_dst, this->claim(dst, this->at(1)));
  EXPECT_EQ(this->ids_of(at_dst.deliveries), this->ids_for({"visible"}));
}

TYPED_TEST_P(QueueStoreRetentionAndMove, MovedMessageRestartsItsReceiveCountAndIsVisibleAtOnce) {
  SLUICE_ASSERT_OK(this->create_queue("dst"));
  const std::string dst = this->queue_name("dst");
  SLUICE_ASSERT_OK(this->append(this->src_, {this->message("m")}));
  SLUICE_ASSERT_OK(this->claim(this->src_, this->at(0), 1, std::chrono::seconds(0)));
  SLUICE_ASSERT_OK(this->claim(this->src_, this->at(1), 1, std::chrono::seconds(0)));
  SLUICE_ASSERT_OK_AND_ASSIGN(
      auto moved, this->store().move(this->src_, this->move_spec(this->at(50), 1, dst)));
  ASSERT_EQ(moved.moved, 1u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(dst, this->at(50)));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  EXPECT_EQ(claimed.deliveries[0].message_id, this->message_id("m"));
  EXPECT_EQ(claimed.deliveries[0].envelope, this->envelope("m"));
  EXPECT_EQ(claimed.deliveries[0].receive_count, 1u);
}

TYPED_TEST_P(QueueStoreRetentionAndMove, MoveWithoutADestinationReturnsEachMessageToItsSource) {
  SLUICE_ASSERT_OK(this->create_queue("other"));
  SLUICE_ASSERT_OK(this->create_queue("dlq"));
  const std::string other = this->queue_name("other");
  const std::string dlq = this->queue_name("dlq");
  SLUICE_ASSERT_OK(this->append(this->src_, {this->message("from-src")}));
  SLUICE_ASSERT_OK(this->append(other, {this->message("from-other")}));
  for (const std::string& q : {this->src_, other}) {
    auto spec = this->claim_spec(this->at(0), 10, std::chrono::seconds(0));
    spec.max_receives = 1;
    spec.dead_letter_queue = dlq;
    SLUICE_ASSERT_OK(this->store().claim(q, spec));  // first delivery
    spec.now = this->at(1);
    SLUICE_ASSERT_OK_AND_ASSIGN(auto second, this->store().claim(q, spec));
    ASSERT_EQ(second.dead_lettered, 1u) << q;
  }
  SLUICE_ASSERT_OK_AND_ASSIGN(auto moved,
                              this->store().move(dlq, this->move_spec(this->at(2), 10, "")));
  EXPECT_EQ(moved.moved, 2u);
  EXPECT_EQ(moved.remaining, 0u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto at_src, this->claim(this->src_, this->at(2)));
  EXPECT_EQ(this->ids_of(at_src.deliveries), this->ids_for({"from-src"}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto at_other, this->claim(other, this->at(2)));
  EXPECT_EQ(this->ids_of(at_other.deliveries), this->ids_for({"from-other"}));
  EXPECT_EQ(this->total(dlq, this->at(2)), 0u);
}

TYPED_TEST_P(QueueStoreRetentionAndMove, MoveToAMissingDestinationLosesNothing) {
  SLUICE_ASSERT_OK(this->append(this->src_, {this->message("stay")}));
  auto moved =
      this->store().move(this->src_, this->move_spec(this->at(1), 10, this->queue_name("none")));
  if (moved.ok()) {
    EXPECT_EQ(moved->moved, 0u);
  }
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->src_, this->at(1)));
  EXPECT_EQ(this->ids_of(claimed.deliveries), this->ids_for({"stay"}));
}

REGISTER_TYPED_TEST_SUITE_P(
    QueueStoreRetentionAndMove, ExpireRemovesOnlyMessagesSentBeforeTheCutoff,
    ExpireRemovesMessagesInEveryState, ExpireReturnsZeroWhenNothingIsOldEnough,
    RemoveOfAnExpiredMessageSucceeds, PurgeDeletesEveryMessageAndSaysHowMany,
    RemoveOfAPurgedMessageSucceeds, QueueTakesNewMessagesAfterAPurge,
    MoveTakesTheOldestVisibleMessagesFirst, MoveLeavesInFlightAndDelayedMessagesWhereTheyAre,
    MovedMessageRestartsItsReceiveCountAndIsVisibleAtOnce,
    MoveWithoutADestinationReturnsEachMessageToItsSource, MoveToAMissingDestinationLosesNothing);

}  // namespace sluice::conformance
