// Group commit: concurrent sends to one queue share QueueStore::append calls, and FIFO order of
// the calls is the order in the queue.
#include <atomic>
#include <thread>

#include "broker_test_support.hpp"

namespace sluice::core::testing {
namespace {

// Forwards to a MemoryQueueStore, counting appends and making each take a little while so that
// concurrent sends pile up behind it.
class CountingStore final : public ForwardingStore {
 public:
  std::atomic<int> appends{0};
  std::atomic<int> appended_messages{0};
  std::atomic<int> max_concurrent{0};

  sdk::Result<std::vector<sdk::AppendOutcome>> append(std::string_view queue,
                                                      std::span<const sdk::NewMessage> messages,
                                                      const sdk::AppendSpec& spec) override {
    const int now_running = ++running_;
    int seen = max_concurrent.load();
    while (now_running > seen && !max_concurrent.compare_exchange_weak(seen, now_running)) {
    }
    ++appends;
    appended_messages += static_cast<int>(messages.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto result = ForwardingStore::append(queue, messages, spec);
    --running_;
    return result;
  }

 private:
  std::atomic<int> running_{0};
};

class SendCoalescingTest : public BrokerTest {
 protected:
  void SetUp() override {
    options_.storage_threads = 4;
    counting_ = std::make_shared<CountingStore>();
    start_broker(counting_);
  }

  // Fires `n` sends at once (each its own call) and waits for all of them.
  std::vector<sdk::Result<std::vector<sdk::Result<sdk::SendOutcome>>>> send_concurrently(
      const std::string& queue, int n, const std::string& group = {}) {
    using R = sdk::Result<std::vector<sdk::Result<sdk::SendOutcome>>>;
    std::vector<std::future<R>> futures;
    for (int i = 0; i < n; ++i) {
      auto promise = std::make_shared<std::promise<R>>();
      futures.push_back(promise->get_future());
      auto e = entry("m" + std::to_string(i));
      e.group_id = group;
      broker_->send_messages(ctx_, queue, {e},
                             [promise](R r) { promise->set_value(std::move(r)); });
    }
    std::vector<R> out;
    for (auto& f : futures) {
      EXPECT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
      out.push_back(f.get());
    }
    return out;
  }

  std::shared_ptr<CountingStore> counting_;
};

TEST_F(SendCoalescingTest, ConcurrentSendsToOneQueueShareAppendCalls) {
  create("q");
  const int n = 40;
  auto results = send_concurrently("q", n);
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->at(0).ok()) << r->at(0).error().message;
  }
  EXPECT_EQ(counting_->appended_messages.load(), n);
  EXPECT_LT(counting_->appends.load(), n);
  EXPECT_EQ(counting_->max_concurrent.load(), 1) << "appends to one queue must not overlap";
  EXPECT_EQ(receive("q").size(), 10u);
}

TEST_F(SendCoalescingTest, AppendNeverExceedsTheBatchLimitAcrossRequests) {
  options_.max_append_batch = 2;
  start_broker(counting_);
  create("q");
  send_concurrently("q", 10);
  EXPECT_GE(counting_->appends.load(), 5);
}

TEST_F(SendCoalescingTest, CoalescedFifoSendsKeepTheOrderOfTheCalls) {
  create_fifo("f.fifo", {{"ContentBasedDeduplication", "true"}});
  const int n = 20;
  using R = sdk::Result<std::vector<sdk::Result<sdk::SendOutcome>>>;
  std::vector<std::future<R>> futures;
  for (int i = 0; i < n; ++i) {
    auto promise = std::make_shared<std::promise<R>>();
    futures.push_back(promise->get_future());
    auto e = entry("m" + std::to_string(i));
    e.group_id = "g";
    // One sender issuing calls in order (each waits only for the previous call to be accepted
    // by the broker, not stored), as a pipelining client would.
    broker_->send_messages(ctx_, "f.fifo", {e},
                           [promise](R r) { promise->set_value(std::move(r)); });
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  for (auto& f : futures) ASSERT_TRUE(f.get().ok());
  std::vector<std::string> bodies;
  while (bodies.size() < static_cast<std::size_t>(n)) {
    auto batch = receive("f.fifo", 10);
    ASSERT_FALSE(batch.empty());
    std::vector<std::string> handles;
    for (auto& m : batch) {
      bodies.push_back(m.body);
      handles.push_back(m.receipt_handle);
    }
    ASSERT_TRUE(delete_messages("f.fifo", handles).ok());
  }
  for (int i = 0; i < n; ++i)
    EXPECT_EQ(bodies[static_cast<std::size_t>(i)], "m" + std::to_string(i));
  EXPECT_LT(counting_->appends.load(), n);
}

}  // namespace
}  // namespace sluice::core::testing
