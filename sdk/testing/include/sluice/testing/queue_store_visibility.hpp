// Conformance: visibility timeouts. A claimed message is invisible until now + visibility; when
// that passes it is claimable again with receive_count + 1 and a new receipt. set_visibility moves
// the deadline of the current delivery only while it is still in flight.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "sluice/testing/queue_store_fixture.hpp"

namespace sluice::conformance {

template <typename Factory>
class QueueStoreVisibility : public QueueStoreTest<Factory> {
 protected:
  // Creates the queue, appends one message at t0 and claims it at t0 with a 30 s visibility.
  void SetUp() override {
    QueueStoreTest<Factory>::SetUp();
    if (this->HasFatalFailure()) return;
    SLUICE_ASSERT_OK(this->create_queue("vis"));
    q_ = this->queue_name("vis");
    SLUICE_ASSERT_OK(this->append(q_, {this->message("m")}));
    SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed,
                                this->claim(q_, this->at(0), 1, std::chrono::seconds(30)));
    ASSERT_EQ(claimed.deliveries.size(), 1u);
    first_ = claimed.deliveries[0];
  }
  // Claims at `now` and returns the deliveries (empty on failure, which is also reported).
  std::vector<sdk::Delivery> claim_at(sdk::TimePoint now) {
    auto claimed = this->claim(q_, now, 10, std::chrono::seconds(30));
    EXPECT_TRUE(claimed.ok()) << describe(claimed);
    return claimed.ok() ? claimed->deliveries : std::vector<sdk::Delivery>{};
  }
  std::string q_;
  sdk::Delivery first_;
};
TYPED_TEST_SUITE_P(QueueStoreVisibility);

