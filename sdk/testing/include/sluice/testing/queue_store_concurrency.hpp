// Conformance: several threads calling one store at once. Visibility is generous (1 h) and `now`
// fixed, so nothing ever expires: every message must then be delivered exactly once, no two
// claimers may hold the same message (or, on FIFO queues, messages of the same group) at once,
// and nothing may be lost. Workers record violations instead of asserting, so the report names
// each one after the threads have joined.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "sluice/testing/queue_store_fixture.hpp"

namespace sluice::conformance {

template <typename Factory>
class QueueStoreConcurrency : public QueueStoreTest<Factory> {
 protected:
  static constexpr int kThreads = 4;
  static constexpr std::chrono::hours kVisibility{1};
  // Bounds every worker loop so a broken store fails the test instead of hanging it.
  static constexpr int kMaxIterations = 100'000;

  void violation(std::string what) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (violations_.size() < 20) violations_.push_back(std::move(what));
  }
  void expect_no_violations() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& v : violations_) ADD_FAILURE() << v;
  }
  // Removes `receipts` and counts each successful removal under its message id.
  void remove_all(sdk::QueueStore& store, const std::string& q,
                  const std::vector<sdk::Delivery>& deliveries) {
    std::vector<std::string> receipts;
    for (const auto& d : deliveries) receipts.push_back(d.receipt);
    auto statuses = store.remove(q, std::span<const std::string>(receipts));
    if (!statuses.ok() || statuses->size() != deliveries.size()) {
      violation("remove failed: " + describe(statuses));
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < deliveries.size(); ++i) {
      if ((*statuses)[i].ok()) {
        ++removed_[deliveries[i].message_id];
        ++removed_total_;
      } else if (violations_.size() < 20) {
        violations_.push_back("remove of " + deliveries[i].message_id +
                              " failed: " + describe((*statuses)[i]));
      }
    }
  }
  // Every id in `ids` was removed exactly once and nothing else was.
  void expect_each_removed_once(const std::vector<std::string>& ids) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& id : ids) {
      auto it = removed_.find(id);
      EXPECT_TRUE(it != removed_.end() && it->second == 1)
          << id << " removed " << (it == removed_.end() ? 0 : it->second) << " times";
    }
    EXPECT_EQ(removed_.size(), ids.size());
  }

  std::mutex mutex_;
  std::vector<std::string> violations_;
  std::map<std::string, int> removed_;
  std::atomic<std::size_t> removed_total_{0};
};
TYPED_TEST_SUITE_P(QueueStoreConcurrency);

