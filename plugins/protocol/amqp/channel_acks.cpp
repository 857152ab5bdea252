// basic.ack / nack / reject / recover and basic.get.
#include <chrono>

#include "amqp_channel.hpp"
#include "amqp_connection.hpp"
#include "queue_arguments.hpp"

namespace sluice::plugins::amqp {
namespace {

struct Countdown {
  std::size_t left = 1;
  std::function<void()> done;
  void step() {
    if (--left == 0 && done) done();
  }
};

std::uint32_t parse_count(const sdk::AttributeMap& attributes) {
  auto it = attributes.find("ApproximateNumberOfMessages");
  if (it == attributes.end()) return 0;
  std::uint64_t n = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(n, UINT32_MAX));
}

}  // namespace

std::optional<std::vector<std::pair<std::uint64_t, Channel::Unacked>>> Channel::take_unacked(
    std::uint64_t tag, bool multiple, MethodId cause) {
  std::vector<std::pair<std::uint64_t, Unacked>> taken;
  if (multiple && tag == 0) {
    // Tag 0 with multiple = everything outstanding (RabbitMQ).
    for (auto& entry : unacked_) taken.emplace_back(entry.first, std::move(entry.second));
    unacked_.clear();
  } else {
    if (unacked_.count(tag) == 0) {
      channel_error(
          amqp_error(ReplyCode::kPreconditionFailed, "unknown delivery tag " + std::to_string(tag)),
          cause);
      return std::nullopt;
    }
    auto end = multiple ? unacked_.upper_bound(tag) : std::next(unacked_.find(tag));
    auto begin = multiple ? unacked_.begin() : unacked_.find(tag);
    for (auto it = begin; it != end; ++it) taken.emplace_back(it->first, std::move(it->second));
    unacked_.erase(begin, end);
  }
  for (const auto& [t, delivery] : taken) {
    if (delivery.counts_global && global_unacked_ > 0) --global_unacked_;
  }
  return taken;
}

void Channel::basic_ack(const m::BasicAck& method) {
  auto taken = take_unacked(method.delivery_tag, method.multiple, m::BasicAck::kId);
  if (!taken) return finish_op(true);
  if (tx_mode_) {
    for (auto& [tag, delivery] : *taken)
      tx_acks_.push_back({tag, std::move(delivery), Settle::kAck});
    return finish_op(true);
  }
  settle(std::move(*taken), Settle::kAck, [self = shared_from_this()] { self->finish_op(true); });
}

void Channel::basic_reject(std::uint64_t tag, bool multiple, bool requeue, MethodId cause) {
  auto taken = take_unacked(tag, multiple, cause);
  if (!taken) return finish_op(true);
  const Settle action = requeue ? Settle::kRequeue : Settle::kDiscard;
  if (tx_mode_) {
    for (auto& [t, delivery] : *taken) tx_acks_.push_back({t, std::move(delivery), action});
    return finish_op(true);
  }
  settle(std::move(*taken), action, [self = shared_from_this()] { self->finish_op(true); });
}

void Channel::basic_recover(bool /*requeue*/, bool reply) {
  // RabbitMQ always requeues, whatever `requeue` says (errata: no redelivery to the "original
  // recipient").
  std::vector<std::pair<std::uint64_t, Unacked>> all;
  for (auto& entry : unacked_) all.emplace_back(entry.first, std::move(entry.second));
  unacked_.clear();
  for (const auto& [tag, delivery] : all) {
    if (delivery.counts_global && global_unacked_ > 0) --global_unacked_;
  }
  settle(std::move(all), Settle::kRequeue, [self = shared_from_this(), reply] {
    if (reply && self->state_ == State::kOpen) {
      self->connection_.send_method(self->id_, m::BasicRecoverOk{});
    }
    self->finish_op(false);
  });
}

