// Conformance: FIFO queues. Strict order per message group; a group with any message in flight
// yields nothing until that message is removed or its visibility expires (then the same head comes
// back first); other groups proceed; sequence numbers are decimal and strictly increasing.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "sluice/testing/queue_store_fixture.hpp"

namespace sluice::conformance {

template <typename Factory>
class QueueStoreFifo : public QueueStoreTest<Factory> {
 protected:
  void SetUp() override {
    QueueStoreTest<Factory>::SetUp();
    if (this->HasFatalFailure()) return;
    SLUICE_ASSERT_OK(this->create_queue("ordered", true));
    q_ = this->queue_name("ordered", true);
  }
  // Appends each tag as its own call, in order, to group `group`, one millisecond apart.
  void append_each(const std::vector<std::string>& tags, const std::string& group) {
    for (const auto& tag : tags) {
      SLUICE_ASSERT_OK(this->append(q_, {this->fifo_message(tag, group, this->at(next_ms_))},
                                    this->at(next_ms_)));
      ++next_ms_;
    }
  }
  // Claims one message at a time and removes it, until the queue yields nothing.
  std::vector<std::string> drain_one_by_one(sdk::TimePoint now) {
    std::vector<std::string> order;
    for (int i = 0; i < 100; ++i) {
      auto claimed = this->claim(q_, now, 1);
      EXPECT_TRUE(claimed.ok()) << describe(claimed);
      if (!claimed.ok() || claimed->deliveries.empty()) break;
      order.push_back(claimed->deliveries[0].message_id);
      EXPECT_TRUE(this->remove_one(q_, claimed->deliveries[0].receipt).ok());
    }
    return order;
  }
  std::string q_;
  std::int64_t next_ms_ = 0;
};
TYPED_TEST_SUITE_P(QueueStoreFifo);

TYPED_TEST_P(QueueStoreFifo, OneGroupIsDeliveredInSendOrder) {
  ASSERT_NO_FATAL_FAILURE(this->append_each({"e", "d", "a", "c", "b"}, "g"));
  EXPECT_EQ(this->drain_one_by_one(this->at(100)), this->ids_for({"e", "d", "a", "c", "b"}));
}

TYPED_TEST_P(QueueStoreFifo, BatchAppendKeepsBatchOrder) {
  std::vector<sdk::NewMessage> batch;
  for (const char* tag : {"z", "y", "x", "w"}) batch.push_back(this->fifo_message(tag, "g"));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto outcomes, this->append(this->q_, batch));
  ASSERT_EQ(outcomes.size(), 4u);
  for (std::size_t i = 1; i < outcomes.size(); ++i) {
    EXPECT_TRUE(decimal_less(outcomes[i - 1].sequence, outcomes[i].sequence))
        << outcomes[i - 1].sequence << " then " << outcomes[i].sequence;
  }
  EXPECT_EQ(this->drain_one_by_one(this->at(1)), this->ids_for({"z", "y", "x", "w"}));
}

TYPED_TEST_P(QueueStoreFifo, GroupWithAMessageInFlightYieldsNothing) {
  ASSERT_NO_FATAL_FAILURE(this->append_each({"a1", "a2"}, "a"));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first, this->claim(this->q_, this->at(10), 1));
  ASSERT_EQ(this->ids_of(first.deliveries), this->ids_for({"a1"}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto second, this->claim(this->q_, this->at(11), 10));
  EXPECT_TRUE(second.deliveries.empty());
}

TYPED_TEST_P(QueueStoreFifo, OtherGroupsProceedWhileOneIsBlocked) {
  ASSERT_NO_FATAL_FAILURE(this->append_each({"a1", "a2"}, "a"));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first, this->claim(this->q_, this->at(10), 1));
  ASSERT_EQ(this->ids_of(first.deliveries), this->ids_for({"a1"}));
  ASSERT_NO_FATAL_FAILURE(this->append_each({"b1"}, "b"));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto second, this->claim(this->q_, this->at(11), 10));
  EXPECT_EQ(this->ids_of(second.deliveries), this->ids_for({"b1"}));
}

TYPED_TEST_P(QueueStoreFifo, GroupUnblocksWhenItsInFlightMessageIsRemoved) {
  ASSERT_NO_FATAL_FAILURE(this->append_each({"a1", "a2"}, "a"));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first, this->claim(this->q_, this->at(10), 1));
  ASSERT_EQ(first.deliveries.size(), 1u);
  SLUICE_ASSERT_OK(this->remove_one(this->q_, first.deliveries[0].receipt));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto second, this->claim(this->q_, this->at(11), 1));
  EXPECT_EQ(this->ids_of(second.deliveries), this->ids_for({"a2"}));
}