TYPED_TEST_P(QueueStoreConcurrency, ConcurrentClaimersNeverShareAMessageAndLoseNone) {
  SLUICE_ASSERT_OK(this->create_queue("shared"));
  const std::string q = this->queue_name("shared");
  std::vector<std::string> ids;
  for (int batch = 0; batch < 40; ++batch) {
    std::vector<sdk::NewMessage> messages;
    for (int i = 0; i < 10; ++i) {
      messages.push_back(this->message("c" + std::to_string(batch * 10 + i), this->at(batch)));
      ids.push_back(messages.back().message_id);
    }
    SLUICE_ASSERT_OK(this->append(q, messages, this->at(batch)));
  }
  std::map<std::string, int> holder;     // message id -> worker holding it; guarded by mutex_
  std::map<std::string, int> delivered;  // message id -> times delivered; guarded by mutex_
  auto worker = [&, store = this->store_ptr()](int me) {
    for (int i = 0; i < TestFixture::kMaxIterations; ++i) {
      auto claimed =
          store->claim(q, this->claim_spec(this->at(1'000), 5, TestFixture::kVisibility));
      if (!claimed.ok()) return this->violation("claim failed: " + describe(claimed));
      if (claimed->deliveries.empty()) return;  // nothing is appended or released meanwhile
      {
        std::lock_guard<std::mutex> lock(this->mutex_);
        for (const auto& d : claimed->deliveries) {
          ++delivered[d.message_id];
          auto [it, fresh] = holder.emplace(d.message_id, me);
          if (!fresh && this->violations_.size() < 20) {
            this->violations_.push_back(d.message_id + " delivered to worker " +
                                        std::to_string(me) + " while worker " +
                                        std::to_string(it->second) + " holds it");
          }
        }
      }
      // Held until removed: a removed message never comes back, so any overlap is a violation.
      this->remove_all(*store, q, claimed->deliveries);
      std::lock_guard<std::mutex> lock(this->mutex_);
      for (const auto& d : claimed->deliveries) {
        auto it = holder.find(d.message_id);
        if (it != holder.end() && it->second == me) holder.erase(it);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < TestFixture::kThreads; ++t) threads.emplace_back(worker, t);
  for (auto& thread : threads) thread.join();
  this->expect_no_violations();
  this->expect_each_removed_once(ids);
  for (const auto& [id, times] : delivered) {
    EXPECT_EQ(times, 1) << id << " was delivered " << times << " times without expiring";
  }
  SLUICE_ASSERT_OK_AND_ASSIGN(auto counts, this->store().counts(q, this->at(1'000)));
  EXPECT_EQ(counts.visible + counts.in_flight + counts.delayed, 0u);
}

TYPED_TEST_P(QueueStoreConcurrency, ConcurrentFifoClaimersNeverHoldOneGroupTogether) {
  SLUICE_ASSERT_OK(this->create_queue("groups", true));
  const std::string q = this->queue_name("groups", true);
  constexpr int kGroups = 8;
  constexpr int kPerGroup = 8;
  std::map<std::string, std::pair<std::string, int>> position;  // id -> (group, index)
  std::vector<std::string> ids;
  for (int i = 0; i < kPerGroup; ++i) {
    std::vector<sdk::NewMessage> round;
    for (int g = 0; g < kGroups; ++g) {
      const std::string group = "g" + std::to_string(g);
      round.push_back(this->fifo_message(group + "-" + std::to_string(i), group, this->at(i)));
      position[round.back().message_id] = {group, i};
      ids.push_back(round.back().message_id);
    }
    SLUICE_ASSERT_OK(this->append(q, round, this->at(i)));
  }
  std::map<std::string, int> holder;      // group -> worker holding it; guarded by mutex_
  std::map<std::string, int> next_index;  // group -> index expected next; guarded by mutex_
  auto worker = [&, store = this->store_ptr()](int me) {
    for (int i = 0; i < TestFixture::kMaxIterations; ++i) {
      if (this->removed_total_.load() >= ids.size()) return;
      auto claimed =
          store->claim(q, this->claim_spec(this->at(1'000), 3, TestFixture::kVisibility));
      if (!claimed.ok()) return this->violation("claim failed: " + describe(claimed));
      if (claimed->deliveries.empty()) {
        std::this_thread::yield();  // other workers may hold every remaining group
        continue;
      }
      {
        std::lock_guard<std::mutex> lock(this->mutex_);
        for (const auto& d : claimed->deliveries) {
          const auto& [group, index] = position[d.message_id];
          auto [it, fresh] = holder.emplace(group, me);
          if (!fresh && it->second != me && this->violations_.size() < 20) {
            this->violations_.push_back("group " + group + " delivered to worker " +
                                        std::to_string(me) + " while worker " +
                                        std::to_string(it->second) + " holds it");
          }
          if (next_index[group] != index && this->violations_.size() < 20) {
            this->violations_.push_back("group " + group + " delivered index " +
                                        std::to_string(index) + ", expected " +
                                        std::to_string(next_index[group]));
          }
          next_index[group] = index + 1;
        }
        for (const auto& d : claimed->deliveries) holder.erase(position[d.message_id].first);
      }
      this->remove_all(*store, q, claimed->deliveries);
    }
    this->violation("worker " + std::to_string(me) + " gave up before every message was removed");
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < TestFixture::kThreads; ++t) threads.emplace_back(worker, t);
  for (auto& thread : threads) thread.join();
  this->expect_no_violations();
  this->expect_each_removed_once(ids);
}

TYPED_TEST_P(QueueStoreConcurrency, ConcurrentAppendsGetDistinctIncreasingSequences) {
  SLUICE_ASSERT_OK(this->create_queue("producers", true));
  const std::string q = this->queue_name("producers", true);
  constexpr int kPerThread = 25;
  std::vector<std::vector<std::string>> sequences(TestFixture::kThreads);
  auto producer = [&, store = this->store_ptr()](int me) {
    sdk::AppendSpec spec;
    spec.now = this->at(0);
    for (int i = 0; i < kPerThread; ++i) {
      std::vector<sdk::NewMessage> one{this->fifo_message(
          "p" + std::to_string(me) + "-" + std::to_string(i), "g" + std::to_string(me))};
      auto outcomes = store->append(q, std::span<const sdk::NewMessage>(one), spec);
      if (!outcomes.ok() || outcomes->size() != 1) {
        return this->violation("append failed: " + describe(outcomes));
      }
      sequences[me].push_back(outcomes->front().sequence);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < TestFixture::kThreads; ++t) threads.emplace_back(producer, t);
  for (auto& thread : threads) thread.join();
  this->expect_no_violations();
  std::vector<std::string> all;
  for (const auto& mine : sequences) {
    for (std::size_t i = 1; i < mine.size(); ++i) {
      EXPECT_TRUE(decimal_less(mine[i - 1], mine[i])) << mine[i - 1] << " then " << mine[i];
    }
    all.insert(all.end(), mine.begin(), mine.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a sequence was reused";
  SLUICE_ASSERT_OK_AND_ASSIGN(auto counts, this->store().counts(q, this->at(0)));
  EXPECT_EQ(counts.visible, static_cast<std::uint64_t>(TestFixture::kThreads * kPerThread));
}

TYPED_TEST_P(QueueStoreConcurrency, ProducersAndConsumersTogetherLoseNothing) {
  SLUICE_ASSERT_OK(this->create_queue("pipeline"));
  const std::string q = this->queue_name("pipeline");
  constexpr int kProducers = 2;
  constexpr int kPerProducer = 100;
  std::vector<std::string> ids;
  for (int p = 0; p < kProducers; ++p) {
    for (int i = 0; i < kPerProducer; ++i) {
      ids.push_back(this->message_id("p" + std::to_string(p) + "-" + std::to_string(i)));
    }
  }
  auto producer = [&, store = this->store_ptr()](int me) {
    sdk::AppendSpec spec;
    spec.now = this->at(0);
    for (int i = 0; i < kPerProducer; ++i) {
      std::vector<sdk::NewMessage> one{
          this->message("p" + std::to_string(me) + "-" + std::to_string(i), this->at(0))};
      auto outcomes = store->append(q, std::span<const sdk::NewMessage>(one), spec);
      if (!outcomes.ok()) return this->violation("append failed: " + describe(outcomes));
    }
  };
  auto consumer = [&, store = this->store_ptr()](int me) {
    for (int i = 0; i < TestFixture::kMaxIterations; ++i) {
      if (this->removed_total_.load() >= ids.size()) return;
      auto claimed = store->claim(q, this->claim_spec(this->at(1), 4, TestFixture::kVisibility));
      if (!claimed.ok()) return this->violation("claim failed: " + describe(claimed));
      if (claimed->deliveries.empty()) {
        std::this_thread::yield();
        continue;
      }
      this->remove_all(*store, q, claimed->deliveries);
    }
    this->violation("consumer " + std::to_string(me) + " gave up before every message was removed");
  };
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) threads.emplace_back(producer, p);
  for (int c = 0; c < 2; ++c) threads.emplace_back(consumer, c);
  for (auto& thread : threads) thread.join();
  this->expect_no_violations();
  this->expect_each_removed_once(ids);
}

REGISTER_TYPED_TEST_SUITE_P(QueueStoreConcurrency, ConcurrentClaimersNeverShareAMessageAndLoseNone,
                            ConcurrentFifoClaimersNeverHoldOneGroupTogether,
                            ConcurrentAppendsGetDistinctIncreasingSequences,
                            ProducersAndConsumersTogetherLoseNothing);

}  // namespace sluice::conformance
