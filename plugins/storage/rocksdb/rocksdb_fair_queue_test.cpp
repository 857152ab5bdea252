// Fair queues in the RocksDB store: what the conformance kit cannot see. The tenant index and the
// heavy-tenant cache survive reopening the database, a claim's cost does not grow with a noisy
// tenant's backlog (counted with RocksDB's perf counters), untenanted claims read what they read
// before, and the other paths that touch tenants' messages (counts, moves, dead-lettering, purge).
#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "fair_queue_test_fixture.hpp"

namespace sluice::plugins::rocksdb::testing {
namespace {

using std::chrono::seconds;

// --- State across reopening ------------------------------------------------------------------

TEST_F(FairQueueTest, ATenantNoisyBeforeAReopenIsStillScheduledLastAfterIt) {
  create("q");
  append_tenant("q", "a", 35, "noisy", at(0));
  claim_many("q", 35, at(1));
  append_tenant("q", "late-a", 2, "noisy", at(2));
  append_tenant("q", "b", 2, "quiet", at(3));
  ASSERT_NO_FATAL_FAILURE(reopen());
  EXPECT_EQ(ids(claim("q", at(4))), (std::vector<std::string>{"b0", "b1", "late-a0", "late-a1"}));
}

TEST_F(FairQueueTest, ATenantNoisyBeforeAReopenIsQuietOnceItsDeliveriesExpireAfterIt) {
  create("q");
  append_tenant("q", "a", 30, "busy", at(0));
  claim_many("q", 30, at(1));  // in flight until 30.001 s
  append_tenant("q", "loose", 40, "", at(2));
  for (int i = 0; i < 4; ++i) ASSERT_EQ(claim("q", at(2), 10, seconds(60)).size(), 10u);
  ASSERT_NO_FATAL_FAILURE(reopen());
  // Loads the heavy tenants while "busy" is noisy (30 of 70 in flight)...
  append_tenant("q", "late-a", 1, "busy", at(3));
  append_tenant("q", "b", 1, "other", at(4));
  ASSERT_EQ(ids(claim("q", at(5), 1)), std::vector<std::string>{"b0"});
  // ...and follows its deliveries expiring: at 30.001 s it holds none of the queue's 41 in flight,
  // so its oldest message comes before the other tenant's.
  append_tenant("q", "c", 1, "other", at(30'001));
  EXPECT_EQ(ids(claim("q", at(30'001), 1)), std::vector<std::string>{"late-a0"});
}

TEST_F(FairQueueTest, InFlightCountsOfTenantsSurviveAReopen) {
  create("q");
  append_tenant("q", "a", 29, "busy", at(0));
  claim_many("q", 29, at(1));
  ASSERT_NO_FATAL_FAILURE(reopen());
  // The 30th delivery makes "busy" heavy: its row kept the 29 from before the reopen.
  append_tenant("q", "a-30th", 1, "busy", at(2));
  ASSERT_EQ(claim("q", at(3), 1).size(), 1u);
  append_tenant("q", "late-a", 1, "busy", at(4));
  append_tenant("q", "b", 1, "other", at(5));
  EXPECT_EQ(ids(claim("q", at(6), 1)), std::vector<std::string>{"b0"});
}

// --- Cost ------------------------------------------------------------------------------------

TEST_F(FairQueueTest, AQuietTenantsClaimDoesNotWalkANoisyTenantsOlderBacklog) {
  create("q");
  append_tenant("q", "held", 30, "noisy", at(0));
  claim_many("q", 30, at(1));
  for (int batch = 0; batch < 6; ++batch) {
    append_tenant("q", "backlog" + std::to_string(batch) + "-", 500, "noisy", at(2));
  }
  append_tenant("q", "quiet", 5, "quiet", at(3));
  append_tenant("q", "loose", 5, "", at(3));

  ReadCounters reads;
  const auto claimed = claim("q", at(4), 10);
  EXPECT_EQ(ids(claimed),
            (std::vector<std::string>{"quiet0", "quiet1", "quiet2", "quiet3", "quiet4", "loose0",
                                      "loose1", "loose2", "loose3", "loose4"}));
  // 3000 older noisy messages sit in front; the claim steps over their tenant's head entry only.
  EXPECT_LT(ReadCounters::entries_walked(), 60u) << "the claim walked the noisy backlog";
}

TEST_F(FairQueueTest,
       ANoisyTenantsClaimSeeksPastItsConsumedMessagesInsteadOfWalkingTheirTombstones) {
  create("q");
  append_tenant("q", "held", 30, "noisy", at(0));
  claim_many("q", 30, at(1));
  for (int batch = 0; batch < 6; ++batch) {
    append_tenant("q", "backlog" + std::to_string(batch) + "-", 500, "noisy", at(2));
  }
  // 2000 of the backlog claimed (as the noisy tenant fills batches) and removed.
  for (int round = 0; round < 200; ++round) {
    const auto batch = claim("q", at(3), 10);
    ASSERT_EQ(batch.size(), 10u) << round;
    ASSERT_NO_FATAL_FAILURE(remove_all("q", batch));
  }
  ReadCounters reads;
  EXPECT_EQ(claim("q", at(4), 10).size(), 10u);
  EXPECT_LT(ReadCounters::tombstones_skipped(), 100u)
      << "the claim walked over the tenant's removed messages";
}

TEST_F(FairQueueTest, AClaimOnAQueueWithoutTenantsReadsNoMoreThanBeforeFairQueues) {
  create("q");
  append_tenant("q", "m", 100, "", at(0));
  ASSERT_EQ(claim("q", at(1), 10).size(), 10u);  // the first claim learns the tenant index is empty

  ReadCounters reads;
  ASSERT_EQ(claim("q", at(2), 10).size(), 10u);
  // What a claim read before fair queues: one seek to advance the pending index, one into the
  // ready index, and the state and body of each message delivered.
  EXPECT_LE(ReadCounters::seeks(), 2u);
  EXPECT_LE(ReadCounters::point_reads(), 20u);
}

// --- Other paths through tenants' messages ---------------------------------------------------

TEST_F(FairQueueTest, CountsOfTenantsMessagesAreExactForANowEarlierThanAnotherCallers) {
  create("q");
  append_tenant("q", "now", 1, "t", at(0));
  append_tenant("q", "soon", 1, "t", at(0), sdk::Millis(5));
  ASSERT_EQ(counts("q", at(10)).visible, 2u);  // files "soon" as visible
  const auto earlier = counts("q", at(1));
  EXPECT_EQ(earlier.visible, 1u);
  EXPECT_EQ(earlier.delayed, 1u);
}

TEST_F(FairQueueTest, MovingMessagesTakesTenantsAndUntenantedMessagesOldestFirst) {
  create("src");
  create("dst");
  append_tenant("src", "t", 2, "tenant", at(0));
  append_tenant("src", "u", 2, "", at(1));
  append_tenant("src", "s", 1, "tenant", at(2));
  sdk::MoveSpec spec;
  spec.now = at(3);
  spec.max_messages = 10;
  spec.destination = "dst";
  auto moved = store_->move("src", spec);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(moved->moved, 5u);
  EXPECT_EQ(moved->remaining, 0u);
  const auto arrived = claim("dst", at(4));
  EXPECT_EQ(ids(arrived), (std::vector<std::string>{"t0", "t1", "u0", "u1", "s0"}));
  ASSERT_EQ(arrived.size(), 5u);
  EXPECT_EQ(arrived[0].group_id, "tenant");
  const auto left = counts("src", at(4));
  EXPECT_EQ(left.visible + left.in_flight + left.delayed, 0u);
}

TEST_F(FairQueueTest, ATenantsMessageDeadLetteredKeepsItsTenantInTheDeadLetterQueue) {
  create("src");
  create("dlq");
  append_tenant("src", "m", 1, "tenant", at(0));
  sdk::ClaimSpec spec;
  spec.now = at(0);
  spec.max_messages = 10;
  spec.visibility = sdk::Millis(0);
  spec.max_receives = 1;
  spec.dead_letter_queue = "dlq";
  ASSERT_TRUE(store_->claim("src", spec).ok());  // the first receive
  spec.now = at(1);
  auto second = store_->claim("src", spec);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->dead_lettered, 1u);
  const auto in_dlq = claim("dlq", at(2));
  ASSERT_EQ(ids(in_dlq), std::vector<std::string>{"m0"});
  EXPECT_EQ(in_dlq[0].group_id, "tenant");
  const auto left = counts("src", at(2));
  EXPECT_EQ(left.visible + left.in_flight + left.delayed, 0u);
}

TEST_F(FairQueueTest, ZeroVisibilityClaimsOfATenantHandEachMessageOutOncePerClaim) {
  create("q");
  append_tenant("q", "m", 3, "tenant", at(0));
  const auto first = claim("q", at(0), 10, sdk::Millis(0));
  EXPECT_EQ(ids(first), (std::vector<std::string>{"m0", "m1", "m2"}));
  // Filed again under the same keys; the next claim finds them all.
  const auto second = claim("q", at(0), 10, sdk::Millis(0));
  EXPECT_EQ(ids(second), (std::vector<std::string>{"m0", "m1", "m2"}));
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(second[0].receive_count, 2u);
}

TEST_F(FairQueueTest, APurgedTenantIsNoLongerNoisy) {
  create("q");
  append_tenant("q", "a", 30, "busy", at(0));
  claim_many("q", 30, at(1));
  auto purged = store_->purge("q");
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  append_tenant("q", "late-a", 1, "busy", at(2));
  append_tenant("q", "b", 1, "other", at(3));
  EXPECT_EQ(ids(claim("q", at(4), 1)), std::vector<std::string>{"late-a0"});
}

TEST_F(FairQueueTest, ExpiringATenantsMessagesLeavesItsOtherMessagesClaimable) {
  create("q");
  append_tenant("q", "old", 3, "tenant", at(0));
  append_tenant("q", "young", 2, "tenant", at(100));
  auto expired = store_->expire("q", at(50));
  ASSERT_TRUE(expired.ok()) << expired.error().message;
  EXPECT_EQ(*expired, 3u);
  EXPECT_EQ(ids(claim("q", at(200))), (std::vector<std::string>{"young0", "young1"}));
}

TEST_F(FairQueueTest, ATenantsMessageMadeVisibleAgainIsClaimableAtOnce) {
  create("q");
  append_tenant("q", "m", 2, "tenant", at(0));
  const auto held = claim("q", at(1), 1);
  ASSERT_EQ(ids(held), std::vector<std::string>{"m0"});
  std::vector<sdk::VisibilityChange> changes{{held[0].receipt, at(2)}};
  auto changed =
      store_->set_visibility("q", std::span<const sdk::VisibilityChange>(changes), at(2));
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  ASSERT_TRUE(changed->at(0).ok()) << changed->at(0).error().message;
  EXPECT_EQ(ids(claim("q", at(2))), (std::vector<std::string>{"m1", "m0"}));
}

}  // namespace
}  // namespace sluice::plugins::rocksdb::testing
