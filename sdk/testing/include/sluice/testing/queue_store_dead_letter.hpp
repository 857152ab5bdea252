// Conformance: receive limits. With max_receives > 0, a message already delivered max_receives
// times is moved to the dead-letter queue instead of being delivered again, in the same atomic
// step as the claim, and gets dead_letter_source = the source queue's name. A missing DLQ means the
// message is delivered as if no limit were set.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "sluice/testing/queue_store_fixture.hpp"

namespace sluice::conformance {

template <typename Factory>
class QueueStoreDeadLetter : public QueueStoreTest<Factory> {
 protected:
  static constexpr std::int64_t kVisibilityMs = 30'000;

  // Creates the source and DLQ (FIFO or not) and appends one message "m" to the source at t0.
  void make_queues(bool fifo) {
    SLUICE_ASSERT_OK(this->create_queue("src", fifo));
    SLUICE_ASSERT_OK(this->create_queue("dlq", fifo));
    src_ = this->queue_name("src", fifo);
    dlq_ = this->queue_name("dlq", fifo);
    auto m = fifo ? this->fifo_message("m", "g") : this->message("m");
    SLUICE_ASSERT_OK(this->append(src_, {m}));
  }
  // A claim at the `round`-th visibility period, with the receive limit set.
  sdk::ClaimSpec limited(int round, std::uint32_t max_receives, std::string dlq) const {
    auto spec = this->claim_spec(this->at(round * kVisibilityMs), 10,
                                 std::chrono::milliseconds(kVisibilityMs));
    spec.max_receives = max_receives;
    spec.dead_letter_queue = std::move(dlq);
    return spec;
  }
  // Receives "m" from the source `times` times (rounds 0..times-1), letting each visibility expire.
  void receive_times(int times, std::uint32_t max_receives) {
    for (int round = 0; round < times; ++round) {
      SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed,
                                  this->store().claim(src_, limited(round, max_receives, dlq_)));
      ASSERT_EQ(claimed.deliveries.size(), 1u) << "round " << round;
      EXPECT_EQ(claimed.deliveries[0].receive_count, static_cast<std::uint32_t>(round + 1));
      EXPECT_EQ(claimed.dead_lettered, 0u);
    }
  }
  std::string src_;
  std::string dlq_;
};
TYPED_TEST_SUITE_P(QueueStoreDeadLetter);

TYPED_TEST_P(QueueStoreDeadLetter, MessageUnderItsReceiveLimitIsDeliveredNormally) {
  ASSERT_NO_FATAL_FAILURE(this->make_queues(false));
  ASSERT_NO_FATAL_FAILURE(this->receive_times(3, 3));
}

TYPED_TEST_P(QueueStoreDeadLetter, MessageDeliveredMaxReceivesTimesIsMovedInsteadOfDelivered) {
  ASSERT_NO_FATAL_FAILURE(this->make_queues(false));
  ASSERT_NO_FATAL_FAILURE(this->receive_times(2, 2));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto third,
                              this->store().claim(this->src_, this->limited(2, 2, this->dlq_)));
  EXPECT_TRUE(third.deliveries.empty());
  EXPECT_EQ(third.dead_lettered, 1u);
}

TYPED_TEST_P(QueueStoreDeadLetter, DeadLetteredMessageLeavesTheSourceAndEntersTheDlqAtOnce) {
  ASSERT_NO_FATAL_FAILURE(this->make_queues(false));
  ASSERT_NO_FATAL_FAILURE(this->receive_times(1, 1));
  SLUICE_ASSERT_OK(this->store().claim(this->src_, this->limited(1, 1, this->dlq_)));
  const auto now = this->at(TestFixture::kVisibilityMs);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto source, this->store().counts(this->src_, now));
  EXPECT_EQ(source.visible + source.in_flight + source.delayed, 0u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto dlq, this->store().counts(this->dlq_, now));
  EXPECT_EQ(dlq.visible, 1u);
  EXPECT_EQ(dlq.in_flight + dlq.delayed, 0u);
}

