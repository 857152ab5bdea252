// AMQP methods in IAM terms, so the auth plugin's policies decide for AMQP as they do for SQS:
// which `sqs:` action a method needs, on which queue. The mapping follows what each method does
// to the queue (RabbitMQ's configure / write / read permissions fall out of it):
//   queue.declare            sqs:CreateQueue (passive: sqs:GetQueueUrl)
//   queue.delete             sqs:DeleteQueue
//   queue.purge              sqs:PurgeQueue
//   basic.publish            sqs:SendMessage on the queue named by the routing key
//   basic.consume, basic.get sqs:ReceiveMessage
// Settling one's own deliveries (ack, nack, reject, recover) needs nothing more: it only touches
// messages the connection was allowed to receive. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "methods.hpp"

namespace sluice::plugins::amqp {

struct AccessNeed {
  std::string action;  // "sqs:SendMessage"
  std::string queue;   // as the method names it; see `names_last_queue`
  // An empty name means the channel's last declared queue (consume, get, purge, delete).
  bool names_last_queue = false;
};

// nullopt: the method touches no queue (channel, qos, confirm, tx, settlements, ...) or is
// refused anyway (publishing to an exchange other than the default one).
std::optional<AccessNeed> access_need(const Method& method);

// The resource for a server-named queue (queue.declare with an empty name): its name is not
// known before it is created, so a policy must allow this pattern.
inline constexpr const char* kServerNamedQueuePattern = "amq_gen-*";

}  // namespace sluice::plugins::amqp
