// Which sqs: action each AMQP method is authorized as, on which queue.
#include "amqp_access.hpp"

#include <gtest/gtest.h>

namespace sluice::plugins::amqp {
namespace {

AccessNeed need_of(const Method& method) {
  auto need = access_need(method);
  EXPECT_TRUE(need.has_value());
  return need.value_or(AccessNeed{});
}

TEST(AmqpAccess, PublishingToTheDefaultExchangeIsSendMessageOnTheRoutingKeysQueue) {
  m::BasicPublish publish;
  publish.routing_key = "orders";
  const auto need = need_of(publish);
  EXPECT_EQ(need.action, "sqs:SendMessage");
  EXPECT_EQ(need.queue, "orders");
  EXPECT_FALSE(need.names_last_queue);  // an empty routing key is no queue, not the last one
}

TEST(AmqpAccess, PublishingToAnotherExchangeIsLeftToThePublishItself) {
  m::BasicPublish publish;
  publish.exchange = "logs";
  EXPECT_FALSE(access_need(publish).has_value());
}

TEST(AmqpAccess, DeclareIsCreateQueueAndPassiveDeclareIsGetQueueUrl) {
  m::QueueDeclare declare;
  declare.queue = "q";
  EXPECT_EQ(need_of(declare).action, "sqs:CreateQueue");
  declare.passive = true;
  EXPECT_EQ(need_of(declare).action, "sqs:GetQueueUrl");
  EXPECT_TRUE(need_of(declare).names_last_queue);
}

TEST(AmqpAccess, AServerNamedQueueIsCheckedAsThePatternOfGeneratedNames) {
  m::QueueDeclare declare;
  EXPECT_EQ(need_of(declare).queue, kServerNamedQueuePattern);
}

TEST(AmqpAccess, ReadingAndRemovingMethodsNameTheirQueueOrTheLastOne) {
  m::BasicConsume consume;
  m::BasicGet get;
  m::QueuePurge purge;
  m::QueueDelete del;
  EXPECT_EQ(need_of(consume).action, "sqs:ReceiveMessage");
  EXPECT_EQ(need_of(get).action, "sqs:ReceiveMessage");
  EXPECT_EQ(need_of(purge).action, "sqs:PurgeQueue");
  EXPECT_EQ(need_of(del).action, "sqs:DeleteQueue");
  EXPECT_TRUE(need_of(get).names_last_queue);
}

TEST(AmqpAccess, SettlingOnesOwnDeliveriesNeedsNothing) {
  EXPECT_FALSE(access_need(m::BasicAck{}).has_value());
  EXPECT_FALSE(access_need(m::BasicReject{}).has_value());
  EXPECT_FALSE(access_need(m::BasicNack{}).has_value());
  EXPECT_FALSE(access_need(m::BasicQos{}).has_value());
}

}  // namespace
}  // namespace sluice::plugins::amqp