TYPED_TEST_P(QueueStoreDeadLetter, DeadLetteredMessageKeepsItsEnvelopeAndNamesItsSource) {
  ASSERT_NO_FATAL_FAILURE(this->make_queues(false));
  ASSERT_NO_FATAL_FAILURE(this->receive_times(1, 1));
  SLUICE_ASSERT_OK(this->store().claim(this->src_, this->limited(1, 1, this->dlq_)));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->dlq_, this->at(40'000)));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  const sdk::Delivery& d = claimed.deliveries[0];
  EXPECT_EQ(d.message_id, this->message_id("m"));
  EXPECT_EQ(d.envelope, this->envelope("m"));
  EXPECT_EQ(d.dead_letter_source, this->src_);
}

TYPED_TEST_P(QueueStoreDeadLetter, StandardDeadLetteringKeepsTheOriginalSentAt) {
  ASSERT_NO_FATAL_FAILURE(this->make_queues(false));
  ASSERT_NO_FATAL_FAILURE(this->receive_times(1, 1));
  auto spec = this->limited(1, 1, this->dlq_);
  spec.dead_letter_resets_sent_at = false;
  SLUICE_ASSERT_OK(this->store().claim(this->src_, spec));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->dlq_, this->at(40'000)));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  EXPECT_EQ(claimed.deliveries[0].sent_at, this->at(0));
}

TYPED_TEST_P(QueueStoreDeadLetter, FifoDeadLetteringRestartsSentAtAndKeepsTheGroup) {
  ASSERT_NO_FATAL_FAILURE(this->make_queues(true));
  ASSERT_NO_FATAL_FAILURE(this->receive_times(1, 1));
  auto spec = this->limited(1, 1, this->dlq_);
  spec.dead_letter_resets_sent_at = true;
  SLUICE_ASSERT_OK_AND_ASSIGN(auto moved, this->store().claim(this->src_, spec));
  EXPECT_EQ(moved.dead_lettered, 1u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->dlq_, this->at(40'000)));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  EXPECT_EQ(claimed.deliveries[0].sent_at, this->at(TestFixture::kVisibilityMs));
  EXPECT_EQ(claimed.deliveries[0].group_id, "g");
  EXPECT_EQ(claimed.deliveries[0].envelope, this->envelope("m"));
  EXPECT_EQ(claimed.deliveries[0].dead_letter_source, this->src_);
}

TYPED_TEST_P(QueueStoreDeadLetter, MissingDeadLetterQueueMeansTheMessageIsDeliveredNormally) {
  ASSERT_NO_FATAL_FAILURE(this->make_queues(false));
  ASSERT_NO_FATAL_FAILURE(this->receive_times(1, 1));
  auto spec = this->limited(1, 1, this->queue_name("no-such-dlq"));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->store().claim(this->src_, spec));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  EXPECT_EQ(claimed.deliveries[0].receive_count, 2u);
  EXPECT_EQ(claimed.dead_lettered, 0u);
}

TYPED_TEST_P(QueueStoreDeadLetter, ReceiveLimitWithoutADeadLetterQueueNameIsInvalid) {
  ASSERT_NO_FATAL_FAILURE(this->make_queues(false));
  SLUICE_EXPECT_ERROR(this->store().claim(this->src_, this->limited(0, 1, "")),
                      sdk::ErrorCode::kInvalidParameterValue);
}

TYPED_TEST_P(QueueStoreDeadLetter, ClaimDeliversFreshMessagesWhileDeadLetteringOverLimitOnes) {
  ASSERT_NO_FATAL_FAILURE(this->make_queues(false));
  ASSERT_NO_FATAL_FAILURE(this->receive_times(1, 1));
  SLUICE_ASSERT_OK(this->append(this->src_, {this->message("fresh", this->at(1))}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed,
                              this->store().claim(this->src_, this->limited(1, 1, this->dlq_)));
  EXPECT_EQ(this->ids_of(claimed.deliveries), this->ids_for({"fresh"}));
  EXPECT_EQ(claimed.dead_lettered, 1u);
}

TYPED_TEST_P(QueueStoreDeadLetter, FifoGroupMovesOnWhenItsHeadIsDeadLettered) {
  ASSERT_NO_FATAL_FAILURE(this->make_queues(true));
  SLUICE_ASSERT_OK(this->append(this->src_, {this->fifo_message("next", "g", this->at(1))}));
  auto only_head = this->limited(0, 1, this->dlq_);
  only_head.max_messages = 1;
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first, this->store().claim(this->src_, only_head));
  ASSERT_EQ(this->ids_of(first.deliveries), this->ids_for({"m"}));
  // The head's visibility expires; it has now been delivered max_receives times.
  std::vector<sdk::Delivery> delivered;
  std::uint32_t dead_lettered = 0;
  for (int attempt = 0; attempt < 2 && delivered.empty(); ++attempt) {
    SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed,
                                this->store().claim(this->src_, this->limited(1, 1, this->dlq_)));
    dead_lettered += claimed.dead_lettered;
    delivered = claimed.deliveries;
  }
  EXPECT_EQ(dead_lettered, 1u);
  ASSERT_FALSE(delivered.empty()) << "the group stayed blocked after its head was dead-lettered";
  EXPECT_EQ(delivered[0].message_id, this->message_id("next"));
}

REGISTER_TYPED_TEST_SUITE_P(QueueStoreDeadLetter, MessageUnderItsReceiveLimitIsDeliveredNormally,
                            MessageDeliveredMaxReceivesTimesIsMovedInsteadOfDelivered,
                            DeadLetteredMessageLeavesTheSourceAndEntersTheDlqAtOnce,
                            DeadLetteredMessageKeepsItsEnvelopeAndNamesItsSource,
                            StandardDeadLetteringKeepsTheOriginalSentAt,
                            FifoDeadLetteringRestartsSentAtAndKeepsTheGroup,
                            MissingDeadLetterQueueMeansTheMessageIsDeliveredNormally,
                            ReceiveLimitWithoutADeadLetterQueueNameIsInvalid,
                            ClaimDeliversFreshMessagesWhileDeadLetteringOverLimitOnes,
                            FifoGroupMovesOnWhenItsHeadIsDeadLettered);

}  // namespace sluice::conformance
