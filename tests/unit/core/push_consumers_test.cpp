// Push consumers through Broker::consume, driven by a fake front end that records deliveries.
#include <condition_variable>
#include <thread>

#include "broker_test_support.hpp"

namespace sluice::core::testing {
namespace {

using sdk::ErrorCode;
using namespace std::chrono_literals;

// What an AMQP channel would do with deliveries: keep them, count them, remember a cancel.
class FakeFrontEnd {
 public:
  sdk::ConsumeRequest request(const std::string& queue, std::uint32_t prefetch) {
    sdk::ConsumeRequest r;
    r.queue = queue;
    r.prefetch = prefetch;
    r.on_message = [this](sdk::ReceivedMessage m) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (in_callback_) overlapped_ = true;
      in_callback_ = true;
      messages_.push_back(std::move(m));
      in_callback_ = false;
      changed_.notify_all();
    };
    r.on_cancelled = [this](sdk::Error e) {
      std::lock_guard<std::mutex> lock(mutex_);
      cancellations_.push_back(std::move(e));
      changed_.notify_all();
    };
    return r;
  }

  // Waits until at least `n` messages arrived (or 5 s passed); returns how many there are.
  std::size_t wait_for_messages(std::size_t n) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, 5s, [&] { return messages_.size() >= n; });
    return messages_.size();
  }
  std::size_t wait_for_cancellations(std::size_t n) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, 5s, [&] { return cancellations_.size() >= n; });
    return cancellations_.size();
  }
  std::size_t count() {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_.size();
  }
  std::vector<sdk::ReceivedMessage> messages() {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_;
  }
  std::vector<sdk::Error> cancellations() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cancellations_;
  }
  bool overlapped() {
    std::lock_guard<std::mutex> lock(mutex_);
    return overlapped_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<sdk::ReceivedMessage> messages_;
  std::vector<sdk::Error> cancellations_;
  bool in_callback_ = false;
  bool overlapped_ = false;
};

class PushConsumerTest : public BrokerTest {
 protected:
  std::shared_ptr<sdk::Consumer> consume(const std::string& queue, std::uint32_t prefetch) {
    auto consumer = broker_->consume(ctx_, front_.request(queue, prefetch));
    EXPECT_TRUE(consumer.ok()) << consumer.error().message;
    return consumer.ok() ? consumer.value() : nullptr;
  }
  void cancel(const std::shared_ptr<sdk::Consumer>& consumer) {
    std::promise<void> done;
    consumer->cancel([&done] { done.set_value(); });
    ASSERT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
  }
  FakeFrontEnd front_;
};

TEST_F(PushConsumerTest, ConsumerWithPrefetchTwoGetsTwoOfFiveUntilItSettles) {
  create("q");
  for (int i = 0; i < 5; ++i) send("q", "m" + std::to_string(i));
  auto consumer = consume("q", 2);
  EXPECT_EQ(front_.wait_for_messages(2), 2u);
  std::this_thread::sleep_for(200ms);  // nothing more may arrive while the window is full
  EXPECT_EQ(front_.count(), 2u);
  consumer->settle(2);
  EXPECT_EQ(front_.wait_for_messages(4), 4u);
  consumer->settle(2);
  EXPECT_EQ(front_.wait_for_messages(5), 5u);
  EXPECT_FALSE(front_.overlapped());
  cancel(consumer);
}

TEST_F(PushConsumerTest, ConsumerOnAnEmptyQueueGetsMessagesSentLater) {
  create("q");
  auto consumer = consume("q", 0);
  std::this_thread::sleep_for(100ms);
  send("q", "late");
  ASSERT_EQ(front_.wait_for_messages(1), 1u);
  EXPECT_EQ(front_.messages()[0].body, "late");
  cancel(consumer);
}

TEST_F(PushConsumerTest, DeliveriesStayClaimedForTheConsumersVisibility) {
  create("q");
  send("q", "m");
  auto consumer = consume("q", 1);
  ASSERT_EQ(front_.wait_for_messages(1), 1u);
  EXPECT_TRUE(receive("q").empty());
  // The front end acknowledges with the handle it got.
  auto deleted = delete_messages("q", {front_.messages()[0].receipt_handle});
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE((*deleted)[0].ok());
  cancel(consumer);
}

TEST_F(PushConsumerTest, CancelledConsumerReceivesNothingMore) {
  create("q");
  auto consumer = consume("q", 0);
  cancel(consumer);
  send("q", "after cancel");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(front_.count(), 0u);
  EXPECT_EQ(receive("q").size(), 1u);
}

TEST_F(PushConsumerTest, DeletingTheQueueCancelsItsConsumerOnce) {
  create("q");
  auto consumer = consume("q", 0);
  std::this_thread::sleep_for(50ms);
  auto deleted = await<sdk::Status>([&](auto done) { broker_->delete_queue(ctx_, "q", done); });
  ASSERT_TRUE(deleted.ok());
  ASSERT_EQ(front_.wait_for_cancellations(1), 1u);
  std::this_thread::sleep_for(100ms);
  ASSERT_EQ(front_.cancellations().size(), 1u);
  EXPECT_EQ(front_.cancellations()[0].code, ErrorCode::kQueueDoesNotExist);
}

TEST_F(PushConsumerTest, ConsumerOfAMissingQueueIsCancelledWithQueueDoesNotExist) {
  auto consumer = consume("missing", 0);
  ASSERT_EQ(front_.wait_for_cancellations(1), 1u);
  EXPECT_EQ(front_.cancellations()[0].code, ErrorCode::kQueueDoesNotExist);
}

TEST_F(PushConsumerTest, ConsumeWithoutOnMessageIsRejected) {
  create("q");
  sdk::ConsumeRequest request;
  request.queue = "q";
  EXPECT_EQ(broker_->consume(ctx_, request).code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(PushConsumerTest, StoppingTheBrokerEndsConsumers) {
  create("q");
  auto consumer = consume("q", 0);
  std::this_thread::sleep_for(50ms);
  broker_->stop();
  ASSERT_EQ(front_.wait_for_cancellations(1), 1u);
  EXPECT_EQ(front_.cancellations()[0].code, ErrorCode::kServiceUnavailable);
  cancel(consumer);  // still completes
}

}  // namespace
}  // namespace sluice::core::testing
