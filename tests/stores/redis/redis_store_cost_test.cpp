// What operations cost on the server: round trips (one EVALSHA per batch) and work that must not
// grow with the queue's depth. Measured with INFO commandstats, which counts the commands scripts
// run as well, so the tests are exact rather than timed.
#include <string>
#include <vector>

#include "redis_store_test_fixture.hpp"

namespace sluice::plugins::redis::testing {
namespace {

class RedisStoreCostTest : public RedisStoreTest {
 protected:
  void SetUp() override {
    RedisStoreTest::SetUp();
    if (HasFatalFailure()) return;
    auto store = open_store();
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
  }

  // Appends `count` messages in batches of 1000; delay_ms > 0 makes them delayed. Their group
  // (FIFO) or tenant (standard) is `group`, or one of their own with one_group_each.
  void fill(const std::string& q, int count, const std::string& tag, std::int64_t delay_ms = 0,
            bool one_group_each = false, const std::string& group = "") {
    for (int first = 0; first < count; first += 1000) {
      std::vector<sdk::NewMessage> batch;
      for (int i = first; i < count && i < first + 1000; ++i) {
        batch.push_back(message(tag + std::to_string(i), 0, delay_ms,
                                one_group_each ? tag + std::to_string(i) : group));
      }
      sdk::AppendSpec spec;
      spec.now = at(0);
      auto appended = store_->append(q, batch, spec);
      ASSERT_TRUE(appended.ok()) << appended.error().message;
    }
  }
  // Claims everything visible at t=0 for an hour, so it stays in flight.
  void hold_all(const std::string& q) {
    while (true) {
      sdk::ClaimSpec spec;
      spec.now = at(0);
      spec.max_messages = 1000;
      spec.visibility = std::chrono::hours(1);
      auto claimed = store_->claim(q, spec);
      ASSERT_TRUE(claimed.ok()) << claimed.error().message;
      if (claimed->deliveries.empty()) return;
    }
  }
  // Server commands run by one claim of 10 at t=1 ms, which must deliver `expect` messages (whose
  // ids start with `id_prefix`).
  std::int64_t claim_cost(const std::string& q, std::size_t expect,
                          const std::string& id_prefix = "") {
    const std::int64_t before = all_calls();
    sdk::ClaimSpec spec;
    spec.now = at(1);
    spec.max_messages = 10;
    auto claimed = store_->claim(q, spec);
    const std::int64_t after = all_calls();
    EXPECT_TRUE(claimed.ok()) << claimed.error().message;
    if (claimed.ok()) {
      EXPECT_EQ(claimed->deliveries.size(), expect);
      for (const auto& d : claimed->deliveries) {
        EXPECT_TRUE(d.message_id.starts_with(id_prefix)) << q << ": " << d.message_id;
      }
    }
    return after - before;
  }

