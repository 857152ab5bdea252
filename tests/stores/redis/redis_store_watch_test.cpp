// Long-poll wake-ups across brokers: a store publishes when messages become available and the
// watchers of other stores (other brokers) are called. Latencies are printed; the assertions are
// generous because CI machines are noisy.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "redis_store_test_fixture.hpp"

namespace sluice::plugins::redis::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Counts callback calls and lets a test wait for the next one.
class WakeRecorder {
 public:
  std::function<void()> callback() {
    return [this] {
      std::lock_guard lock(mutex_);
      ++calls_;
      last_ = Clock::now();
      changed_.notify_all();
    };
  }
  // Waits until more than `seen` calls happened; returns the time of the latest, or nullopt.
  std::optional<Clock::time_point> wait_beyond(int seen, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, limit, [&] { return calls_ > seen; })) return std::nullopt;
    return last_;
  }
  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int calls_ = 0;
  Clock::time_point last_{};
};

class RedisStoreWatchTest : public RedisStoreTest {
 protected:
  void SetUp() override {
    RedisStoreTest::SetUp();
    if (HasFatalFailure()) return;
    auto a = open_store();
    auto b = open_store();
    ASSERT_TRUE(a.ok() && b.ok());
    broker_a_ = std::move(a).value();
    broker_b_ = std::move(b).value();
  }
  sdk::Status append_one(RedisQueueStore& store, const std::string& q, const std::string& id) {
    std::vector<sdk::NewMessage> batch{message(id, 0, 0, q.ends_with(".fifo") ? "g" : "")};
    sdk::AppendSpec spec;
    spec.now = at(0);
    auto appended = store.append(q, batch, spec);
    if (!appended.ok()) return appended.error();
    return sdk::Status::Ok();
  }

  std::unique_ptr<RedisQueueStore> broker_a_;
  std::unique_ptr<RedisQueueStore> broker_b_;
};

TEST_F(RedisStoreWatchTest, AnAppendOnOneBrokerWakesTheWatcherOfAnother) {
  ASSERT_TRUE(broker_a_->create_queue(queue("jobs")).ok());
  WakeRecorder recorder;
  auto handle = broker_a_->watch("jobs", recorder.callback());
  ASSERT_NE(handle, nullptr);
  std::vector<double> latencies_ms;
  for (int round = 0; round < 5; ++round) {
    const int seen = recorder.calls();
    const auto sent = Clock::now();
    ASSERT_TRUE(append_one(*broker_b_, "jobs", "m" + std::to_string(round)).ok());
    const auto woke = recorder.wait_beyond(seen, std::chrono::seconds(1));
    ASSERT_TRUE(woke.has_value()) << "no wake-up within 1 s in round " << round;
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(*woke - sent).count());
  }
  std::printf("cross-broker wake-up latency (append -> watcher callback), ms:");
  for (double ms : latencies_ms) std::printf(" %.2f", ms);
  std::printf("\n");
}

TEST_F(RedisStoreWatchTest, ABrokerIsNotWokenByItsOwnAppends) {
  ASSERT_TRUE(broker_a_->create_queue(queue("own")).ok());
  WakeRecorder recorder;
  auto handle = broker_a_->watch("own", recorder.callback());
  ASSERT_TRUE(append_one(*broker_a_, "own", "mine").ok());
  // The broker wakes its own pollers itself; a wake-up here would double every claim.
  EXPECT_FALSE(recorder.wait_beyond(0, std::chrono::milliseconds(300)).has_value());
  ASSERT_TRUE(append_one(*broker_b_, "own", "theirs").ok());
  EXPECT_TRUE(recorder.wait_beyond(0, std::chrono::seconds(1)).has_value());
}

TEST_F(RedisStoreWatchTest, RemovingTheInFlightHeadOfAFifoGroupWakesOtherBrokers) {
  ASSERT_TRUE(broker_a_->create_queue(queue("ordered.fifo", true)).ok());
  ASSERT_TRUE(append_one(*broker_a_, "ordered.fifo", "first").ok());
  ASSERT_TRUE(append_one(*broker_a_, "ordered.fifo", "second").ok());
  sdk::ClaimSpec spec;
  spec.now = at(1);
  spec.max_messages = 1;
  auto claimed = broker_b_->claim("ordered.fifo", spec);
  ASSERT_TRUE(claimed.ok() && claimed->deliveries.size() == 1);
  WakeRecorder recorder;
  auto handle = broker_a_->watch("ordered.fifo", recorder.callback());
  std::vector<std::string> receipts{claimed->deliveries[0].receipt};
  ASSERT_TRUE(broker_b_->remove("ordered.fifo", receipts).ok());
  EXPECT_TRUE(recorder.wait_beyond(0, std::chrono::seconds(1)).has_value());
}

TEST_F(RedisStoreWatchTest, ADroppedHandleIsNeverCalledAgain) {
  ASSERT_TRUE(broker_a_->create_queue(queue("dropped")).ok());
  WakeRecorder recorder;
  auto handle = broker_a_->watch("dropped", recorder.callback());
  handle.reset();
  ASSERT_TRUE(append_one(*broker_b_, "dropped", "m").ok());
  EXPECT_FALSE(recorder.wait_beyond(0, std::chrono::milliseconds(300)).has_value());
}

TEST_F(RedisStoreWatchTest, WatchersAreCalledAfterRedisRestartsAndKeepWorking) {
  ASSERT_TRUE(broker_a_->create_queue(queue("restart")).ok());
  WakeRecorder recorder;
  auto handle = broker_a_->watch("restart", recorder.callback());
  ASSERT_NO_FATAL_FAILURE(stop_redis());
  ASSERT_NO_FATAL_FAILURE(start_redis());
  // Wake-ups published while the watcher was disconnected are lost: it calls everyone once.
  ASSERT_TRUE(recorder.wait_beyond(0, std::chrono::seconds(5)).has_value());
  const int seen = recorder.calls();
  sdk::Status appended = sdk::make_error(sdk::ErrorCode::kInternal, "not tried");
  for (int i = 0; i < 50 && !appended.ok(); ++i) {
    appended = append_one(*broker_b_, "restart", "m");
    if (!appended.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(appended.ok()) << appended.error().message;
  EXPECT_TRUE(recorder.wait_beyond(seen, std::chrono::seconds(1)).has_value());
}

}  // namespace
}  // namespace sluice::plugins::redis::testing
