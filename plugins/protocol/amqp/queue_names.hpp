// Which AMQP queue names Sluice can hold. Queues are shared with SQS, so a name must be a valid
// SQS queue name: 1 to 80 ASCII letters, digits, '-' and '_' (a ".fifo" suffix marks a FIFO
// queue). RabbitMQ-style names with dots ("orders.created") cannot be stored and are refused
// with a message that says so; server-named queues are "amq_gen-" + 22 random characters
// (RabbitMQ's "amq.gen-" prefix has a dot).
#pragma once

#include <string>
#include <string_view>

namespace sluice::plugins::amqp {

inline constexpr std::string_view kQueueNameRule =
    "Sluice queue names are shared with SQS: 1 to 80 letters, digits, '-' or '_', optionally "
    "ending in '.fifo'";

bool is_valid_queue_name(std::string_view name);
bool is_fifo_queue_name(std::string_view name);
// "amq_gen-" + 22 characters of [A-Za-z0-9_-], from a random source.
std::string generate_queue_name();
// "amq.ctag-" + 22 random characters, for consumers that did not choose a tag.
std::string generate_consumer_tag();

}  // namespace sluice::plugins::amqp
