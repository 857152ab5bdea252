// Conformance: FIFO deduplication. A dedup key appended within the window is not stored again; the
// duplicate's outcome repeats the original id and sequence. The window counts from the original
// append (a duplicate does not extend it, as SQS), keys outlive the removal of their message, and
// each queue has its own keys.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "sluice/testing/queue_store_fixture.hpp"

namespace sluice::conformance {

template <typename Factory>
class QueueStoreDedup : public QueueStoreTest<Factory> {
 protected:
  static constexpr std::chrono::minutes kWindow{5};

  void SetUp() override {
    QueueStoreTest<Factory>::SetUp();
    if (this->HasFatalFailure()) return;
    SLUICE_ASSERT_OK(this->create_queue("dedup", true));
    q_ = this->queue_name("dedup", true);
  }
  // Appends message `tag` with dedup key "same" at `now` and returns its single outcome.
  sdk::AppendOutcome send_same(const std::string& queue, std::string_view tag, sdk::TimePoint now) {
    auto outcomes = this->append(queue, {this->fifo_message(tag, "g", now, "same")}, now, kWindow);
    EXPECT_TRUE(outcomes.ok()) << describe(outcomes);
    if (!outcomes.ok() || outcomes->size() != 1) {
      ADD_FAILURE() << "append of " << tag << " gave no single outcome";
      return {};
    }
    return outcomes->front();
  }
  std::uint64_t stored(const std::string& queue, sdk::TimePoint now) {
    auto counts = this->store().counts(queue, now);
    EXPECT_TRUE(counts.ok()) << describe(counts);
    return counts.ok() ? counts->visible + counts->in_flight + counts->delayed : 0;
  }
  static sdk::TimePoint minutes(int m) { return QueueStoreTest<Factory>::at(m * 60'000); }
  std::string q_;
};
TYPED_TEST_SUITE_P(QueueStoreDedup);

TYPED_TEST_P(QueueStoreDedup, DuplicateWithinTheWindowRepeatsTheOriginalIdAndSequence) {
  const auto original = this->send_same(this->q_, "first", this->minutes(0));
  const auto duplicate = this->send_same(this->q_, "second", this->minutes(1));
  EXPECT_FALSE(original.duplicate);
  EXPECT_TRUE(duplicate.duplicate);
  EXPECT_EQ(duplicate.message_id, this->message_id("first"));
  EXPECT_EQ(duplicate.sequence, original.sequence);
}

TYPED_TEST_P(QueueStoreDedup, DuplicateWithinTheWindowIsNotStored) {
  (void)this->send_same(this->q_, "first", this->minutes(0));
  (void)this->send_same(this->q_, "second", this->minutes(4));
  EXPECT_EQ(this->stored(this->q_, this->minutes(4)), 1u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->minutes(4)));
  EXPECT_EQ(this->ids_of(claimed.deliveries), this->ids_for({"first"}));
}

TYPED_TEST_P(QueueStoreDedup, SameKeyAfterTheWindowIsStoredAsANewMessage) {
  const auto original = this->send_same(this->q_, "first", this->minutes(0));
  const auto later = this->send_same(this->q_, "second", this->minutes(6));
  EXPECT_FALSE(later.duplicate);
  EXPECT_EQ(later.message_id, this->message_id("second"));
  EXPECT_TRUE(decimal_less(original.sequence, later.sequence));
  EXPECT_EQ(this->stored(this->q_, this->minutes(6)), 2u);
}

TYPED_TEST_P(QueueStoreDedup, DuplicateDoesNotExtendTheWindow) {
  (void)this->send_same(this->q_, "first", this->minutes(0));
  EXPECT_TRUE(this->send_same(this->q_, "second", this->minutes(4)).duplicate);
  const auto third = this->send_same(this->q_, "third", this->minutes(6));
  EXPECT_FALSE(third.duplicate);
  EXPECT_EQ(third.message_id, this->message_id("third"));
}

TYPED_TEST_P(QueueStoreDedup, DedupIsRememberedAfterTheOriginalIsRemoved) {
  (void)this->send_same(this->q_, "first", this->minutes(0));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->minutes(0)));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  SLUICE_ASSERT_OK(this->remove_one(this->q_, claimed.deliveries[0].receipt));
  const auto again = this->send_same(this->q_, "second", this->minutes(2));
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.message_id, this->message_id("first"));
  EXPECT_EQ(this->stored(this->q_, this->minutes(2)), 0u);
}

TYPED_TEST_P(QueueStoreDedup, DuplicateInsideOneBatchIsStoredOnce) {
  SLUICE_ASSERT_OK_AND_ASSIGN(
      auto outcomes, this->append(this->q_,
                                  {this->fifo_message("first", "g", this->at(0), "same"),
                                   this->fifo_message("second", "g", this->at(0), "same"),
                                   this->fifo_message("other", "g", this->at(0), "different")},
                                  this->at(0), TestFixture::kWindow));
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_FALSE(outcomes[0].duplicate);
  EXPECT_TRUE(outcomes[1].duplicate);
  EXPECT_EQ(outcomes[1].message_id, this->message_id("first"));
  EXPECT_EQ(outcomes[1].sequence, outcomes[0].sequence);
  EXPECT_FALSE(outcomes[2].duplicate);
  EXPECT_EQ(this->stored(this->q_, this->at(0)), 2u);
}

TYPED_TEST_P(QueueStoreDedup, DedupKeysBelongToTheirQueue) {
  SLUICE_ASSERT_OK(this->create_queue("elsewhere", true));
  const std::string other = this->queue_name("elsewhere", true);
  (void)this->send_same(this->q_, "here", this->minutes(0));
  const auto there = this->send_same(other, "there", this->minutes(1));
  EXPECT_FALSE(there.duplicate);
  EXPECT_EQ(there.message_id, this->message_id("there"));
  EXPECT_EQ(this->stored(other, this->minutes(1)), 1u);
}

TYPED_TEST_P(QueueStoreDedup, DifferentKeysAreBothStored) {
  SLUICE_ASSERT_OK_AND_ASSIGN(
      auto outcomes, this->append(this->q_, {this->fifo_message("a", "g", this->at(0), "k1"),
                                             this->fifo_message("b", "g", this->at(0), "k2")}));
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_FALSE(outcomes[0].duplicate);
  EXPECT_FALSE(outcomes[1].duplicate);
  EXPECT_EQ(this->stored(this->q_, this->at(0)), 2u);
}

REGISTER_TYPED_TEST_SUITE_P(
    QueueStoreDedup, DuplicateWithinTheWindowRepeatsTheOriginalIdAndSequence,
    DuplicateWithinTheWindowIsNotStored, SameKeyAfterTheWindowIsStoredAsANewMessage,
    DuplicateDoesNotExtendTheWindow, DedupIsRememberedAfterTheOriginalIsRemoved,
    DuplicateInsideOneBatchIsStoredOnce, DedupKeysBelongToTheirQueue, DifferentKeysAreBothStored);

}  // namespace sluice::conformance