void Channel::settle(std::vector<std::pair<std::uint64_t, Unacked>> deliveries, Settle action,
                     std::function<void()> done) {
  auto countdown = std::make_shared<Countdown>();
  // Windows reopen once the store has the outcome, so a consumer is never handed more than its
  // prefetch; then held deliveries may go out.
  std::vector<std::shared_ptr<sdk::Consumer>> windows;
  for (const auto& [tag, delivery] : deliveries) {
    if (delivery.window) windows.push_back(delivery.window);
  }
  countdown->done = [self = shared_from_this(), windows = std::move(windows),
                     done = std::move(done)] {
    for (const auto& window : windows) window->settle(1);
    if (self->state_ == State::kOpen) self->drain_held();
    done();
  };
  auto& broker = connection_.broker();
  const auto& context = connection_.request_context();
  std::map<std::string, std::vector<std::string>> deletes;
  std::map<std::string, std::vector<std::string>> releases;
  for (auto& [tag, delivery] : deliveries) {
    if (action == Settle::kRequeue) {
      releases[delivery.queue].push_back(delivery.receipt);
    } else if (action == Settle::kDiscard && delivery.dead_letter_copy) {
      // Dead-lettering a rejected message: a copy into the dead-letter queue, then the original
      // goes (at least once: a crash between the two leaves both).
      ++countdown->left;
      sdk::SendEntry copy = *delivery.dead_letter_copy;
      const std::string queue = delivery.queue;
      const std::string receipt = delivery.receipt;
      const std::string target = delivery.dead_letter_queue;
      broker.send_messages(
          context, target, {std::move(copy)},
          connection_.wrap<std::vector<sdk::Result<sdk::SendOutcome>>>(
              [self = shared_from_this(), countdown, queue, receipt,
               target](sdk::Result<std::vector<sdk::Result<sdk::SendOutcome>>> sent) {
                if (!sent.ok() || sent->empty() || !(*sent)[0].ok()) {
                  const std::string why = !sent.ok()      ? sent.error().message
                                          : sent->empty() ? std::string("no result")
                                                          : (*sent)[0].error().message;
                  self->connection_.server().logger.warn(
                      "amqp: dead-lettering a rejected message from " + queue + " to " + target +
                      " failed (" + why + "); the message is dropped, as RabbitMQ would");
                }
                self->connection_.broker().delete_messages(
                    self->connection_.request_context(), queue, {receipt},
                    self->connection_.wrap<std::vector<sdk::Status>>(
                        [countdown](sdk::Result<std::vector<sdk::Status>>) { countdown->step(); }));
              }));
    } else {
      deletes[delivery.queue].push_back(delivery.receipt);
    }
  }
  for (auto& [queue, receipts] : deletes) {
    ++countdown->left;
    broker.delete_messages(
        context, queue, std::move(receipts),
        connection_.wrap<std::vector<sdk::Status>>(
            [self = shared_from_this(), countdown, queue](sdk::Result<std::vector<sdk::Status>> r) {
              std::size_t failed = 0;
              std::string why;
              if (!r.ok()) {
                failed = 1;
                why = r.error().message;
              } else {
                for (const auto& status : *r) {
                  if (!status.ok()) {
                    ++failed;
                    why = status.error().message;
                  }
                }
              }
              // A receipt that no longer holds (its lease ran out and someone else received the
              // message) means that message will be delivered again: at-least-once.
              if (failed > 0 && !(!r.ok() && r.code() == sdk::ErrorCode::kQueueDoesNotExist)) {
                self->connection_.server().logger.warn("amqp: " + std::to_string(failed) +
                                                       " acknowledgement(s) on queue " + queue +
                                                       " did not remove the message (" + why + ")");
              }
              countdown->step();
            }));
  }
  for (auto& [queue, receipts] : releases) {
    ++countdown->left;
    release_messages(queue, std::move(receipts), [countdown] { countdown->step(); });
  }
  countdown->step();
}

void Channel::release_messages(const std::string& queue, std::vector<std::string> receipts,
                               std::function<void()> done) {
  std::vector<sdk::VisibilityEntry> entries;
  entries.reserve(receipts.size());
  for (auto& receipt : receipts) entries.push_back({std::move(receipt), 0});
  connection_.broker().change_visibility(
      connection_.request_context(), queue, std::move(entries),
      connection_.wrap<std::vector<sdk::Status>>([server = connection_.server_ptr(), queue,
                                                  done = std::move(done)](
                                                     sdk::Result<std::vector<sdk::Status>> r) {
        if (!r.ok() && r.code() != sdk::ErrorCode::kQueueDoesNotExist) {
          server->logger.warn("amqp: returning deliveries to queue " + queue +
                              " failed (they return when their lease ends): " + r.error().message);
        }
        done();
      }));
}

bool Channel::expired(const sdk::ReceivedMessage& message, const AmqpMessage& content) const {
  auto properties = decode_basic_properties(content.properties);
  if (!properties.ok()) return false;
  auto expiration = parse_expiration(*properties);
  if (!expiration.ok() || !expiration->has_value()) return false;
  const auto now = std::chrono::time_point_cast<sdk::Millis>(std::chrono::system_clock::now());
  const auto ttl = static_cast<std::int64_t>(std::min<std::uint64_t>(**expiration, INT64_MAX / 2));
  return sdk::to_unix_millis(now) - sdk::to_unix_millis(message.sent_at) >= ttl;
}

