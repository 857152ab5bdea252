// Several stores on one schema, as several brokers on one database: each store has its own
// connection pool, and several threads use each. Claims must never hand one message (or one FIFO
// group) to two holders, nothing may be lost, FIFO order must hold per group, dead-lettering must
// move each message once, and counts must stay exact.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "postgres_test_env.hpp"

namespace sluice::plugins::postgres::testing {
namespace {

constexpr int kBrokers = 2;
constexpr int kThreadsPerBroker = 3;

sdk::TimePoint t0() { return sdk::from_unix_millis(1'700'000'000'000); }

class PostgresMultiStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string schema = fresh_schema("multi");
    for (int i = 0; i < kBrokers; ++i) {
      auto store = PostgresQueueStore::open(test_options(schema), nullptr);
      ASSERT_TRUE(store.ok()) << store.error().message;
      stores_.push_back(std::move(*store));
    }
  }
  sdk::QueueStore& broker(int i) { return *stores_[static_cast<std::size_t>(i) % stores_.size()]; }

  // Runs `work(broker, thread)` on kThreadsPerBroker threads per store and joins them.
  template <typename Work>
  void on_every_broker(Work work) {
    std::vector<std::thread> threads;
    for (int b = 0; b < kBrokers; ++b) {
      for (int t = 0; t < kThreadsPerBroker; ++t) threads.emplace_back(work, b, t);
    }
    for (auto& thread : threads) thread.join();
  }
  void violation(const std::string& what) {
    std::lock_guard lock(mutex_);
    if (violations_.size() < 20) violations_.push_back(what);
  }
  void expect_no_violations() {
    std::lock_guard lock(mutex_);
    for (const auto& v : violations_) ADD_FAILURE() << v;
  }

  std::vector<std::unique_ptr<PostgresQueueStore>> stores_;
  std::mutex mutex_;
  std::vector<std::string> violations_;
};

TEST_F(PostgresMultiStoreTest, BrokersClaimingOneQueueNeverShareAMessageAndLoseNone) {
  ASSERT_TRUE(broker(0).create_queue({"shared", false, 1, 0, ""}).ok());
  constexpr int kMessages = 600;
  std::atomic<int> next{0};
  std::atomic<int> removed{0};
  std::map<std::string, int> delivered;  // guarded by mutex_
  on_every_broker([&](int b, int t) {
    sdk::QueueStore& store = broker(b);
    for (int round = 0; round < 10'000 && removed.load() < kMessages; ++round) {
      // Producers and consumers at once: every thread sends a batch now and then.
      if (t == 0 && next.load() < kMessages) {
        std::vector<sdk::NewMessage> batch;
        for (int i = 0; i < 10; ++i) {
          const int n = next.fetch_add(1);
          if (n >= kMessages) break;
          sdk::NewMessage m;
          m.message_id = "m" + std::to_string(n);
          m.envelope = "body";
          m.sent_at = m.visible_at = t0();
          batch.push_back(std::move(m));
        }
        sdk::AppendSpec spec;
        spec.now = t0();
        if (!batch.empty() && !store.append("shared", batch, spec).ok()) violation("append failed");
      }
      sdk::ClaimSpec spec;
      spec.now = t0();
      spec.max_messages = 10;
      spec.visibility = std::chrono::hours(1);
      auto claimed = store.claim("shared", spec);
      if (!claimed.ok()) return violation("claim failed: " + claimed.error().message);
      std::vector<std::string> receipts;
      {
        std::lock_guard lock(mutex_);
        for (const auto& d : claimed->deliveries) {
          if (++delivered[d.message_id] > 1 && violations_.size() < 20) {
            violations_.push_back(d.message_id + " delivered twice within its visibility");
          }
          receipts.push_back(d.receipt);
        }
      }
      if (receipts.empty()) {
        std::this_thread::yield();
        continue;
      }
      auto statuses = store.remove("shared", receipts);
      if (!statuses.ok()) return violation("remove failed: " + statuses.error().message);
      for (const auto& s : *statuses) {
        if (s.ok())
          ++removed;
        else
          violation("remove: " + s.error().message);
      }
    }
  });
  expect_no_violations();
  EXPECT_EQ(removed.load(), kMessages);
  EXPECT_EQ(delivered.size(), static_cast<std::size_t>(kMessages));
  auto counts = broker(1).counts("shared", t0());
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->visible + counts->in_flight + counts->delayed, 0u);
}

