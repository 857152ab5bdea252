// queue.declare arguments (x-...) and how they map onto the SQS attributes every protocol shares.
//
//   x-message-ttl N ms          -> MessageRetentionPeriod ceil(N / 1000) s (60 s .. 14 days)
//   x-dead-letter-exchange ""   -> with x-dead-letter-routing-key Q: RedrivePolicy
//   x-dead-letter-routing-key Q     {deadLetterTargetArn: Q's ARN, maxReceiveCount: L + 1}
//   x-delivery-limit L              (L = 999 when no limit is given: SQS allows at most 1000)
//   x-queue-type classic|quorum, x-queue-mode, x-queue-version, x-single-active-consumer false:
//                                  accepted; they change nothing here
//
// Two kinds of refusal, as amqp091.md words them:
//  * 406 PRECONDITION_FAILED for what RabbitMQ refuses too (a wrong type, a value out of
//    RabbitMQ's range, x-dead-letter-routing-key without x-dead-letter-exchange) and for an
//    argument that RabbitMQ does not know (stricter than RabbitMQ, which ignores those);
//  * 540 NOT_IMPLEMENTED for valid RabbitMQ arguments Sluice cannot honour yet (x-max-length,
//    x-expires, x-max-priority, a TTL under 60 s, a named dead-letter exchange, ...).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "field_table.hpp"
#include "reply_codes.hpp"
#include "sluice/sdk/broker_api.hpp"

namespace sluice::plugins::amqp {

// What a queue's arguments mean here, in a form that both a declare and an existing queue's SQS
// attributes can be brought to, so redeclares are compared by meaning.
struct QueueArguments {
  std::optional<std::int64_t> retention_seconds;  // unset = the SQS default (4 days)
  std::string dead_letter_queue;                  // empty = no dead-lettering
  std::uint32_t max_receive_count = 0;            // with dead_letter_queue: 1..1000
  bool operator==(const QueueArguments&) const = default;
};

inline constexpr std::int64_t kDefaultRetentionSeconds = 345600;
inline constexpr std::uint32_t kNoDeliveryLimitReceives = 1000;

WireResult<QueueArguments> parse_queue_arguments(const FieldTable& arguments);

// The SQS attributes for CreateQueue. `arn_of` maps a queue name to its ARN.
sdk::AttributeMap to_sqs_attributes(const QueueArguments& arguments,
                                    const std::function<std::string(const std::string&)>& arn_of);

// The meaning of an existing queue's attributes (as GetQueueAttributes "All" returns them).
// `queue_of` maps an ARN back to a queue name (empty if it is not one of ours).
QueueArguments from_sqs_attributes(const sdk::AttributeMap& attributes,
                                   const std::function<std::string(const std::string&)>& queue_of);

// 406 "inequivalent arg ..." when a redeclare asks for something else than the queue has.
std::optional<AmqpError> check_equivalent(const std::string& queue, const QueueArguments& declared,
                                          const QueueArguments& existing);

// The dead-letter target named by a RedrivePolicy attribute value (JSON), or empty.
std::string dead_letter_queue_of(const std::string& redrive_policy,
                                 const std::function<std::string(const std::string&)>& queue_of,
                                 std::uint32_t* max_receive_count = nullptr);

}  // namespace sluice::plugins::amqp