void Channel::basic_get(const m::BasicGet& method) {
  const std::string queue = resolve_queue(method.queue);
  const auto fail = [&](const AmqpError& error) {
    channel_error(error, m::BasicGet::kId);
    finish_op(false);
  };
  if (queue.empty()) {
    return fail(amqp_error(ReplyCode::kNotFound,
                           "no previously declared queue on this channel (empty queue name)"));
  }
  if (auto locked = connection_.server().queues.check_access(queue, connection_.id())) {
    return fail(*locked);
  }
  get_from(queue, method.no_ack, 100);
}

void Channel::get_from(const std::string& queue, bool no_ack, int attempts_left) {
  sdk::ReceiveRequest request;
  request.queue = queue;
  request.max_messages = 1;
  request.wait_seconds = 0;
  request.visibility_seconds = static_cast<std::int32_t>(
      std::min<std::int64_t>(connection_.server().options.delivery_lease.count(), 43200));
  connection_.broker().receive_messages(
      connection_.request_context(), std::move(request),
      connection_.wrap<std::vector<sdk::ReceivedMessage>>(
          [self = shared_from_this(), queue, no_ack,
           attempts_left](sdk::Result<std::vector<sdk::ReceivedMessage>> received) {
            auto& connection = self->connection_;
            if (self->state_ != State::kOpen) {
              if (received.ok() && !received->empty()) {
                self->release_messages(queue, {(*received)[0].receipt_handle}, [] {});
              }
              return self->finish_op(false);
            }
            const bool empty =
                received.ok() ? received->empty() : received.code() == sdk::ErrorCode::kOverLimit;
            if (!received.ok() && !empty) {
              self->channel_error(
                  received.code() == sdk::ErrorCode::kQueueDoesNotExist
                      ? amqp_error(ReplyCode::kNotFound, "no queue '" + queue + "' in vhost '/'")
                      : from_broker_error(received.error()),
                  m::BasicGet::kId);
              return self->finish_op(false);
            }
            if (empty) {
              connection.send_method(self->id_, m::BasicGetEmpty{});
              return self->finish_op(false);
            }
            auto message = std::make_shared<sdk::ReceivedMessage>(std::move((*received)[0]));
            auto content = std::make_shared<AmqpMessage>(load_from(*message, queue));
            if (self->expired(*message, *content)) {
              // Expired at the head of the queue: drop it and look at the next one.
              connection.broker().delete_messages(
                  connection.request_context(), queue, {message->receipt_handle},
                  connection.wrap<std::vector<sdk::Status>>(
                      [self, queue, no_ack, attempts_left](sdk::Result<std::vector<sdk::Status>>) {
                        if (attempts_left > 0 && self->state_ == State::kOpen) {
                          return self->get_from(queue, no_ack, attempts_left - 1);
                        }
                        if (self->state_ == State::kOpen) {
                          self->connection_.send_method(self->id_, m::BasicGetEmpty{});
                        }
                        self->finish_op(false);
                      }));
              return;
            }
            // message-count (ready messages left) and the dead-letter queue, in one call.
            connection.broker().get_queue_attributes(
                connection.request_context(), queue,
                {"ApproximateNumberOfMessages", "RedrivePolicy"},
                connection.wrap<sdk::AttributeMap>(
                    [self, queue, no_ack, message, content](sdk::Result<sdk::AttributeMap> attrs) {
                      auto& conn = self->connection_;
                      if (self->state_ != State::kOpen) {
                        self->release_messages(queue, {message->receipt_handle}, [] {});
                        return self->finish_op(false);
                      }
                      std::string dead_letter_queue;
                      std::uint32_t count = 0;
                      if (attrs.ok()) {
                        count = parse_count(*attrs);
                        if (auto it = attrs->find("RedrivePolicy"); it != attrs->end()) {
                          dead_letter_queue =
                              dead_letter_queue_of(it->second, [&](const std::string& arn) {
                                auto q = conn.broker().queue_from_arn(arn);
                                return q.ok() ? q.value() : std::string();
                              });
                        }
                      }
                      const std::uint64_t tag = self->next_delivery_tag_++;
                      m::BasicGetOk ok;
                      ok.delivery_tag = tag;
                      ok.redelivered = message->receive_count > 1;
                      ok.exchange = content->exchange;
                      ok.routing_key = content->routing_key;
                      ok.message_count = count;
                      conn.send_content(self->id_, ok, content->properties, content->body);
                      if (no_ack) {
                        conn.broker().delete_messages(
                            conn.request_context(), queue, {message->receipt_handle},
                            conn.wrap<std::vector<sdk::Status>>(
                                [](sdk::Result<std::vector<sdk::Status>>) {}));
                      } else {
                        // basic.get deliveries do not count against any prefetch.
                        self->record_unacked(tag, queue, *message, "", nullptr, dead_letter_queue,
                                             false);
                      }
                      self->finish_op(false);
                    }));
          }));
}

}  // namespace sluice::plugins::amqp
