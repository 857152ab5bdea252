// Conformance: receipts. A receipt identifies one delivery of one message in one queue
// generation. Garbage, receipts of another queue or of a deleted-and-recreated queue, and
// receipts superseded by a later delivery are kReceiptHandleIsInvalid; a valid receipt of a
// message that is already gone is accepted (remove is idempotent).
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "sluice/testing/queue_store_fixture.hpp"

namespace sluice::conformance {

template <typename Factory>
class QueueStoreReceipts : public QueueStoreTest<Factory> {
 protected:
  // Creates queue `role` with one message and returns the receipt of its first delivery at t0.
  std::string claimed_receipt(std::string_view role, std::string_view tag) {
    if (!this->create_queue(role).ok()) {
      ADD_FAILURE() << "create_queue(" << role << ") failed";
      return {};
    }
    const std::string q = this->queue_name(role);
    auto appended = this->append(q, {this->message(tag)});
    EXPECT_TRUE(appended.ok()) << describe(appended);
    auto claimed = this->claim(q, this->at(0), 1, std::chrono::seconds(30));
    EXPECT_TRUE(claimed.ok()) << describe(claimed);
    if (!claimed.ok() || claimed->deliveries.size() != 1) {
      ADD_FAILURE() << "could not claim the message in " << q;
      return {};
    }
    return claimed->deliveries[0].receipt;
  }
  std::uint64_t in_flight(const std::string& q, sdk::TimePoint now) {
    auto counts = this->store().counts(q, now);
    EXPECT_TRUE(counts.ok()) << describe(counts);
    return counts.ok() ? counts->in_flight : 0;
  }
};
TYPED_TEST_SUITE_P(QueueStoreReceipts);

TYPED_TEST_P(QueueStoreReceipts, RemoveWithASupersededReceiptIsRejectedAndDeletesNothing) {
  const std::string stale = this->claimed_receipt("q", "m");
  ASSERT_FALSE(stale.empty());
  const std::string q = this->queue_name("q");
  SLUICE_ASSERT_OK_AND_ASSIGN(auto again, this->claim(q, this->at(30'000)));
  ASSERT_EQ(again.deliveries.size(), 1u);
  SLUICE_EXPECT_ERROR(this->remove_one(q, stale), sdk::ErrorCode::kReceiptHandleIsInvalid);
  EXPECT_EQ(this->in_flight(q, this->at(30'001)), 1u);
  SLUICE_EXPECT_OK(this->remove_one(q, again.deliveries[0].receipt));
  EXPECT_EQ(this->in_flight(q, this->at(30'001)), 0u);
}

TYPED_TEST_P(QueueStoreReceipts, GarbageReceiptsAreRejectedByRemove) {
  const std::string real = this->claimed_receipt("q", "m");
  ASSERT_FALSE(real.empty());
  const std::string q = this->queue_name("q");
  const std::vector<std::string> garbage{
      "",
      "x",
      "not-a-receipt",
      std::string("\0\0\0\0", 4),
      std::string(2048, 'A'),
      "\xff\xfe\xfd",
      real.substr(0, real.size() / 2),
  };
  for (const std::string& receipt : garbage) {
    SCOPED_TRACE("receipt of " + std::to_string(receipt.size()) + " bytes");
    if (receipt == real) continue;
    SLUICE_EXPECT_ERROR(this->remove_one(q, receipt), sdk::ErrorCode::kReceiptHandleIsInvalid);
  }
  EXPECT_EQ(this->in_flight(q, this->at(1)), 1u);
}

TYPED_TEST_P(QueueStoreReceipts, GarbageReceiptsAreRejectedBySetVisibility) {
  ASSERT_FALSE(this->claimed_receipt("q", "m").empty());
  const std::string q = this->queue_name("q");
  for (const std::string& receipt : {std::string(""), std::string("forged"),
                                     std::string("\x01\x02\x03", 3), std::string(512, 'z')}) {
    SCOPED_TRACE("receipt of " + std::to_string(receipt.size()) + " bytes");
    SLUICE_EXPECT_ERROR(this->set_visibility_one(q, receipt, this->at(5), this->at(1)),
                        sdk::ErrorCode::kReceiptHandleIsInvalid);
  }
}

TYPED_TEST_P(QueueStoreReceipts, ReceiptOfAnotherQueueIsRejected) {
  const std::string of_a = this->claimed_receipt("a", "ma");
  const std::string of_b = this->claimed_receipt("b", "mb");
  ASSERT_FALSE(of_a.empty());
  ASSERT_FALSE(of_b.empty());
  const std::string qa = this->queue_name("a");
  const std::string qb = this->queue_name("b");
  SLUICE_EXPECT_ERROR(this->remove_one(qb, of_a), sdk::ErrorCode::kReceiptHandleIsInvalid);
  SLUICE_EXPECT_ERROR(this->set_visibility_one(qb, of_a, this->at(1), this->at(1)),
                      sdk::ErrorCode::kReceiptHandleIsInvalid);
  EXPECT_EQ(this->in_flight(qa, this->at(2)), 1u);
  EXPECT_EQ(this->in_flight(qb, this->at(2)), 1u);
}

TYPED_TEST_P(QueueStoreReceipts, ReceiptOfADeletedAndRecreatedQueueIsRejected) {
  const std::string old_receipt = this->claimed_receipt("reborn", "m");
  ASSERT_FALSE(old_receipt.empty());
  const std::string q = this->queue_name("reborn");
  SLUICE_ASSERT_OK(this->store().delete_queue(q));
  SLUICE_ASSERT_OK(this->create_queue("reborn"));
  // Same message id again, so a store that keys receipts by message id alone is caught.
  SLUICE_ASSERT_OK(this->append(q, {this->message("m")}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(q, this->at(0)));
  ASSERT_EQ(claimed.deliveries.size(), 1u);
  SLUICE_EXPECT_ERROR(this->remove_one(q, old_receipt), sdk::ErrorCode::kReceiptHandleIsInvalid);
  SLUICE_EXPECT_ERROR(this->set_visibility_one(q, old_receipt, this->at(1), this->at(1)),
                      sdk::ErrorCode::kReceiptHandleIsInvalid);
  EXPECT_EQ(this->in_flight(q, this->at(2)), 1u);
}

TYPED_TEST_P(QueueStoreReceipts, RemoveOfAnAlreadyRemovedMessageSucceeds) {
  const std::string receipt = this->claimed_receipt("q", "m");
  ASSERT_FALSE(receipt.empty());
  const std::string q = this->queue_name("q");
  SLUICE_EXPECT_OK(this->remove_one(q, receipt));
  SLUICE_EXPECT_OK(this->remove_one(q, receipt));
}

TYPED_TEST_P(QueueStoreReceipts, EveryDeliveryGetsADistinctReceipt) {
  SLUICE_ASSERT_OK(this->create_queue("q"));
  const std::string q = this->queue_name("q");
  SLUICE_ASSERT_OK(this->append(q, {this->message("a"), this->message("b")}));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first, this->claim(q, this->at(0), 10, std::chrono::seconds(0)));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto second,
                              this->claim(q, this->at(0), 10, std::chrono::seconds(0)));
  ASSERT_EQ(first.deliveries.size(), 2u);
  ASSERT_EQ(second.deliveries.size(), 2u);
  std::vector<std::string> receipts;
  for (const auto& d : first.deliveries) receipts.push_back(d.receipt);
  for (const auto& d : second.deliveries) receipts.push_back(d.receipt);
  std::sort(receipts.begin(), receipts.end());
  EXPECT_EQ(std::adjacent_find(receipts.begin(), receipts.end()), receipts.end())
      << "two deliveries share a receipt";
}

REGISTER_TYPED_TEST_SUITE_P(
    QueueStoreReceipts, RemoveWithASupersededReceiptIsRejectedAndDeletesNothing,
    GarbageReceiptsAreRejectedByRemove, GarbageReceiptsAreRejectedBySetVisibility,
    ReceiptOfAnotherQueueIsRejected, ReceiptOfADeletedAndRecreatedQueueIsRejected,
    RemoveOfAnAlreadyRemovedMessageSucceeds, EveryDeliveryGetsADistinctReceipt);

}  // namespace sluice::conformance