TEST_F(PostgresMultiStoreTest, BrokersNeverHoldOneFifoGroupTogetherAndKeepItsOrder) {
  ASSERT_TRUE(broker(0).create_queue({"groups.fifo", true, 1, 0, ""}).ok());
  constexpr int kGroups = 6;
  constexpr int kPerGroup = 20;
  for (int i = 0; i < kPerGroup; ++i) {
    std::vector<sdk::NewMessage> round;
    for (int g = 0; g < kGroups; ++g) {
      sdk::NewMessage m;
      m.message_id = "g" + std::to_string(g) + "-" + std::to_string(i);
      m.envelope = "body";
      m.group_id = "g" + std::to_string(g);
      m.dedup_key = m.message_id;
      m.sent_at = m.visible_at = t0();
      round.push_back(std::move(m));
    }
    sdk::AppendSpec spec;
    spec.now = t0();
    ASSERT_TRUE(broker(i).append("groups.fifo", round, spec).ok());
  }
  std::map<std::string, int> holder;  // group -> worker; guarded by mutex_
  std::map<std::string, int> next_index;
  std::atomic<int> removed{0};
  on_every_broker([&](int b, int t) {
    const int me = b * kThreadsPerBroker + t;
    sdk::QueueStore& store = broker(b);
    for (int round = 0; round < 20'000 && removed.load() < kGroups * kPerGroup; ++round) {
      sdk::ClaimSpec spec;
      spec.now = t0();
      spec.max_messages = 3;
      spec.visibility = std::chrono::hours(1);
      auto claimed = store.claim("groups.fifo", spec);
      if (!claimed.ok()) return violation("claim failed: " + claimed.error().message);
      if (claimed->deliveries.empty()) {
        std::this_thread::yield();
        continue;
      }
      std::vector<std::string> receipts;
      {
        std::lock_guard lock(mutex_);
        for (const auto& d : claimed->deliveries) {
          const int index = std::stoi(d.message_id.substr(d.message_id.find('-') + 1));
          auto [it, fresh] = holder.emplace(d.group_id, me);
          if (!fresh && it->second != me && violations_.size() < 20) {
            violations_.push_back("group " + d.group_id + " delivered to worker " +
                                  std::to_string(me) + " while worker " +
                                  std::to_string(it->second) + " holds it");
          }
          if (next_index[d.group_id] != index && violations_.size() < 20) {
            violations_.push_back("group " + d.group_id + " delivered index " +
                                  std::to_string(index) + ", expected " +
                                  std::to_string(next_index[d.group_id]));
          }
          next_index[d.group_id] = index + 1;
          receipts.push_back(d.receipt);
        }
        for (const auto& d : claimed->deliveries) holder.erase(d.group_id);
      }
      auto statuses = store.remove("groups.fifo", receipts);
      if (!statuses.ok()) return violation("remove failed: " + statuses.error().message);
      for (const auto& s : *statuses) {
        if (s.ok()) ++removed;
      }
    }
  });
  expect_no_violations();
  EXPECT_EQ(removed.load(), kGroups * kPerGroup);
}

TEST_F(PostgresMultiStoreTest, DeadLetteringFromTwoBrokersMovesEachMessageExactlyOnce) {
  ASSERT_TRUE(broker(0).create_queue({"source", false, 1, 0, ""}).ok());
  ASSERT_TRUE(broker(0).create_queue({"dlq", false, 2, 0, ""}).ok());
  constexpr int kMessages = 200;
  std::vector<sdk::NewMessage> batch;
  for (int i = 0; i < kMessages; ++i) {
    sdk::NewMessage m;
    m.message_id = "d" + std::to_string(i);
    m.envelope = "body";
    m.sent_at = m.visible_at = t0();
    batch.push_back(std::move(m));
  }
  sdk::AppendSpec append_spec;
  append_spec.now = t0();
  ASSERT_TRUE(broker(0).append("source", batch, append_spec).ok());
  // One delivery each, released at once: every message is now at its receive limit of 1.
  for (int drained = 0; drained < kMessages;) {
    sdk::ClaimSpec spec;
    spec.now = t0();
    spec.max_messages = 50;
    spec.visibility = std::chrono::milliseconds(1);
    auto claimed = broker(0).claim("source", spec);
    ASSERT_TRUE(claimed.ok());
    ASSERT_FALSE(claimed->deliveries.empty());
    drained += static_cast<int>(claimed->deliveries.size());
  }
  std::atomic<int> dead_lettered{0};
  std::atomic<int> delivered{0};
  on_every_broker([&](int b, int) {
    for (int round = 0; round < 1000; ++round) {
      sdk::ClaimSpec spec;
      spec.now = t0() + std::chrono::seconds(1);
      spec.max_messages = 10;
      spec.max_receives = 1;
      spec.dead_letter_queue = "dlq";
      auto claimed = broker(b).claim("source", spec);
      if (!claimed.ok()) return violation("claim failed: " + claimed.error().message);
      dead_lettered += static_cast<int>(claimed->dead_lettered);
      delivered += static_cast<int>(claimed->deliveries.size());
      if (claimed->dead_lettered == 0 && claimed->deliveries.empty()) return;
    }
  });
  expect_no_violations();
  EXPECT_EQ(delivered.load(), 0);
  EXPECT_EQ(dead_lettered.load(), kMessages);
  auto source = broker(1).counts("source", t0() + std::chrono::seconds(1));
  auto dlq = broker(1).counts("dlq", t0() + std::chrono::seconds(1));
  ASSERT_TRUE(source.ok());
  ASSERT_TRUE(dlq.ok());
  EXPECT_EQ(source->visible + source->in_flight + source->delayed, 0u);
  EXPECT_EQ(dlq->visible, static_cast<std::uint64_t>(kMessages));
}

}  // namespace
}  // namespace sluice::plugins::postgres::testing
