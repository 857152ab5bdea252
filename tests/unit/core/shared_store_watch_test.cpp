// Several brokers on one store: a store that implements watch() wakes the long polls of every
// broker, not only of the one that took the send.
#include <functional>
#include <map>
#include <thread>

#include "broker_test_support.hpp"

namespace sluice::core::testing {
namespace {

using namespace std::chrono_literals;

// Calls every watcher of a queue after each append to it, as a shared store's change feed would.
class WatchingStore final : public ForwardingStore {
 public:
  sdk::Result<std::vector<sdk::AppendOutcome>> append(std::string_view queue,
                                                      std::span<const sdk::NewMessage> messages,
                                                      const sdk::AppendSpec& spec) override {
    auto result = ForwardingStore::append(queue, messages, spec);
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& [id, w] : watchers_) {
        if (w.first == queue) callbacks.push_back(w.second);
      }
    }
    for (auto& cb : callbacks) cb();
    return result;
  }

  std::unique_ptr<sdk::WatchHandle> watch(std::string_view queue,
                                          std::function<void()> on_change) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const int id = next_id_++;
    watchers_[id] = {std::string(queue), std::move(on_change)};
    ++watch_calls;
    return std::make_unique<Handle>(this, id);
  }

  int live_watches() {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int>(watchers_.size());
  }
  std::atomic<int> watch_calls{0};

 private:
  class Handle final : public sdk::WatchHandle {
   public:
    Handle(WatchingStore* store, int id) : store_(store), id_(id) {}
    ~Handle() override {
      std::lock_guard<std::mutex> lock(store_->mutex_);
      store_->watchers_.erase(id_);
    }

   private:
    WatchingStore* store_;
    int id_;
  };

  std::mutex mutex_;
  std::map<int, std::pair<std::string, std::function<void()>>> watchers_;
  int next_id_ = 1;
};

class SharedStoreWatchTest : public BrokerTest {
 protected:
  void SetUp() override {
    // A recheck far beyond the test's patience: only the watch can wake the poll in time.
    options_.long_poll_recheck = 60s;
    watching_ = std::make_shared<WatchingStore>();
    start_broker(watching_);
    other_ = std::make_unique<Broker>(watching_, options_, clock_, logger_);
    other_->start();
  }
  void TearDown() override { other_->stop(); }

  std::shared_ptr<WatchingStore> watching_;
  std::unique_ptr<Broker> other_;
};

TEST_F(SharedStoreWatchTest, SendThroughAnotherBrokerWakesThisBrokersLongPoll) {
  create("q");
  auto promise = std::make_shared<std::promise<sdk::Result<std::vector<sdk::ReceivedMessage>>>>();
  auto future = promise->get_future();
  sdk::ReceiveRequest request;
  request.queue = "q";
  request.wait_seconds = 20;
  broker_->receive_messages(ctx_, request, [promise](auto r) { promise->set_value(std::move(r)); });
  std::this_thread::sleep_for(100ms);
  EXPECT_GE(watching_->watch_calls.load(), 1);

  auto sent = await<sdk::Result<std::vector<sdk::Result<sdk::SendOutcome>>>>(
      [&](auto done) { other_->send_messages(ctx_, "q", {entry("from afar")}, done); });
  ASSERT_TRUE(sent.ok());
  ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
  auto result = future.get();
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->size(), 1u);
  EXPECT_EQ((*result)[0].body, "from afar");
}

TEST_F(SharedStoreWatchTest, StoppingTheBrokerDropsItsWatches) {
  create("q");
  auto poll_done = std::make_shared<std::promise<void>>();
  sdk::ReceiveRequest request;
  request.queue = "q";
  request.wait_seconds = 1;
  broker_->receive_messages(ctx_, request, [poll_done](auto) { poll_done->set_value(); });
  poll_done->get_future().wait();
  EXPECT_GE(watching_->live_watches(), 1);
  broker_->stop();
  other_->stop();
  EXPECT_EQ(watching_->live_watches(), 0);
}

}  // namespace
}  // namespace sluice::core::testing
