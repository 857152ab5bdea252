// Conformance: fair queues. On a standard queue a message's group id names its tenant; a tenant
// with at least 30 messages in flight and more than 10 % of the queue's in-flight messages is
// noisy (sdk::is_noisy_tenant), and a claim hands out every available message of the other tenants
// before any of a noisy tenant's, which still fill the rest of the batch, oldest first.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "sluice/testing/queue_store_fixture.hpp"

namespace sluice::conformance {

template <typename Factory>
class QueueStoreFairQueues : public QueueStoreTest<Factory> {
 protected:
  void SetUp() override {
    QueueStoreTest<Factory>::SetUp();
    if (this->HasFatalFailure()) return;
    SLUICE_ASSERT_OK(this->create_queue("fair"));
    q_ = this->queue_name("fair");
  }
  // Appends `count` messages of `tenant` tagged <prefix>0, <prefix>1, ... at `sent_at`.
  void append_tenant(const std::string& prefix, int count, const std::string& tenant,
                     sdk::TimePoint sent_at) {
    std::vector<sdk::NewMessage> batch;
    for (int i = 0; i < count; ++i) {
      batch.push_back(this->message(prefix + std::to_string(i), sent_at, sdk::Millis(0), tenant));
    }
    SLUICE_ASSERT_OK(this->append(q_, std::move(batch), sent_at));
  }
  // Claims `count` messages in batches of 10 at `now` with a 30 s visibility.
  std::vector<sdk::Delivery> claim_many(int count, sdk::TimePoint now) {
    std::vector<sdk::Delivery> all;
    while (static_cast<int>(all.size()) < count) {
      auto claimed = this->claim(q_, now, std::min(10, count - static_cast<int>(all.size())));
      EXPECT_TRUE(claimed.ok()) << describe(claimed);
      if (!claimed.ok() || claimed->deliveries.empty()) break;
      for (auto& d : claimed->deliveries) all.push_back(std::move(d));
    }
    EXPECT_EQ(static_cast<int>(all.size()), count);
    return all;
  }
  std::vector<std::string> claim_ids(std::uint32_t max, sdk::TimePoint now) {
    auto claimed = this->claim(q_, now, max);
    EXPECT_TRUE(claimed.ok()) << describe(claimed);
    return claimed.ok() ? this->ids_of(claimed->deliveries) : std::vector<std::string>{};
  }
  std::string q_;
};
TYPED_TEST_SUITE_P(QueueStoreFairQueues);

TYPED_TEST_P(QueueStoreFairQueues, QuietTenantsComeBeforeANoisyTenantsOlderBacklog) {
  this->append_tenant("a", 35, "noisy", this->at(0));
  this->claim_many(35, this->at(1));
  this->append_tenant("late-a", 3, "noisy", this->at(2));
  SLUICE_ASSERT_OK(this->append(this->q_,
                                {this->message("b0", this->at(3), sdk::Millis(0), "quiet"),
                                 this->message("b1", this->at(3), sdk::Millis(0), "quiet"),
                                 this->message("loose", this->at(3))},
                                this->at(3)));
  EXPECT_EQ(this->claim_ids(10, this->at(4)),
            this->ids_for({"b0", "b1", "loose", "late-a0", "late-a1", "late-a2"}));
}

TYPED_TEST_P(QueueStoreFairQueues, ATenantWithFewerThanThirtyInFlightIsNotNoisy) {
  this->append_tenant("a", 29, "busy", this->at(0));
  this->claim_many(29, this->at(1));
  this->append_tenant("late-a", 1, "busy", this->at(2));
  this->append_tenant("b", 1, "other", this->at(3));
  EXPECT_EQ(this->claim_ids(1, this->at(4)), this->ids_for({"late-a0"}));
}

TYPED_TEST_P(QueueStoreFairQueues, ATenantWithTenPercentOrLessOfTheInFlightIsNotNoisy) {
  this->append_tenant("a", 30, "busy", this->at(0));
  this->append_tenant("loose", 270, "", this->at(0));
  this->claim_many(300, this->at(1));  // busy holds 30 of 300 in flight: exactly 10 %
  this->append_tenant("late-a", 1, "busy", this->at(2));
  this->append_tenant("b", 1, "other", this->at(3));
  EXPECT_EQ(this->claim_ids(1, this->at(4)), this->ids_for({"late-a0"}));
}

TYPED_TEST_P(QueueStoreFairQueues, MessagesWithoutATenantAreNeverNoisy) {
  this->append_tenant("loose", 40, "", this->at(0));
  this->claim_many(40, this->at(1));
  this->append_tenant("late-loose", 1, "", this->at(2));
  this->append_tenant("b", 1, "other", this->at(3));
  EXPECT_EQ(this->claim_ids(1, this->at(4)), this->ids_for({"late-loose0"}));
}

TYPED_TEST_P(QueueStoreFairQueues, ATenantStopsBeingNoisyWhenItsMessagesAreDeleted) {
  this->append_tenant("a", 30, "busy", this->at(0));
  auto held = this->claim_many(30, this->at(1));
  for (const auto& delivery : held) SLUICE_ASSERT_OK(this->remove_one(this->q_, delivery.receipt));
  this->append_tenant("late-a", 1, "busy", this->at(2));
  this->append_tenant("b", 1, "other", this->at(3));
  EXPECT_EQ(this->claim_ids(1, this->at(4)), this->ids_for({"late-a0"}));
}

TYPED_TEST_P(QueueStoreFairQueues, ATenantStopsBeingNoisyWhenItsVisibilityExpires) {
  this->append_tenant("a", 30, "busy", this->at(0));
  this->claim_many(30, this->at(1));
  // At 30.001 s the 30 deliveries have expired: "busy" holds nothing in flight, so its messages
  // come before b0, which arrives later and becomes visible at that same instant (so the order
  // holds whether a store takes "oldest" as oldest arrival or as longest visible).
  this->append_tenant("b", 1, "other", this->at(30'001));
  auto ids = this->claim_ids(1, this->at(30'001));
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_NE(ids[0], this->message_id("b0"));
}

TYPED_TEST_P(QueueStoreFairQueues, ANoisyTenantStillGetsTheRestOfTheBatch) {
  this->append_tenant("a", 30, "noisy", this->at(0));
  this->claim_many(30, this->at(1));
  this->append_tenant("late-a", 5, "noisy", this->at(2));
  auto ids = this->claim_ids(10, this->at(3));
  EXPECT_EQ(ids, this->ids_for({"late-a0", "late-a1", "late-a2", "late-a3", "late-a4"}));
}

REGISTER_TYPED_TEST_SUITE_P(QueueStoreFairQueues, QuietTenantsComeBeforeANoisyTenantsOlderBacklog,
                            ATenantWithFewerThanThirtyInFlightIsNotNoisy,
                            ATenantWithTenPercentOrLessOfTheInFlightIsNotNoisy,
                            MessagesWithoutATenantAreNeverNoisy,
                            ATenantStopsBeingNoisyWhenItsMessagesAreDeleted,
                            ATenantStopsBeingNoisyWhenItsVisibilityExpires,
                            ANoisyTenantStillGetsTheRestOfTheBatch);

}  // namespace sluice::conformance
