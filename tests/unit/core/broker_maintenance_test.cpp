// Retention sweeps, message move tasks and queue management forwarding.
#include <thread>

#include "broker_test_support.hpp"

namespace sluice::core::testing {
namespace {

using sdk::ErrorCode;
using std::chrono::seconds;

class BrokerMaintenanceTest : public BrokerTest {
 protected:
  sdk::Result<std::string> start_task(const std::string& source,
                                      const std::string& destination = {},
                                      std::optional<std::int32_t> rate = std::nullopt) {
    sdk::MoveTaskRequest request;
    request.source_arn = broker_->queue_arn(source);
    if (!destination.empty()) request.destination_arn = broker_->queue_arn(destination);
    request.max_messages_per_second = rate;
    return await<sdk::Result<std::string>>(
        [&](auto done) { broker_->start_move_task(ctx_, request, done); });
  }
  sdk::Result<std::vector<sdk::MoveTaskInfo>> list_tasks(const std::string& source,
                                                         std::uint32_t max) {
    return await<sdk::Result<std::vector<sdk::MoveTaskInfo>>>(
        [&](auto done) { broker_->list_move_tasks(ctx_, broker_->queue_arn(source), max, done); });
  }
  // Sends `n` messages to `src` and receives each until it lands in the DLQ.
  void dead_letter(const std::string& src, int n) {
    for (int i = 0; i < n; ++i) send(src, "m" + std::to_string(i));
    ASSERT_EQ(receive(src, 10, 0).size(), static_cast<std::size_t>(n));
    EXPECT_TRUE(receive(src, 10, 0).empty());  // the second receive dead-letters them all
  }
  // Waits (real time, up to 5 s) until the newest task of `source` leaves RUNNING.
  sdk::MoveTaskInfo wait_finished(const std::string& source) {
    for (int i = 0; i < 500; ++i) {
      auto tasks = list_tasks(source, 1);
      if (tasks.ok() && !tasks->empty() && tasks->front().status != "RUNNING") {
        return tasks->front();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "move task did not finish";
    return {};
  }
};

TEST_F(BrokerMaintenanceTest, SweepExpiresMessagesOlderThanTheRetentionPeriod) {
  create("q", {{"MessageRetentionPeriod", "60"}});
  send("q", "old");
  clock_->advance(seconds(30));
  send("q", "young");
  clock_->advance(seconds(31));
  broker_->run_maintenance_now();
  auto messages = receive("q");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].body, "young");
}

TEST_F(BrokerMaintenanceTest, PeriodicSweepRunsWithoutBeingAsked) {
  options_.sweep_interval = std::chrono::milliseconds(20);
  start_broker();
  create("q", {{"MessageRetentionPeriod", "60"}});
  send("q", "old");
  clock_->advance(seconds(61));
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto attrs = await<sdk::Result<sdk::AttributeMap>>([&](auto done) {
      broker_->get_queue_attributes(ctx_, "q", {"ApproximateNumberOfMessages"}, done);
    });
    gone = attrs.ok() && attrs->at("ApproximateNumberOfMessages") == "0";
  }
  EXPECT_TRUE(gone);
}

TEST_F(BrokerMaintenanceTest, MoveTaskReturnsDeadLetteredMessagesToTheirSource) {
  create_with_dlq("src", "dlq", 1);
  dead_letter("src", 3);
  auto handle = start_task("dlq");
  ASSERT_TRUE(handle.ok()) << handle.error().message;
  const auto info = wait_finished("dlq");
  EXPECT_EQ(info.status, "COMPLETED");
  EXPECT_EQ(info.moved, 3u);
  EXPECT_EQ(info.to_move, 3u);
  EXPECT_EQ(receive("src").size(), 3u);
  EXPECT_TRUE(receive("dlq").empty());
}

TEST_F(BrokerMaintenanceTest, MoveTaskToAnExplicitDestinationMovesThere) {
  create_with_dlq("src", "dlq", 1);
  create("other");
  dead_letter("src", 2);
  ASSERT_TRUE(start_task("dlq", "other").ok());
  EXPECT_EQ(wait_finished("dlq").status, "COMPLETED");
  EXPECT_EQ(receive("other").size(), 2u);
}

TEST_F(BrokerMaintenanceTest, MoveTaskFromAQueueThatIsNoDeadLetterQueueIsRejected) {
  create("plain");
  auto handle = start_task("plain");
  ASSERT_FALSE(handle.ok());
  EXPECT_EQ(handle.code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(BrokerMaintenanceTest, MoveTaskFromAnUnknownQueueIsResourceNotFound) {
  EXPECT_EQ(start_task("ghost").code(), ErrorCode::kResourceNotFound);
}

TEST_F(BrokerMaintenanceTest, MoveRateOutsideOneToFiveHundredIsRejected) {
  create_with_dlq("src", "dlq", 1);
  EXPECT_EQ(start_task("dlq", {}, 501).code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(start_task("dlq", {}, 0).code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(BrokerMaintenanceTest, SecondTaskOnTheSameSourceIsUnsupportedWhileTheFirstRuns) {
  create_with_dlq("src", "dlq", 1);
  dead_letter("src", 3);
  auto first = start_task("dlq", {}, 1);  // one message per second: still running below
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(start_task("dlq").code(), ErrorCode::kUnsupportedOperation);
  auto moved = await<sdk::Result<std::uint64_t>>(
      [&](auto done) { broker_->cancel_move_task(ctx_, *first, done); });
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_LE(*moved, 3u);
  broker_->run_maintenance_now();  // one step: CANCELLING -> CANCELLED
  auto tasks = list_tasks("dlq", 10);
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ(tasks->front().status, "CANCELLED");
}

TEST_F(BrokerMaintenanceTest, UnknownTaskHandleIsResourceNotFound) {
  auto moved = await<sdk::Result<std::uint64_t>>(
      [&](auto done) { broker_->cancel_move_task(ctx_, "bm8tc3VjaC10YXNr", done); });
  EXPECT_EQ(moved.code(), ErrorCode::kResourceNotFound);
}

TEST_F(BrokerMaintenanceTest, ListMoveTasksShowsTheNewestFirst) {
  create_with_dlq("src", "dlq", 1);
  dead_letter("src", 1);
  ASSERT_TRUE(start_task("dlq").ok());
  wait_finished("dlq");
  auto returned = receive("src");
  ASSERT_EQ(returned.size(), 1u);
  ASSERT_TRUE(delete_messages("src", {returned[0].receipt_handle}).ok());
  dead_letter("src", 1);
  clock_->advance(seconds(1));
  ASSERT_TRUE(start_task("dlq").ok());
  wait_finished("dlq");
  auto tasks = list_tasks("dlq", 10);
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 2u);
  EXPECT_GT(tasks->at(0).started_at, tasks->at(1).started_at);
  EXPECT_TRUE(tasks->at(0).task_handle.empty()) << "handles are shown for RUNNING tasks only";
  EXPECT_EQ(list_tasks("dlq", 11).code(), ErrorCode::kInvalidParameterValue);
  auto newest = list_tasks("dlq", 0);  // 0 = not given: the most recent only
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest->size(), 1u);
}

TEST_F(BrokerMaintenanceTest, DeleteQueueIsForwardedToTheRegistry) {
  create("q");
  auto deleted = await<sdk::Status>([&](auto done) { broker_->delete_queue(ctx_, "q", done); });
  ASSERT_TRUE(deleted.ok());
  auto info =
      await<sdk::Result<sdk::QueueInfo>>([&](auto done) { broker_->get_queue(ctx_, "q", done); });
  EXPECT_EQ(info.code(), ErrorCode::kQueueDoesNotExist);
}

TEST_F(BrokerMaintenanceTest, QueueArnRoundTrips) {
  const auto arn = broker_->queue_arn("q");
  EXPECT_EQ(arn, "arn:aws:sqs:us-east-1:000000000000:q");
  auto name = broker_->queue_from_arn(arn);
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, "q");
  EXPECT_EQ(broker_->queue_from_arn("arn:aws:sqs:eu-west-1:1:q").code(),
            ErrorCode::kResourceNotFound);
}

}  // namespace
}  // namespace sluice::core::testing
