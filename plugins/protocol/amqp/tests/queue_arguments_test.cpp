#include "queue_arguments.hpp"

#include <gtest/gtest.h>

namespace sluice::plugins::amqp {
namespace {

std::string arn_of(const std::string& q) { return "arn:aws:sqs:us-east-1:000000000000:" + q; }
std::string queue_of(const std::string& arn) {
  const std::string prefix = "arn:aws:sqs:us-east-1:000000000000:";
  return arn.rfind(prefix, 0) == 0 ? arn.substr(prefix.size()) : std::string();
}

FieldTable args(std::initializer_list<FieldEntry> entries) {
  FieldTable t;
  for (const auto& e : entries) t.entries.push_back(e);
  return t;
}

TEST(QueueArguments, NoArgumentsMapToNoAttributes) {
  auto parsed = parse_queue_arguments({});
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(to_sqs_attributes(*parsed, arn_of).empty());
}

TEST(QueueArguments, MessageTtlBecomesTheRetentionPeriodInWholeSeconds) {
  auto parsed = parse_queue_arguments(args({{"x-message-ttl", FieldValue::i32(90500)}}));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(to_sqs_attributes(*parsed, arn_of).at("MessageRetentionPeriod"), "91");
}

TEST(QueueArguments, MessageTtlIsAcceptedInAnyIntegerTag) {
  for (char tag : {'b', 's', 'I', 'l', 'B', 'u', 'i', 'L'}) {
    // 120 fits every width; b/B cannot hold 60000, so 120 s is given as a count of seconds *
    // 1000 only where it fits.
    const std::int64_t ms = (tag == 'b' || tag == 'B') ? 0 : 60000;
    auto parsed = parse_queue_arguments(args({{"x-message-ttl", FieldValue{tag, ms}}}));
    if (ms == 0) {
      ASSERT_FALSE(parsed.ok());  // 0 ms is valid in RabbitMQ but below what Sluice can keep
      EXPECT_EQ(parsed.error().code, ReplyCode::kNotImplemented);
    } else {
      ASSERT_TRUE(parsed.ok()) << tag;
      EXPECT_EQ(parsed->retention_seconds, 60) << tag;
    }
  }
}

TEST(QueueArguments, MistypedMessageTtlIsPreconditionFailed) {
  auto parsed = parse_queue_arguments(args({{"x-message-ttl", FieldValue::string("60000")}}));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ReplyCode::kPreconditionFailed);
  EXPECT_NE(parsed.error().explanation.find("x-message-ttl"), std::string::npos);
}

TEST(QueueArguments, NegativeTtlIsPreconditionFailedAndAShortOneNotImplemented) {
  auto negative = parse_queue_arguments(args({{"x-message-ttl", FieldValue::i32(-1)}}));
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().code, ReplyCode::kPreconditionFailed);
  auto short_ttl = parse_queue_arguments(args({{"x-message-ttl", FieldValue::i32(5000)}}));
  ASSERT_FALSE(short_ttl.ok());
  EXPECT_EQ(short_ttl.error().code, ReplyCode::kNotImplemented);
}

TEST(QueueArguments, DeadLetteringThroughTheDefaultExchangeBecomesARedrivePolicy) {
  auto parsed =
      parse_queue_arguments(args({{"x-dead-letter-exchange", FieldValue::string("")},
                                  {"x-dead-letter-routing-key", FieldValue::string("dlq")},
                                  {"x-delivery-limit", FieldValue::i32(2)}}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().explanation;
  const auto attributes = to_sqs_attributes(*parsed, arn_of);
  EXPECT_EQ(
      attributes.at("RedrivePolicy"),
      R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":3})");
  EXPECT_EQ(from_sqs_attributes(attributes, queue_of), *parsed);
}

TEST(QueueArguments, DeadLetteringWithoutALimitAllowsTheMostSqsReceives) {
  auto parsed =
      parse_queue_arguments(args({{"x-dead-letter-exchange", FieldValue::string("")},
                                  {"x-dead-letter-routing-key", FieldValue::bytes("dlq")}}));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->max_receive_count, 1000u);
}

TEST(QueueArguments, DeadLetterRoutingKeyWithoutExchangeIsPreconditionFailed) {
  auto parsed =
      parse_queue_arguments(args({{"x-dead-letter-routing-key", FieldValue::string("dlq")}}));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ReplyCode::kPreconditionFailed);
}

