// Randomised check of fair queues in the RocksDB store against a model of the queue: seeded runs
// of appends (several tenants, untenanted and delayed messages), claims (zero and long
// visibility), removes, visibility changes, expiry and reopening the database. After every claim
// the deliveries must be visible messages, all quiet ones before any noisy one, and a claim that
// returns less than it may must leave nothing visible; counts must match the model throughout,
// and at the end every message must be claimable exactly once. A broken tenant index shows up as
// a message that is never handed out, handed out twice, or handed out out of turn.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "fair_queue_test_fixture.hpp"
#include "sluice/sdk/types.hpp"

namespace sluice::plugins::rocksdb::testing {
namespace {

struct ModelMessage {
  std::string tenant;
  sdk::TimePoint sent_at;
  sdk::TimePoint visible_at;
  bool received = false;
  std::string receipt;  // of the latest delivery
};

class FairQueueRandomTest : public FairQueueTest {
 protected:
  void run(std::uint32_t seed, int steps) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    rng_.seed(seed);
    queue_ = "q" + std::to_string(seed);
    model_.clear();
    now_ = at(0);
    noisy_claims_ = 0;
    create(queue_);
    for (int step = 0; step < steps && !HasFatalFailure(); ++step) {
      now_ += sdk::Millis(pick(0, 20));
      const int op = pick(0, 99);
      if (op < 35) {
        do_append();
      } else if (op < 70) {
        ASSERT_NO_FATAL_FAILURE(do_claim()) << "step " << step;
      } else if (op < 85) {
        do_remove();
      } else if (op < 93) {
        do_set_visibility();
      } else if (op < 96) {
        do_expire();
      } else if (op < 97) {
        ASSERT_NO_FATAL_FAILURE(reopen());
      } else {
        ASSERT_NO_FATAL_FAILURE(check_counts()) << "step " << step;
      }
    }
    ASSERT_NO_FATAL_FAILURE(check_counts());
    ASSERT_NO_FATAL_FAILURE(drain());
    EXPECT_GT(noisy_claims_, 10) << "the run never made a tenant noisy: it tested too little";
  }

 private:
  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }

  bool visible(const ModelMessage& m) const { return m.visible_at <= now_; }
  bool in_flight(const ModelMessage& m) const { return m.received && m.visible_at > now_; }

  void do_append() {
    static const char* const kTenants[] = {"big", "big", "big", "t1", "t2", "t3", ""};
    std::vector<sdk::NewMessage> batch;
    const int size = pick(1, 8);
    for (int i = 0; i < size; ++i) {
      const std::string id = "m" + std::to_string(next_id_++);
      const std::string tenant = kTenants[pick(0, 6)];
      const sdk::Millis delay(pick(0, 4) == 0 ? pick(1, 200) : 0);
      batch.push_back(sdk::NewMessage{id, "body", now_, now_ + delay, tenant, ""});
      model_[id] = ModelMessage{tenant, now_, now_ + delay, false, ""};
    }
    sdk::AppendSpec spec;
    spec.now = now_;
    auto appended = store_->append(queue_, std::span<const sdk::NewMessage>(batch), spec);
    ASSERT_TRUE(appended.ok()) << appended.error().message;
  }

  void do_claim() {
    // The noisy tenants as the claim starts, by the rule in sdk/types.hpp.
    std::map<std::string, std::uint64_t> tenant_in_flight;
    std::uint64_t queue_in_flight = 0;
    for (const auto& [id, m] : model_) {
      if (!in_flight(m)) continue;
      ++queue_in_flight;
      if (!m.tenant.empty()) ++tenant_in_flight[m.tenant];
    }
    std::set<std::string> noisy;
    for (const auto& [tenant, count] : tenant_in_flight) {
      if (sdk::is_noisy_tenant(count, queue_in_flight)) noisy.insert(tenant);
    }
    if (!noisy.empty()) ++noisy_claims_;

    const auto max = static_cast<std::uint32_t>(pick(1, 10));
    const sdk::Millis visibility(pick(0, 9) == 0 ? 0 : pick(50, 3000));
    const auto claimed = claim(queue_, now_, max, visibility);
    ASSERT_LE(claimed.size(), max);

    std::set<std::string> taken;
    bool noisy_seen = false;
    for (const auto& delivery : claimed) {
      auto it = model_.find(delivery.message_id);
      ASSERT_NE(it, model_.end()) << delivery.message_id << " is not in the queue";
      ASSERT_TRUE(visible(it->second)) << delivery.message_id << " was not visible";
      ASSERT_TRUE(taken.insert(delivery.message_id).second) << delivery.message_id << " twice";
      const bool is_noisy = noisy.count(it->second.tenant) > 0;
      ASSERT_FALSE(noisy_seen && !is_noisy)
          << delivery.message_id << " of a quiet tenant came after a noisy tenant's message";
      noisy_seen = noisy_seen || is_noisy;
    }
    for (const auto& [id, m] : model_) {
      if (!visible(m) || taken.count(id) > 0) continue;
      ASSERT_EQ(claimed.size(), max) << id << " was visible but left behind by a short claim";
      ASSERT_FALSE(noisy_seen && noisy.count(m.tenant) == 0)
          << id << " of a quiet tenant was left behind while a noisy tenant's message was taken";
    }
    for (const auto& delivery : claimed) {
      ModelMessage& m = model_[delivery.message_id];
      m.received = true;
      m.visible_at = now_ + visibility;
      m.receipt = delivery.receipt;
    }
  }