TYPED_TEST_P(QueueStoreVisibility, ClaimedMessageStaysInvisibleUntilItsVisibilityExpires) {
  EXPECT_TRUE(this->claim_at(this->at(1)).empty());
  EXPECT_TRUE(this->claim_at(this->at(29'999)).empty());
}

TYPED_TEST_P(QueueStoreVisibility,
             ExpiredVisibilityRedeliversWithTheNextReceiveCountAndANewReceipt) {
  auto again = this->claim_at(this->at(30'000));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].message_id, this->first_.message_id);
  EXPECT_EQ(again[0].envelope, this->envelope("m"));
  EXPECT_EQ(again[0].receive_count, 2u);
  EXPECT_NE(again[0].receipt, this->first_.receipt);
  EXPECT_EQ(again[0].first_received_at, this->at(0));
}

TYPED_TEST_P(QueueStoreVisibility, SetVisibilityExtendsTheDeadline) {
  SLUICE_ASSERT_OK(
      this->set_visibility_one(this->q_, this->first_.receipt, this->at(60'000), this->at(1'000)));
  EXPECT_TRUE(this->claim_at(this->at(30'000)).empty());
  EXPECT_TRUE(this->claim_at(this->at(59'999)).empty());
  EXPECT_EQ(this->claim_at(this->at(60'000)).size(), 1u);
}

TYPED_TEST_P(QueueStoreVisibility, SetVisibilityShortensTheDeadline) {
  SLUICE_ASSERT_OK(
      this->set_visibility_one(this->q_, this->first_.receipt, this->at(5'000), this->at(1'000)));
  EXPECT_TRUE(this->claim_at(this->at(4'999)).empty());
  EXPECT_EQ(this->claim_at(this->at(5'000)).size(), 1u);
}

TYPED_TEST_P(QueueStoreVisibility, SetVisibilityToNowReleasesTheMessageAtOnce) {
  SLUICE_ASSERT_OK(
      this->set_visibility_one(this->q_, this->first_.receipt, this->at(1'000), this->at(1'000)));
  auto again = this->claim_at(this->at(1'000));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].receive_count, 2u);
  EXPECT_NE(again[0].receipt, this->first_.receipt);
}

TYPED_TEST_P(QueueStoreVisibility, SetVisibilityAfterExpiryFailsWithMessageNotInflight) {
  SLUICE_EXPECT_ERROR(
      this->set_visibility_one(this->q_, this->first_.receipt, this->at(90'000), this->at(30'000)),
      sdk::ErrorCode::kMessageNotInflight);
  SLUICE_EXPECT_ERROR(
      this->set_visibility_one(this->q_, this->first_.receipt, this->at(90'000), this->at(45'000)),
      sdk::ErrorCode::kMessageNotInflight);
  EXPECT_EQ(this->claim_at(this->at(45'000)).size(), 1u) << "the refused change must not apply";
}

TYPED_TEST_P(QueueStoreVisibility, SetVisibilityOfARemovedMessageFailsWithReceiptHandleIsInvalid) {
  SLUICE_ASSERT_OK(this->remove_one(this->q_, this->first_.receipt));
  SLUICE_EXPECT_ERROR(
      this->set_visibility_one(this->q_, this->first_.receipt, this->at(60'000), this->at(1'000)),
      sdk::ErrorCode::kReceiptHandleIsInvalid);
}

TYPED_TEST_P(QueueStoreVisibility,
             SetVisibilityWithASupersededReceiptFailsAndLeavesTheNewDelivery) {
  auto again = this->claim_at(this->at(30'000));
  ASSERT_EQ(again.size(), 1u);
  SLUICE_EXPECT_ERROR(
      this->set_visibility_one(this->q_, this->first_.receipt, this->at(30'000), this->at(31'000)),
      sdk::ErrorCode::kReceiptHandleIsInvalid);
  EXPECT_TRUE(this->claim_at(this->at(31'000)).empty()) << "the stale receipt released the message";
  SLUICE_EXPECT_OK(
      this->set_visibility_one(this->q_, again[0].receipt, this->at(31'000), this->at(31'000)));
}

TYPED_TEST_P(QueueStoreVisibility, SetVisibilityReportsOneStatusPerChangeInOrder) {
  std::vector<sdk::VisibilityChange> changes{
      {"garbage-receipt", this->at(60'000)},
      {this->first_.receipt, this->at(60'000)},
  };
  SLUICE_ASSERT_OK_AND_ASSIGN(
      auto statuses, this->store().set_visibility(
                         this->q_, std::span<const sdk::VisibilityChange>(changes), this->at(1)));
  ASSERT_EQ(statuses.size(), 2u);
  SLUICE_EXPECT_ERROR(statuses[0], sdk::ErrorCode::kReceiptHandleIsInvalid);
  SLUICE_EXPECT_OK(statuses[1]);
  EXPECT_TRUE(this->claim_at(this->at(30'000)).empty());
}

TYPED_TEST_P(QueueStoreVisibility, ZeroVisibilityClaimLeavesTheMessageClaimableAtOnce) {
  SLUICE_ASSERT_OK(
      this->set_visibility_one(this->q_, this->first_.receipt, this->at(1), this->at(1)));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto zero,
                              this->claim(this->q_, this->at(2), 1, std::chrono::seconds(0)));
  ASSERT_EQ(zero.deliveries.size(), 1u);
  EXPECT_EQ(zero.deliveries[0].receive_count, 2u);
  auto again = this->claim_at(this->at(2));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].receive_count, 3u);
}

REGISTER_TYPED_TEST_SUITE_P(QueueStoreVisibility,
                            ClaimedMessageStaysInvisibleUntilItsVisibilityExpires,
                            ExpiredVisibilityRedeliversWithTheNextReceiveCountAndANewReceipt,
                            SetVisibilityExtendsTheDeadline, SetVisibilityShortensTheDeadline,
                            SetVisibilityToNowReleasesTheMessageAtOnce,
                            SetVisibilityAfterExpiryFailsWithMessageNotInflight,
                            SetVisibilityOfARemovedMessageFailsWithReceiptHandleIsInvalid,
                            SetVisibilityWithASupersededReceiptFailsAndLeavesTheNewDelivery,
                            SetVisibilityReportsOneStatusPerChangeInOrder,
                            ZeroVisibilityClaimLeavesTheMessageClaimableAtOnce);

}  // namespace sluice::conformance