TYPED_TEST_P(QueueStoreFifo, GroupUnblocksWhenVisibilityExpiresAndTheSameHeadReturnsFirst) {
  ASSERT_NO_FATAL_FAILURE(this->append_each({"a1", "a2"}, "a"));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first,
                              this->claim(this->q_, this->at(10), 1, std::chrono::seconds(30)));
  ASSERT_EQ(this->ids_of(first.deliveries), this->ids_for({"a1"}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto blocked, this->claim(this->q_, this->at(30'009), 10));
  EXPECT_TRUE(blocked.deliveries.empty());
  SLUICE_ASSERT_OK_AND_ASSIGN(auto again, this->claim(this->q_, this->at(30'010), 10));
  ASSERT_FALSE(again.deliveries.empty());
  EXPECT_EQ(again.deliveries[0].message_id, this->message_id("a1"));
  EXPECT_EQ(again.deliveries[0].receive_count, 2u);
  if (again.deliveries.size() > 1) {
    EXPECT_EQ(again.deliveries[1].message_id, this->message_id("a2"));
  }
}

TYPED_TEST_P(QueueStoreFifo, ClaimTakesOnlyConsecutiveMessagesOfAGroupInOrder) {
  ASSERT_NO_FATAL_FAILURE(this->append_each({"a1", "a2", "a3", "a4"}, "a"));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first, this->claim(this->q_, this->at(10), 3));
  ASSERT_FALSE(first.deliveries.empty());
  ASSERT_LE(first.deliveries.size(), 3u);
  const auto all = this->ids_for({"a1", "a2", "a3", "a4"});
  auto got = this->ids_of(first.deliveries);
  EXPECT_EQ(got, std::vector<std::string>(all.begin(), all.begin() + got.size()));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto blocked, this->claim(this->q_, this->at(11), 10));
  EXPECT_TRUE(blocked.deliveries.empty());
  for (const auto& d : first.deliveries) SLUICE_ASSERT_OK(this->remove_one(this->q_, d.receipt));
  auto rest = this->drain_one_by_one(this->at(12));
  got.insert(got.end(), rest.begin(), rest.end());
  EXPECT_EQ(got, all);
}

TYPED_TEST_P(QueueStoreFifo, SequenceNumbersIncreaseStrictlyAsNumbers) {
  std::vector<std::string> sequences;
  for (int call = 0; call < 4; ++call) {
    std::vector<sdk::NewMessage> batch;
    for (int i = 0; i < 4; ++i) {
      const std::string tag = "s" + std::to_string(call * 4 + i);
      batch.push_back(this->fifo_message(tag, i % 2 == 0 ? "even" : "odd", this->at(call)));
    }
    SLUICE_ASSERT_OK_AND_ASSIGN(auto outcomes, this->append(this->q_, batch, this->at(call)));
    ASSERT_EQ(outcomes.size(), 4u);
    for (const auto& outcome : outcomes) sequences.push_back(outcome.sequence);
  }
  for (std::size_t i = 0; i < sequences.size(); ++i) {
    EXPECT_TRUE(is_decimal(sequences[i])) << "sequence '" << sequences[i] << "' is not decimal";
    if (i > 0) {
      EXPECT_TRUE(decimal_less(sequences[i - 1], sequences[i]))
          << sequences[i - 1] << " then " << sequences[i];
    }
  }
}

TYPED_TEST_P(QueueStoreFifo, DeliveryCarriesItsSequenceGroupAndDedupKey) {
  SLUICE_ASSERT_OK_AND_ASSIGN(
      auto outcomes,
      this->append(this->q_, {this->fifo_message("m", "grp", this->at(0), "key-1")}));
  ASSERT_EQ(outcomes.size(), 1u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(this->q_, this->at(1)));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  const sdk::Delivery& d = claimed.deliveries[0];
  EXPECT_EQ(d.sequence, outcomes[0].sequence);
  EXPECT_EQ(d.group_id, "grp");
  EXPECT_EQ(d.dedup_key, "key-1");
  EXPECT_EQ(d.envelope, this->envelope("m"));
}

REGISTER_TYPED_TEST_SUITE_P(QueueStoreFifo, OneGroupIsDeliveredInSendOrder,
                            BatchAppendKeepsBatchOrder, GroupWithAMessageInFlightYieldsNothing,
                            OtherGroupsProceedWhileOneIsBlocked,
                            GroupUnblocksWhenItsInFlightMessageIsRemoved,
                            GroupUnblocksWhenVisibilityExpiresAndTheSameHeadReturnsFirst,
                            ClaimTakesOnlyConsecutiveMessagesOfAGroupInOrder,
                            SequenceNumbersIncreaseStrictlyAsNumbers,
                            DeliveryCarriesItsSequenceGroupAndDedupKey);

}  // namespace sluice::conformance
