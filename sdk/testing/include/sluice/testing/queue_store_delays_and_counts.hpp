// Conformance: delayed messages (visible_at in the future at send time) and counts, which split a
// queue into visible, in flight (received, visibility not expired) and delayed (never received,
// delay not passed).
#pragma once

#include <chrono>
#include <string>

#include "sluice/testing/queue_store_fixture.hpp"

namespace sluice::conformance {

template <typename Factory>
class QueueStoreDelaysAndCounts : public QueueStoreTest<Factory> {
 protected:
  void SetUp() override {
    QueueStoreTest<Factory>::SetUp();
    if (this->HasFatalFailure()) return;
    SLUICE_ASSERT_OK(this->create_queue("delays"));
    q_ = this->queue_name("delays");
  }
  // Asserts the three counts at `now`.
  void expect_counts(sdk::TimePoint now, std::uint64_t visible, std::uint64_t in_flight,
                     std::uint64_t delayed) {
    auto counts = this->store().counts(q_, now);
    ASSERT_TRUE(counts.ok()) << describe(counts);
    EXPECT_EQ(counts->visible, visible) << "visible";
    EXPECT_EQ(counts->in_flight, in_flight) << "in flight";
    EXPECT_EQ(counts->delayed, delayed) << "delayed";
  }
  static constexpr sdk::Millis kDelay{10'000};
  std::string q_;
};
TYPED_TEST_SUITE_P(QueueStoreDelaysAndCounts);

TYPED_TEST_P(QueueStoreDelaysAndCounts, DelayedMessageIsNotClaimableBeforeItsVisibleAt) {
  SLUICE_ASSERT_OK(
      this->append(this->q_, {this->message("late", this->at(0), TestFixture::kDelay)}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto at_send, this->claim(this->q_, this->at(0)));
  EXPECT_TRUE(at_send.deliveries.empty());
  SLUICE_ASSERT_OK_AND_ASSIGN(auto just_before, this->claim(this->q_, this->at(9'999)));
  EXPECT_TRUE(just_before.deliveries.empty());
}

TYPED_TEST_P(QueueStoreDelaysAndCounts, DelayedMessageBecomesClaimableAtItsVisibleAt) {
  SLUICE_ASSERT_OK(
      this->append(this->q_, {this->message("late", this->at(0), TestFixture::kDelay)}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->at(10'000)));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  EXPECT_EQ(claimed.deliveries[0].message_id, this->message_id("late"));
  EXPECT_EQ(claimed.deliveries[0].receive_count, 1u);
  EXPECT_EQ(claimed.deliveries[0].sent_at, this->at(0));
}

TYPED_TEST_P(QueueStoreDelaysAndCounts, ClaimSkipsDelayedMessagesAndDeliversVisibleOnes) {
  SLUICE_ASSERT_OK(this->append(this->q_, {this->message("late", this->at(0), TestFixture::kDelay),
                                           this->message("now", this->at(1))}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->at(5)));
  EXPECT_EQ(this->ids_of(claimed.deliveries), this->ids_for({"now"}));
}

TYPED_TEST_P(QueueStoreDelaysAndCounts, DelayedMessageIsCountedAsDelayed) {
  SLUICE_ASSERT_OK(
      this->append(this->q_, {this->message("late", this->at(0), TestFixture::kDelay)}));
  this->expect_counts(this->at(0), 0, 0, 1);
}

TYPED_TEST_P(QueueStoreDelaysAndCounts, DelayedMessageIsCountedAsVisibleOnceItsDelayPasses) {
  SLUICE_ASSERT_OK(
      this->append(this->q_, {this->message("late", this->at(0), TestFixture::kDelay)}));
  this->expect_counts(this->at(10'000), 1, 0, 0);
}

TYPED_TEST_P(QueueStoreDelaysAndCounts, CountsOfAnEmptyQueueAreZero) {
  this->expect_counts(this->at(0), 0, 0, 0);
}

TYPED_TEST_P(QueueStoreDelaysAndCounts, CountsSplitVisibleInFlightAndDelayed) {
  SLUICE_ASSERT_OK(
      this->append(this->q_, {this->message("a"), this->message("b"), this->message("c"),
                              this->message("late", this->at(0), TestFixture::kDelay)}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->at(0), 1));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  this->expect_counts(this->at(1), 2, 1, 1);
}

TYPED_TEST_P(QueueStoreDelaysAndCounts, InFlightMessageIsNeverCountedAsDelayed) {
  SLUICE_ASSERT_OK(this->append(this->q_, {this->message("a")}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->at(0)));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  this->expect_counts(this->at(1), 0, 1, 0);
  SLUICE_ASSERT_OK(this->set_visibility_one(this->q_, claimed.deliveries[0].receipt,
                                            this->at(600'000), this->at(2)));
  this->expect_counts(this->at(3), 0, 1, 0);
}

TYPED_TEST_P(QueueStoreDelaysAndCounts, MessageWhoseVisibilityExpiredIsCountedAsVisibleAgain) {
  SLUICE_ASSERT_OK(this->append(this->q_, {this->message("a")}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed,
                              this->claim(this->q_, this->at(0), 1, std::chrono::seconds(30)));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  this->expect_counts(this->at(29'999), 0, 1, 0);
  this->expect_counts(this->at(30'000), 1, 0, 0);
}

REGISTER_TYPED_TEST_SUITE_P(
    QueueStoreDelaysAndCounts, DelayedMessageIsNotClaimableBeforeItsVisibleAt,
    DelayedMessageBecomesClaimableAtItsVisibleAt, ClaimSkipsDelayedMessagesAndDeliversVisibleOnes,
    DelayedMessageIsCountedAsDelayed, DelayedMessageIsCountedAsVisibleOnceItsDelayPasses,
    CountsOfAnEmptyQueueAreZero, CountsSplitVisibleInFlightAndDelayed,
    InFlightMessageIsNeverCountedAsDelayed, MessageWhoseVisibilityExpiredIsCountedAsVisibleAgain);

}  // namespace sluice::conformance
