// Conformance: the standard append -> claim -> remove cycle, claim exclusivity, batch appends and
// the in-flight limit.
#pragma once

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "sluice/testing/queue_store_fixture.hpp"

namespace sluice::conformance {

template <typename Factory>
class QueueStoreMessages : public QueueStoreTest<Factory> {
 protected:
  void SetUp() override {
    QueueStoreTest<Factory>::SetUp();
    if (this->HasFatalFailure()) return;
    SLUICE_ASSERT_OK(this->create_queue("std"));
    q_ = this->queue_name("std");
  }
  std::string q_;
};
TYPED_TEST_SUITE_P(QueueStoreMessages);

TYPED_TEST_P(QueueStoreMessages, AppendedMessageIsDeliveredWithItsEnvelopeIntact) {
  SLUICE_ASSERT_OK(this->append(this->q_, {this->message("a", this->at(0), sdk::Millis(0), "t1")}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->at(5)));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  const sdk::Delivery& d = claimed.deliveries[0];
  EXPECT_EQ(d.message_id, this->message_id("a"));
  EXPECT_EQ(d.envelope, this->envelope("a"));
  EXPECT_EQ(d.group_id, "t1");
  EXPECT_EQ(d.sent_at, this->at(0));
  EXPECT_EQ(d.receive_count, 1u);
  EXPECT_EQ(d.first_received_at, this->at(5));
  EXPECT_FALSE(d.receipt.empty());
  EXPECT_TRUE(d.dead_letter_source.empty());
  EXPECT_EQ(claimed.dead_lettered, 0u);
}

TYPED_TEST_P(QueueStoreMessages, AppendReturnsOneOutcomePerMessageInOrder) {
  SLUICE_ASSERT_OK_AND_ASSIGN(
      auto outcomes,
      this->append(this->q_, {this->message("x"), this->message("y"), this->message("z")}));
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes[0].message_id, this->message_id("x"));
  EXPECT_EQ(outcomes[1].message_id, this->message_id("y"));
  EXPECT_EQ(outcomes[2].message_id, this->message_id("z"));
  for (const auto& outcome : outcomes) EXPECT_FALSE(outcome.duplicate);
}

TYPED_TEST_P(QueueStoreMessages, BatchAppendMakesEveryMessageAvailable) {
  std::vector<sdk::NewMessage> batch;
  std::vector<std::string> expected;
  for (int i = 0; i < 10; ++i) {
    batch.push_back(this->message("b" + std::to_string(i)));
    expected.push_back(this->message_id("b" + std::to_string(i)));
  }
  SLUICE_ASSERT_OK(this->append(this->q_, batch));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto counts, this->store().counts(this->q_, this->at(0)));
  EXPECT_EQ(counts.visible, 10u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->at(0), 10));
  auto ids = this->ids_of(claimed.deliveries);
  std::sort(ids.begin(), ids.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);
}

TYPED_TEST_P(QueueStoreMessages, ClaimOnAnEmptyQueueReturnsNothing) {
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->at(0)));
  EXPECT_TRUE(claimed.deliveries.empty());
  EXPECT_EQ(claimed.dead_lettered, 0u);
}

TYPED_TEST_P(QueueStoreMessages, ClaimReturnsAtMostMaxMessages) {
  SLUICE_ASSERT_OK(
      this->append(this->q_, {this->message("1"), this->message("2"), this->message("3"),
                              this->message("4"), this->message("5")}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first, this->claim(this->q_, this->at(0), 3));
  EXPECT_EQ(first.deliveries.size(), 3u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto second, this->claim(this->q_, this->at(0), 3));
  EXPECT_EQ(second.deliveries.size(), 2u);
}

TYPED_TEST_P(QueueStoreMessages, ClaimNeverReturnsAMessageHeldByAnotherConsumer) {
  SLUICE_ASSERT_OK(this->append(this->q_, {this->message("held")}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first, this->claim(this->q_, this->at(0)));
  ASSERT_EQ(first.deliveries.size(), 1u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto second, this->claim(this->q_, this->at(10'000)));
  EXPECT_TRUE(second.deliveries.empty());
}

TYPED_TEST_P(QueueStoreMessages, SuccessiveClaimsReturnDistinctMessages) {
  SLUICE_ASSERT_OK(
      this->append(this->q_, {this->message("a"), this->message("b"), this->message("c")}));
  std::set<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->at(i), 1));
    ASSERT_EQ(claimed.deliveries.size(), 1u);
    EXPECT_TRUE(seen.insert(claimed.deliveries[0].message_id).second)
        << claimed.deliveries[0].message_id << " delivered twice";
  }
  SLUICE_ASSERT_OK_AND_ASSIGN(auto fourth, this->claim(this->q_, this->at(3), 1));
  EXPECT_TRUE(fourth.deliveries.empty());
}

TYPED_TEST_P(QueueStoreMessages, StandardClaimReturnsTheOldestVisibleMessageFirst) {
  // Tags are chosen so that id order differs from send order.
  SLUICE_ASSERT_OK(this->append(this->q_, {this->message("c", this->at(0))}));
  SLUICE_ASSERT_OK(this->append(this->q_, {this->message("a", this->at(1))}));
  SLUICE_ASSERT_OK(this->append(this->q_, {this->message("b", this->at(2))}));
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->at(10), 1));
    ASSERT_EQ(claimed.deliveries.size(), 1u);
    order.push_back(claimed.deliveries[0].message_id);
  }
  EXPECT_EQ(order, this->ids_for({"c", "a", "b"}));
}

