// Conformance: every message operation on a queue that does not exist (never created, or deleted)
// fails with kQueueDoesNotExist instead of creating state or succeeding silently.
#pragma once

#include <string>
#include <vector>

#include "sluice/testing/queue_store_fixture.hpp"

namespace sluice::conformance {

template <typename Factory>
class QueueStoreMissingQueue : public QueueStoreTest<Factory> {
 protected:
  void SetUp() override {
    QueueStoreTest<Factory>::SetUp();
    missing_ = this->queue_name("missing");
  }
  std::string missing_;
};
TYPED_TEST_SUITE_P(QueueStoreMissingQueue);

TYPED_TEST_P(QueueStoreMissingQueue, AppendFailsWithQueueDoesNotExist) {
  SLUICE_EXPECT_ERROR(this->append(this->missing_, {this->message("m")}),
                      sdk::ErrorCode::kQueueDoesNotExist);
  SLUICE_EXPECT_ERROR(this->store().get_queue(this->missing_), sdk::ErrorCode::kQueueDoesNotExist);
}

TYPED_TEST_P(QueueStoreMissingQueue, ClaimFailsWithQueueDoesNotExist) {
  SLUICE_EXPECT_ERROR(this->claim(this->missing_, this->at(0)), sdk::ErrorCode::kQueueDoesNotExist);
}

TYPED_TEST_P(QueueStoreMissingQueue, RemoveFailsWithQueueDoesNotExist) {
  std::vector<std::string> receipts{"anything"};
  SLUICE_EXPECT_ERROR(this->store().remove(this->missing_, std::span<const std::string>(receipts)),
                      sdk::ErrorCode::kQueueDoesNotExist);
}

TYPED_TEST_P(QueueStoreMissingQueue, SetVisibilityFailsWithQueueDoesNotExist) {
  std::vector<sdk::VisibilityChange> changes{{"anything", this->at(1)}};
  SLUICE_EXPECT_ERROR(
      this->store().set_visibility(this->missing_, std::span<const sdk::VisibilityChange>(changes),
                                   this->at(0)),
      sdk::ErrorCode::kQueueDoesNotExist);
}

TYPED_TEST_P(QueueStoreMissingQueue, PurgeFailsWithQueueDoesNotExist) {
  SLUICE_EXPECT_ERROR(this->store().purge(this->missing_), sdk::ErrorCode::kQueueDoesNotExist);
}

TYPED_TEST_P(QueueStoreMissingQueue, CountsFailWithQueueDoesNotExist) {
  SLUICE_EXPECT_ERROR(this->store().counts(this->missing_, this->at(0)),
                      sdk::ErrorCode::kQueueDoesNotExist);
}

TYPED_TEST_P(QueueStoreMissingQueue, ExpireFailsWithQueueDoesNotExist) {
  SLUICE_EXPECT_ERROR(this->store().expire(this->missing_, this->at(0)),
                      sdk::ErrorCode::kQueueDoesNotExist);
}

TYPED_TEST_P(QueueStoreMissingQueue, MoveFromAMissingQueueFailsWithQueueDoesNotExist) {
  SLUICE_ASSERT_OK(this->create_queue("dst"));
  sdk::MoveSpec spec;
  spec.now = this->at(0);
  spec.max_messages = 10;
  spec.destination = this->queue_name("dst");
  SLUICE_EXPECT_ERROR(this->store().move(this->missing_, spec), sdk::ErrorCode::kQueueDoesNotExist);
}

TYPED_TEST_P(QueueStoreMissingQueue, DeletedQueueRefusesMessageOperations) {
  SLUICE_ASSERT_OK(this->create_queue("short-lived"));
  const std::string q = this->queue_name("short-lived");
  SLUICE_ASSERT_OK(this->append(q, {this->message("m")}));
  SLUICE_ASSERT_OK(this->store().delete_queue(q));
  SLUICE_EXPECT_ERROR(this->claim(q, this->at(0)), sdk::ErrorCode::kQueueDoesNotExist);
  SLUICE_EXPECT_ERROR(this->append(q, {this->message("again")}),
                      sdk::ErrorCode::kQueueDoesNotExist);
  SLUICE_EXPECT_ERROR(this->store().counts(q, this->at(0)), sdk::ErrorCode::kQueueDoesNotExist);
}

REGISTER_TYPED_TEST_SUITE_P(QueueStoreMissingQueue, AppendFailsWithQueueDoesNotExist,
                            ClaimFailsWithQueueDoesNotExist, RemoveFailsWithQueueDoesNotExist,
                            SetVisibilityFailsWithQueueDoesNotExist,
                            PurgeFailsWithQueueDoesNotExist, CountsFailWithQueueDoesNotExist,
                            ExpireFailsWithQueueDoesNotExist,
                            MoveFromAMissingQueueFailsWithQueueDoesNotExist,
                            DeletedQueueRefusesMessageOperations);

}  // namespace sluice::conformance