  std::vector<std::string> received_ids(bool only_in_flight) const {
    std::vector<std::string> out;
    for (const auto& [id, m] : model_) {
      if (m.received && (!only_in_flight || in_flight(m))) out.push_back(id);
    }
    return out;
  }

  void do_remove() {
    auto candidates = received_ids(false);
    std::shuffle(candidates.begin(), candidates.end(), rng_);
    candidates.resize(std::min<std::size_t>(candidates.size(), pick(1, 6)));
    if (candidates.empty()) return;
    std::vector<std::string> receipts;
    for (const auto& id : candidates) receipts.push_back(model_[id].receipt);
    auto removed = store_->remove(queue_, std::span<const std::string>(receipts));
    ASSERT_TRUE(removed.ok()) << removed.error().message;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      ASSERT_TRUE(removed->at(i).ok()) << candidates[i] << ": " << removed->at(i).error().message;
      model_.erase(candidates[i]);
    }
  }

  void do_set_visibility() {
    auto candidates = received_ids(true);
    if (candidates.empty()) return;
    const std::string id = candidates[pick(0, static_cast<int>(candidates.size()) - 1)];
    const sdk::TimePoint until = now_ + sdk::Millis(pick(0, 2000));
    std::vector<sdk::VisibilityChange> changes{{model_[id].receipt, until}};
    auto changed =
        store_->set_visibility(queue_, std::span<const sdk::VisibilityChange>(changes), now_);
    ASSERT_TRUE(changed.ok()) << changed.error().message;
    ASSERT_TRUE(changed->at(0).ok()) << id << ": " << changed->at(0).error().message;
    model_[id].visible_at = until;
  }

  void do_expire() {
    const sdk::TimePoint cutoff = now_ - sdk::Millis(3000);
    std::uint64_t expected = 0;
    for (auto it = model_.begin(); it != model_.end();) {
      if (it->second.sent_at < cutoff) {
        it = model_.erase(it);
        ++expected;
      } else {
        ++it;
      }
    }
    auto expired = store_->expire(queue_, cutoff);
    ASSERT_TRUE(expired.ok()) << expired.error().message;
    EXPECT_EQ(*expired, expected);
  }

  void check_counts() {
    sdk::QueueCounts expected;
    for (const auto& [id, m] : model_) {
      if (visible(m)) {
        ++expected.visible;
      } else if (m.received) {
        ++expected.in_flight;
      } else {
        ++expected.delayed;
      }
    }
    const auto actual = counts(queue_, now_);
    ASSERT_EQ(actual.visible, expected.visible);
    ASSERT_EQ(actual.in_flight, expected.in_flight);
    ASSERT_EQ(actual.delayed, expected.delayed);
  }

  // Later than every visibility and delay: everything must come out, each message once.
  void drain() {
    now_ += std::chrono::minutes(10);
    std::set<std::string> drained;
    for (;;) {
      const auto batch = claim(queue_, now_, 10, std::chrono::hours(1));
      if (batch.empty()) break;
      for (const auto& delivery : batch) {
        ASSERT_TRUE(drained.insert(delivery.message_id).second) << delivery.message_id;
        ASSERT_EQ(model_.count(delivery.message_id), 1u) << delivery.message_id;
      }
    }
    EXPECT_EQ(drained.size(), model_.size());
  }

  std::mt19937 rng_;
  std::string queue_;
  sdk::TimePoint now_;
  std::map<std::string, ModelMessage> model_;
  std::uint64_t next_id_ = 0;
  int noisy_claims_ = 0;
};

TEST_F(FairQueueRandomTest, RandomOperationsKeepTheFairOrderTheCountsAndEveryMessage) {
  for (std::uint32_t seed : {1u, 2u, 3u}) ASSERT_NO_FATAL_FAILURE(run(seed, 1500));
}

}  // namespace
}  // namespace sluice::plugins::rocksdb::testing
