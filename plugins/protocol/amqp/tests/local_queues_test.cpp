#include "local_queues.hpp"

#include <gtest/gtest.h>

namespace sluice::plugins::amqp {
namespace {

TEST(LocalQueues, ExclusiveQueueIsLockedForOtherConnections) {
  LocalQueues queues;
  queues.record_declare("q", 1, /*exclusive=*/true, false);
  EXPECT_FALSE(queues.check_access("q", 1).has_value());
  auto locked = queues.check_access("q", 2);
  ASSERT_TRUE(locked.has_value());
  EXPECT_EQ(locked->code, ReplyCode::kResourceLocked);
}

TEST(LocalQueues, AskingForExclusiveUseOfSomeoneElsesQueueIsLocked) {
  LocalQueues queues;
  auto e = queues.check_declare("shared", 1, /*exclusive=*/true, false, /*exists=*/true);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, ReplyCode::kResourceLocked);
  EXPECT_FALSE(queues.check_declare("new", 1, true, false, /*exists=*/false).has_value());
}

TEST(LocalQueues, AutoDeleteMismatchIsInequivalent) {
  LocalQueues queues;
  queues.record_declare("q", 1, false, /*auto_delete=*/true);
  auto e = queues.check_declare("q", 2, false, /*auto_delete=*/false, true);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, ReplyCode::kPreconditionFailed);
  EXPECT_NE(e->explanation.find("auto_delete"), std::string::npos);
}

TEST(LocalQueues, ClosingConnectionReleasesItsExclusiveQueues) {
  LocalQueues queues;
  queues.record_declare("a", 7, true, false);
  queues.record_declare("b", 8, true, false);
  EXPECT_EQ(queues.release_connection(7), std::vector<std::string>{"a"});
  EXPECT_FALSE(queues.check_access("a", 9).has_value());
  EXPECT_TRUE(queues.check_access("b", 9).has_value());
}

TEST(LocalQueues, ExclusiveConsumerKeepsOthersOut) {
  LocalQueues queues;
  EXPECT_FALSE(queues.add_consumer("q", /*exclusive=*/true).has_value());
  auto refused = queues.add_consumer("q", false);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->code, ReplyCode::kAccessRefused);
}

TEST(LocalQueues, ExclusiveConsumeOnAQueueWithConsumersIsRefused) {
  LocalQueues queues;
  EXPECT_FALSE(queues.add_consumer("q", false).has_value());
  EXPECT_TRUE(queues.add_consumer("q", true).has_value());
  EXPECT_EQ(queues.consumer_count("q"), 1u);
}

TEST(LocalQueues, LastConsumerOfAnAutoDeleteQueueAsksForItsDeletion) {
  LocalQueues queues;
  queues.record_declare("q", 1, false, /*auto_delete=*/true);
  ASSERT_FALSE(queues.add_consumer("q", false).has_value());
  ASSERT_FALSE(queues.add_consumer("q", false).has_value());
  EXPECT_FALSE(queues.remove_consumer("q"));
  EXPECT_TRUE(queues.remove_consumer("q"));
}

TEST(LocalQueues, QueueThatNeverHadAConsumerIsNotAutoDeleted) {
  LocalQueues queues;
  queues.record_declare("q", 1, false, true);
  EXPECT_FALSE(queues.remove_consumer("q"));
}

}  // namespace
}  // namespace sluice::plugins::amqp