  std::unique_ptr<RedisQueueStore> store_;
};

TEST_F(RedisStoreCostTest, AnAppendOfManyMessagesIsOneScriptCall) {
  ASSERT_TRUE(store_->create_queue(queue("batch")).ok());
  std::vector<sdk::NewMessage> batch;
  for (int i = 0; i < 250; ++i) batch.push_back(message("m" + std::to_string(i)));
  const std::int64_t before = calls_of("evalsha");
  sdk::AppendSpec spec;
  spec.now = at(0);
  auto appended = store_->append("batch", batch, spec);
  ASSERT_TRUE(appended.ok()) << appended.error().message;
  EXPECT_EQ(appended->size(), 250u);
  EXPECT_EQ(calls_of("evalsha") - before, 1);
}

TEST_F(RedisStoreCostTest, AClaimOfTenIsOneScriptCall) {
  ASSERT_TRUE(store_->create_queue(queue("claim")).ok());
  ASSERT_NO_FATAL_FAILURE(fill("claim", 30, "m"));
  const std::int64_t before = calls_of("evalsha");
  sdk::ClaimSpec spec;
  spec.now = at(1);
  spec.max_messages = 10;
  auto claimed = store_->claim("claim", spec);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  EXPECT_EQ(claimed->deliveries.size(), 10u);
  EXPECT_EQ(calls_of("evalsha") - before, 1);
}

TEST_F(RedisStoreCostTest, ClaimWorkDoesNotGrowWithMessagesInFlightOrDelayed) {
  ASSERT_TRUE(store_->create_queue(queue("shallow")).ok());
  ASSERT_TRUE(store_->create_queue(queue("deep")).ok());
  ASSERT_NO_FATAL_FAILURE(fill("shallow", 20, "s"));
  // deep: 3000 in flight and 3000 delayed in front of the same 20 visible messages.
  ASSERT_NO_FATAL_FAILURE(fill("deep", 3000, "held"));
  ASSERT_NO_FATAL_FAILURE(hold_all("deep"));
  ASSERT_NO_FATAL_FAILURE(fill("deep", 3000, "later", 3'600'000));
  ASSERT_NO_FATAL_FAILURE(fill("deep", 20, "s"));
  const std::int64_t shallow = claim_cost("shallow", 10);
  const std::int64_t deep = claim_cost("deep", 10);
  EXPECT_GT(shallow, 0);
  EXPECT_EQ(deep, shallow) << "a claim on the deep queue ran more server commands";
}

TEST_F(RedisStoreCostTest, FifoClaimWorkDoesNotGrowWithLockedGroups) {
  ASSERT_TRUE(store_->create_queue(queue("few.fifo", true)).ok());
  ASSERT_TRUE(store_->create_queue(queue("many.fifo", true)).ok());
  ASSERT_NO_FATAL_FAILURE(fill("few.fifo", 1, "free"));
  // many: 2000 groups locked by a message in flight each, then one free group.
  ASSERT_NO_FATAL_FAILURE(fill("many.fifo", 2000, "locked", 0, true));
  ASSERT_NO_FATAL_FAILURE(hold_all("many.fifo"));
  ASSERT_NO_FATAL_FAILURE(fill("many.fifo", 1, "free"));
  const std::int64_t few = claim_cost("few.fifo", 1);
  const std::int64_t many = claim_cost("many.fifo", 1);
  EXPECT_GT(few, 0);
  EXPECT_EQ(many, few) << "a FIFO claim beside locked groups ran more server commands";
}

TEST_F(RedisStoreCostTest, FairClaimWorkDoesNotGrowWithANoisyTenantsBacklog) {
  // Both queues: tenant "noisy" holds 30 messages in flight (all of the queue's: noisy), and
  // tenant "quiet" has 10 available. "backlog" also has 3000 available messages of the noisy
  // tenant, older than the quiet ones.
  for (const std::string q : {"calm", "backlog"}) {
    ASSERT_TRUE(store_->create_queue(queue(q)).ok());
    ASSERT_NO_FATAL_FAILURE(fill(q, 30, "held", 0, false, "noisy"));
    ASSERT_NO_FATAL_FAILURE(hold_all(q));
  }
  ASSERT_NO_FATAL_FAILURE(fill("backlog", 3000, "old", 0, false, "noisy"));
  for (const std::string q : {"calm", "backlog"}) {
    ASSERT_NO_FATAL_FAILURE(fill(q, 10, "quiet", 0, false, "quiet"));
  }
  const std::int64_t calm = claim_cost("calm", 10, "quiet");
  const std::int64_t backlog = claim_cost("backlog", 10, "quiet");
  EXPECT_GT(calm, 0);
  EXPECT_EQ(backlog, calm) << "a fair claim stepped over the noisy tenant's backlog";
}

TEST_F(RedisStoreCostTest, CountsAreRankLookupsNotScans) {
  ASSERT_TRUE(store_->create_queue(queue("counted")).ok());
  ASSERT_NO_FATAL_FAILURE(fill("counted", 2000, "m"));
  ASSERT_NO_FATAL_FAILURE(hold_all("counted"));
  ASSERT_NO_FATAL_FAILURE(fill("counted", 500, "d", 60'000));
  ASSERT_NO_FATAL_FAILURE(fill("counted", 70, "v"));
  const std::int64_t before = all_calls();
  auto counts = store_->counts("counted", at(1));
  const std::int64_t after = all_calls();
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  EXPECT_EQ(counts->visible, 70u);
  EXPECT_EQ(counts->in_flight, 2000u);
  EXPECT_EQ(counts->delayed, 500u);
  // EVALSHA, HMGET of the queue's meta, four ZCOUNTs.
  EXPECT_EQ(after - before, 6);
}

}  // namespace
}  // namespace sluice::plugins::redis::testing