TYPED_TEST_P(QueueStoreMessages, RemovedMessageIsNeverDeliveredAgain) {
  SLUICE_ASSERT_OK(this->append(this->q_, {this->message("gone")}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->at(0)));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  SLUICE_EXPECT_OK(this->remove_one(this->q_, claimed.deliveries[0].receipt));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto later, this->claim(this->q_, this->at(3'600'000)));
  EXPECT_TRUE(later.deliveries.empty());
  SLUICE_ASSERT_OK_AND_ASSIGN(auto counts, this->store().counts(this->q_, this->at(3'600'000)));
  EXPECT_EQ(counts.visible + counts.in_flight + counts.delayed, 0u);
}

TYPED_TEST_P(QueueStoreMessages, RemoveReportsOneStatusPerReceiptInOrder) {
  SLUICE_ASSERT_OK(this->append(this->q_, {this->message("a"), this->message("b")}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->at(0)));
  ASSERT_EQ(claimed.deliveries.size(), 2u);
  std::vector<std::string> receipts{claimed.deliveries[0].receipt, "not-a-receipt",
                                    claimed.deliveries[1].receipt};
  SLUICE_ASSERT_OK_AND_ASSIGN(
      auto statuses, this->store().remove(this->q_, std::span<const std::string>(receipts)));
  ASSERT_EQ(statuses.size(), 3u);
  SLUICE_EXPECT_OK(statuses[0]);
  SLUICE_EXPECT_ERROR(statuses[1], sdk::ErrorCode::kReceiptHandleIsInvalid);
  SLUICE_EXPECT_OK(statuses[2]);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto counts, this->store().counts(this->q_, this->at(0)));
  EXPECT_EQ(counts.in_flight, 0u);
}

TYPED_TEST_P(QueueStoreMessages, StandardQueueDoesNotLockMessagesByGroup) {
  SLUICE_ASSERT_OK(this->append(this->q_, {this->message("g1", this->at(0), sdk::Millis(0), "g"),
                                           this->message("g2", this->at(0), sdk::Millis(0), "g")}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first, this->claim(this->q_, this->at(0), 1));
  ASSERT_EQ(first.deliveries.size(), 1u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto second, this->claim(this->q_, this->at(0), 1));
  ASSERT_EQ(second.deliveries.size(), 1u);
  EXPECT_NE(first.deliveries[0].message_id, second.deliveries[0].message_id);
}

TYPED_TEST_P(QueueStoreMessages, ClaimAtTheInFlightLimitFailsWithOverLimit) {
  SLUICE_ASSERT_OK(
      this->append(this->q_, {this->message("a"), this->message("b"), this->message("c")}));
  auto spec = this->claim_spec(this->at(0), 2);
  spec.in_flight_limit = 2;
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first, this->store().claim(this->q_, spec));
  ASSERT_EQ(first.deliveries.size(), 2u);
  SLUICE_EXPECT_ERROR(this->store().claim(this->q_, spec), sdk::ErrorCode::kOverLimit);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto counts, this->store().counts(this->q_, this->at(0)));
  EXPECT_EQ(counts.visible, 1u);
  EXPECT_EQ(counts.in_flight, 2u);
}

TYPED_TEST_P(QueueStoreMessages, InFlightLimitFreesUpWhenAMessageIsRemoved) {
  SLUICE_ASSERT_OK(this->append(this->q_, {this->message("a"), this->message("b")}));
  auto spec = this->claim_spec(this->at(0), 1);
  spec.in_flight_limit = 1;
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first, this->store().claim(this->q_, spec));
  ASSERT_EQ(first.deliveries.size(), 1u);
  SLUICE_ASSERT_OK(this->remove_one(this->q_, first.deliveries[0].receipt));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto second, this->store().claim(this->q_, spec));
  EXPECT_EQ(second.deliveries.size(), 1u);
}

REGISTER_TYPED_TEST_SUITE_P(
    QueueStoreMessages, AppendedMessageIsDeliveredWithItsEnvelopeIntact,
    AppendReturnsOneOutcomePerMessageInOrder, BatchAppendMakesEveryMessageAvailable,
    ClaimOnAnEmptyQueueReturnsNothing, ClaimReturnsAtMostMaxMessages,
    ClaimNeverReturnsAMessageHeldByAnotherConsumer, SuccessiveClaimsReturnDistinctMessages,
    StandardClaimReturnsTheOldestVisibleMessageFirst, RemovedMessageIsNeverDeliveredAgain,
    RemoveReportsOneStatusPerReceiptInOrder, StandardQueueDoesNotLockMessagesByGroup,
    ClaimAtTheInFlightLimitFailsWithOverLimit, InFlightLimitFreesUpWhenAMessageIsRemoved);

}  // namespace sluice::conformance
