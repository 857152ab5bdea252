// Long polling: wake-ups by sends, releases and time, deadlines, and the end of a poll when its
// queue is deleted or the broker stops. Timing assertions are generous (the machine is shared).
#include <thread>

#include "broker_test_support.hpp"

namespace sluice::core::testing {
namespace {

using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

class BrokerLongPollTest : public BrokerTest {};

// Starts a long poll on `queue` and returns its future.
std::future<sdk::Result<std::vector<sdk::ReceivedMessage>>> start_long_poll(
    Broker& broker, const sdk::RequestContext& ctx, const std::string& queue, int wait) {
  auto promise = std::make_shared<std::promise<sdk::Result<std::vector<sdk::ReceivedMessage>>>>();
  auto future = promise->get_future();
  sdk::ReceiveRequest request;
  request.queue = queue;
  request.wait_seconds = wait;
  broker.receive_messages(ctx, request, [promise](auto r) { promise->set_value(std::move(r)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let it register
  return future;
}

TEST_F(BrokerLongPollTest, LongPollIsWokenBySendPromptly) {
  create("q");
  sdk::ReceiveRequest request;
  request.queue = "q";
  request.wait_seconds = 20;
  auto promise = std::make_shared<std::promise<sdk::Result<std::vector<sdk::ReceivedMessage>>>>();
  auto future = promise->get_future();
  broker_->receive_messages(ctx_, request, [promise](auto r) { promise->set_value(std::move(r)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the poll register
  const auto sent_at = SteadyClock::now();
  send("q", "wake up");
  ASSERT_EQ(future.wait_for(seconds(5)), std::future_status::ready);
  const auto latency = SteadyClock::now() - sent_at;
  auto result = future.get();
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->size(), 1u);
  EXPECT_EQ((*result)[0].body, "wake up");
  EXPECT_LT(latency, seconds(2));
}

TEST_F(BrokerLongPollTest, EmptyLongPollReturnsEmptyAfterItsWait) {
  create("q");
  const auto start = SteadyClock::now();
  auto messages = receive("q", 1, std::nullopt, 1);
  const auto elapsed = SteadyClock::now() - start;
  EXPECT_TRUE(messages.empty());
  EXPECT_GE(elapsed, std::chrono::milliseconds(950));
  EXPECT_LT(elapsed, seconds(5));
}

TEST_F(BrokerLongPollTest, QueueWaitTimeMakesLongPollingTheDefault) {
  create("q", {{"ReceiveMessageWaitTimeSeconds", "1"}});
  const auto start = SteadyClock::now();
  sdk::ReceiveRequest request;
  request.queue = "q";
  auto result = receive_request(request);
  ASSERT_TRUE(result.ok());
  EXPECT_GE(SteadyClock::now() - start, std::chrono::milliseconds(950));
}

TEST_F(BrokerLongPollTest, LongPollPicksUpAMessageWhoseDelayEndsWhileItWaits) {
  options_.long_poll_recheck = std::chrono::milliseconds(20);
  start_broker();
  create("q");
  auto e = entry("delayed");
  e.delay_seconds = 5;
  ASSERT_TRUE(try_send("q", e).ok());
  auto promise = std::make_shared<std::promise<sdk::Result<std::vector<sdk::ReceivedMessage>>>>();
  auto future = promise->get_future();
  sdk::ReceiveRequest request;
  request.queue = "q";
  request.wait_seconds = 10;
  broker_->receive_messages(ctx_, request, [promise](auto r) { promise->set_value(std::move(r)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  clock_->advance(seconds(5));  // no send wakes it: only the recheck can
  ASSERT_EQ(future.wait_for(seconds(5)), std::future_status::ready);
  auto result = future.get();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->size(), 1u);
}

TEST_F(BrokerLongPollTest, StopCompletesWaitingLongPollsEmpty) {
  create("q");
  auto promise = std::make_shared<std::promise<sdk::Result<std::vector<sdk::ReceivedMessage>>>>();
  auto future = promise->get_future();
  sdk::ReceiveRequest request;
  request.queue = "q";
  request.wait_seconds = 20;
  broker_->receive_messages(ctx_, request, [promise](auto r) { promise->set_value(std::move(r)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto start = SteadyClock::now();
  broker_->stop();
  ASSERT_EQ(future.wait_for(seconds(5)), std::future_status::ready);
  EXPECT_LT(SteadyClock::now() - start, seconds(5));
  auto result = future.get();
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->empty());
}

TEST_F(BrokerLongPollTest, DeletingTheQueueEndsItsLongPolls) {
  create("q");
  auto poll = start_long_poll(*broker_, ctx_, "q", 20);
  auto deleted = await<sdk::Status>([&](auto done) { broker_->delete_queue(ctx_, "q", done); });
  ASSERT_TRUE(deleted.ok());
  ASSERT_EQ(poll.wait_for(seconds(2)), std::future_status::ready);
  auto result = poll.get();
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->empty());
}

TEST_F(BrokerLongPollTest, ReleasingAMessageWakesALongPoll) {
  create("q");
  send("q", "m");
  auto messages = receive("q");
  ASSERT_EQ(messages.size(), 1u);
  auto poll = start_long_poll(*broker_, ctx_, "q", 20);
  ASSERT_TRUE(change_visibility("q", messages[0].receipt_handle, 0).ok());
  ASSERT_EQ(poll.wait_for(seconds(2)), std::future_status::ready);
  auto result = poll.get();
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->size(), 1u);
  EXPECT_EQ((*result)[0].receive_count, 2u);
}

TEST_F(BrokerLongPollTest, TwoLongPollsShareTwoSendsOneEach) {
  create("q");
  auto first = start_long_poll(*broker_, ctx_, "q", 20);
  auto second = start_long_poll(*broker_, ctx_, "q", 20);
  send("q", "one");
  ASSERT_EQ(first.wait_for(seconds(2)), std::future_status::ready);
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "the poll that got nothing keeps waiting";
  send("q", "two");
  ASSERT_EQ(second.wait_for(seconds(2)), std::future_status::ready);
  auto a = first.get();
  auto b = second.get();
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), 1u);
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ((*a)[0].body, "one");
  EXPECT_EQ((*b)[0].body, "two");
}

}  // namespace
}  // namespace sluice::core::testing
