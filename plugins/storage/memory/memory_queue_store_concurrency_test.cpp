// Unit tests of MemoryQueueStore under several threads: claims never share a message, nothing is
// lost, FIFO order holds per group, and two-queue locking (dead-lettering, moves) cannot deadlock.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "memory_store_test_fixture.hpp"

namespace sluice::plugins::memory::testing {
namespace {

constexpr int kThreads = 4;

// Each thread claims batches (with a visibility far longer than the test, at a fixed time, so no
// message may come back) and removes what it got, until the queue is empty. Returns every
// delivered message id, in the order each thread saw them, thread by thread.
std::vector<std::string> drain_concurrently(MemoryQueueStore& store, const std::string& queue,
                                            sdk::TimePoint now) {
  std::mutex log_mutex;
  std::vector<std::string> delivered;
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      sdk::ClaimSpec spec;
      spec.max_messages = 7;
      spec.visibility = std::chrono::hours(1);
      spec.now = now;
      while (true) {
        auto claimed = store.claim(queue, spec);
        if (!claimed.ok()) {
          failed = true;
          break;
        }
        if (claimed->deliveries.empty()) {
          auto counts = store.counts(queue, now);
          if (!counts.ok() || counts->visible == 0) break;
          continue;  // FIFO: every group may be locked by another thread for a moment
        }
        std::vector<std::string> receipts;
        {
          std::lock_guard lock(log_mutex);
          for (const auto& delivery : claimed->deliveries) {
            delivered.push_back(delivery.message_id);
            receipts.push_back(delivery.receipt);
          }
        }
        auto removed = store.remove(queue, receipts);
        if (!removed.ok()) failed = true;
        for (const auto& status : *removed) {
          if (!status.ok()) failed = true;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_FALSE(failed.load());
  return delivered;
}

TEST_F(MemoryStoreTest, ConcurrentClaimersNeverShareAMessageAndLoseNone) {
  make_queue("q");
  constexpr int kMessages = 5000;
  std::vector<sdk::NewMessage> batch;
  for (int i = 0; i < kMessages; ++i) batch.push_back(message("m" + std::to_string(i), t0));
  send("q", batch, t0);

  auto delivered = drain_concurrently(store, "q", t0);
  EXPECT_EQ(delivered.size(), static_cast<std::size_t>(kMessages));
  std::sort(delivered.begin(), delivered.end());
  EXPECT_EQ(std::adjacent_find(delivered.begin(), delivered.end()), delivered.end());
  EXPECT_EQ(split(counts("q", t0 + std::chrono::hours(2))), CountSplit(0, 0, 0));
}

TEST_F(MemoryStoreTest, ConcurrentFifoClaimersKeepEachGroupInOrder) {
  make_queue("q.fifo", true);
  constexpr int kGroups = 8;
  constexpr int kPerGroup = 300;
  std::vector<sdk::NewMessage> batch;
  for (int i = 0; i < kPerGroup; ++i) {
    for (int g = 0; g < kGroups; ++g) {
      batch.push_back(message(std::to_string(g) + ":" + std::to_string(i), t0, 0ms,
                              "group-" + std::to_string(g)));
    }
  }
  send("q.fifo", batch, t0);

  // A group is locked from its claim until its messages are removed, and the log is written in
  // between, so the log holds each group's deliveries in claim order.
  auto delivered = drain_concurrently(store, "q.fifo", t0);
  EXPECT_EQ(delivered.size(), static_cast<std::size_t>(kGroups * kPerGroup));
  std::map<std::string, int> last_index;
  for (const std::string& id : delivered) {
    const auto colon = id.find(':');
    const std::string group = id.substr(0, colon);
    const int index = std::stoi(id.substr(colon + 1));
    auto [it, first] = last_index.try_emplace(group, -1);
    EXPECT_EQ(index, it->second + 1) << "group " << group;
    it->second = index;
  }
}

TEST_F(MemoryStoreTest, DeadLetteringAndMovesInOppositeDirectionsNeitherDeadlockNorLose) {
  // "a" and "b" are each other's dead-letter queue; with max_receives 1 and visibility 0 every
  // message bounces between them, while movers push messages back the other way.
  make_queue("a");
  make_queue("b");
  constexpr int kMessages = 200;
  std::vector<sdk::NewMessage> batch;
  for (int i = 0; i < kMessages; ++i) batch.push_back(message("m" + std::to_string(i), t0));
  send("a", batch, t0);

  std::atomic<bool> failed{false};
  std::atomic<std::uint64_t> dead_lettered{0};
  std::atomic<std::uint64_t> moved{0};
  const auto bounce = [&](const std::string& from, const std::string& to) {
    sdk::ClaimSpec spec;
    spec.max_messages = 10;
    spec.visibility = 0ms;
    spec.now = t0;
    spec.max_receives = 1;
    spec.dead_letter_queue = to;
    // Keep going until this thread has done real work, however the scheduler interleaves us.
    for (int i = 0; i < 1500 || (dead_lettered.load() == 0 && i < 200000); ++i) {
      auto result = store.claim(from, spec);
      if (!result.ok()) {
        failed = true;
        continue;
      }
      dead_lettered += result->dead_lettered;
    }
  };
  const auto mover = [&](const std::string& from, const std::string& to) {
    sdk::MoveSpec spec;
    spec.now = t0;
    spec.max_messages = 10;
    spec.destination = to;
    for (int i = 0; i < 1500 || (moved.load() == 0 && i < 200000); ++i) {
      auto result = store.move(from, spec);
      if (!result.ok()) {
        failed = true;
        continue;
      }
      moved += result->moved;
    }
  };
  std::vector<std::thread> threads;
  threads.emplace_back(bounce, "a", "b");
  threads.emplace_back(bounce, "b", "a");
  threads.emplace_back(mover, "a", "b");
  threads.emplace_back(mover, "b", "a");
  for (auto& thread : threads) thread.join();

  EXPECT_FALSE(failed.load());
  EXPECT_GT(dead_lettered.load(), 0u);
  EXPECT_GT(moved.load(), 0u);
  const auto in_a = counts("a", t0);
  const auto in_b = counts("b", t0);
  EXPECT_EQ(in_a.visible + in_b.visible, static_cast<std::uint64_t>(kMessages));
  EXPECT_EQ(in_a.in_flight + in_a.delayed + in_b.in_flight + in_b.delayed, 0u);
}

}  // namespace
}  // namespace sluice::plugins::memory::testing