TEST(QueueArguments, NamedDeadLetterExchangeIsNotImplementedYet) {
  auto parsed =
      parse_queue_arguments(args({{"x-dead-letter-exchange", FieldValue::string("dlx")}}));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ReplyCode::kNotImplemented);
}

TEST(QueueArguments, DeliveryLimitWithoutDeadLetterQueueIsNotImplemented) {
  auto parsed = parse_queue_arguments(args({{"x-delivery-limit", FieldValue::i32(3)}}));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ReplyCode::kNotImplemented);
}

TEST(QueueArguments, DeadLetterQueueMustBeAValidQueueName) {
  auto parsed =
      parse_queue_arguments(args({{"x-dead-letter-exchange", FieldValue::string("")},
                                  {"x-dead-letter-routing-key", FieldValue::string("a.b")}}));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ReplyCode::kPreconditionFailed);
}

TEST(QueueArguments, KnownArgumentsWithoutEffectAreAccepted) {
  auto parsed =
      parse_queue_arguments(args({{"x-queue-type", FieldValue::string("quorum")},
                                  {"x-queue-mode", FieldValue::string("lazy")},
                                  {"x-queue-version", FieldValue::i32(2)},
                                  {"x-single-active-consumer", FieldValue::boolean(false)}}));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, QueueArguments{});
}

TEST(QueueArguments, UnsupportedRabbitMqArgumentsAreNotImplemented) {
  for (const char* name : {"x-max-length", "x-expires", "x-max-priority", "x-max-length-bytes"}) {
    auto parsed = parse_queue_arguments(args({{name, FieldValue::i32(10)}}));
    ASSERT_FALSE(parsed.ok()) << name;
    EXPECT_EQ(parsed.error().code, ReplyCode::kNotImplemented) << name;
  }
  auto stream = parse_queue_arguments(args({{"x-queue-type", FieldValue::string("stream")}}));
  EXPECT_EQ(stream.error().code, ReplyCode::kNotImplemented);
}

TEST(QueueArguments, UnsupportedArgumentWithTheWrongTypeIsPreconditionFailed) {
  auto parsed = parse_queue_arguments(args({{"x-max-length", FieldValue::string("10")}}));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ReplyCode::kPreconditionFailed);
}

TEST(QueueArguments, UnknownArgumentIsPreconditionFailed) {
  auto parsed = parse_queue_arguments(args({{"x-foo", FieldValue::i32(1)}}));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ReplyCode::kPreconditionFailed);
  EXPECT_NE(parsed.error().explanation.find("x-foo"), std::string::npos);
}

TEST(QueueArguments, InvalidQueueTypeIsPreconditionFailed) {
  auto parsed = parse_queue_arguments(args({{"x-queue-type", FieldValue::string("fancy")}}));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ReplyCode::kPreconditionFailed);
}

TEST(QueueArguments, RedeclareWithTheSameMeaningIsEquivalent) {
  QueueArguments declared;
  declared.retention_seconds = 60;
  const auto existing = from_sqs_attributes({{"MessageRetentionPeriod", "60"}}, queue_of);
  EXPECT_FALSE(check_equivalent("q", declared, existing).has_value());
}

TEST(QueueArguments, DefaultRetentionCountsAsNoTtl) {
  const auto existing = from_sqs_attributes({{"MessageRetentionPeriod", "345600"}}, queue_of);
  EXPECT_FALSE(check_equivalent("q", QueueArguments{}, existing).has_value());
}

TEST(QueueArguments, RedeclareWithAnotherTtlNamesTheArgument) {
  QueueArguments declared;
  declared.retention_seconds = 120;
  const auto existing = from_sqs_attributes({{"MessageRetentionPeriod", "60"}}, queue_of);
  auto error = check_equivalent("q", declared, existing);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, ReplyCode::kPreconditionFailed);
  EXPECT_EQ(error->explanation,
            "inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': received '120000' but "
            "current is '60000'");
}

TEST(QueueArguments, RedeclareWithoutTheDeadLetterQueueItHasIsInequivalent) {
  const auto existing =
      from_sqs_attributes({{"RedrivePolicy", R"({"deadLetterTargetArn":")" + arn_of("dlq") +
                                                 R"(","maxReceiveCount":5})"}},
                          queue_of);
  EXPECT_EQ(existing.dead_letter_queue, "dlq");
  EXPECT_EQ(existing.max_receive_count, 5u);
  EXPECT_TRUE(check_equivalent("q", QueueArguments{}, existing).has_value());
}

}  // namespace
}  // namespace sluice::plugins::amqp
