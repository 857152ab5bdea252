// basic.qos, basic.consume / cancel and the deliveries of push consumers.
#include "amqp_channel.hpp"
#include "amqp_connection.hpp"
#include "queue_arguments.hpp"
#include "queue_names.hpp"

namespace sluice::plugins::amqp {
namespace {

// The window of a consumer without an acknowledgement-based one (no-ack, or prefetch 0): how many
// deliveries may wait in our output for the socket. It bounds memory; TCP does the rest.
constexpr std::uint32_t kWriteWindow = 64;

std::int32_t lease_seconds(const AmqpOptions& options) {
  return static_cast<std::int32_t>(std::min<std::int64_t>(options.delivery_lease.count(), 43200));
}

}  // namespace

void Channel::basic_qos(const m::BasicQos& method) {
  if (method.prefetch_size != 0) {
    channel_error(amqp_error(ReplyCode::kNotImplemented,
                             "prefetch_size=" + std::to_string(method.prefetch_size) +
                                 " (only prefetch_count is supported, as in RabbitMQ)"),
                  m::BasicQos::kId);
    return finish_op(false);
  }
  if (method.global) {
    global_prefetch_ = method.prefetch_count;  // applies at once to the whole channel
    drain_held();
  } else {
    consumer_prefetch_ = method.prefetch_count;  // applies to consumers started from now on
  }
  connection_.send_method(id_, m::BasicQosOk{});
  finish_op(false);
}

void Channel::basic_consume(const m::BasicConsume& method) {
  const auto fail = [&](const AmqpError& error) {
    channel_error(error, m::BasicConsume::kId);
    finish_op(false);
  };
  const std::string queue = resolve_queue(method.queue);
  if (queue.empty()) {
    return fail(amqp_error(ReplyCode::kNotFound,
                           "no previously declared queue on this channel (empty queue name)"));
  }
  std::string tag = method.consumer_tag.empty() ? generate_consumer_tag() : method.consumer_tag;
  if (consumers_.count(tag) != 0) {
    return fail(amqp_error(ReplyCode::kNotAllowed, "attempt to reuse consumer tag '" + tag + "'"));
  }
  auto& server = connection_.server();
  if (auto locked = server.queues.check_access(queue, connection_.id())) return fail(*locked);
  server.broker.get_queue_attributes(
      connection_.request_context(), queue, {"RedrivePolicy"},
      connection_.wrap<sdk::AttributeMap>([self = shared_from_this(), method, queue,
                                           tag](sdk::Result<sdk::AttributeMap> attributes) {
        if (self->state_ != State::kOpen) return self->finish_op(false);
        if (!attributes.ok()) {
          self->channel_error(
              attributes.code() == sdk::ErrorCode::kQueueDoesNotExist
                  ? amqp_error(ReplyCode::kNotFound, "no queue '" + queue + "' in vhost '/'")
                  : from_broker_error(attributes.error()),
              m::BasicConsume::kId);
          return self->finish_op(false);
        }
        std::string dead_letter_queue;
        if (auto it = attributes->find("RedrivePolicy"); it != attributes->end()) {
          auto& broker = self->connection_.broker();
          dead_letter_queue = dead_letter_queue_of(it->second, [&](const std::string& arn) {
            auto q = broker.queue_from_arn(arn);
            return q.ok() ? q.value() : std::string();
          });
        }
        self->start_consumer(method, queue, tag, dead_letter_queue);
        self->finish_op(false);
      }));
}

void Channel::start_consumer(const m::BasicConsume& method, std::string queue, std::string tag,
                             std::string dead_letter_queue) {
  if (consumers_.count(tag) != 0) {
    channel_error(amqp_error(ReplyCode::kNotAllowed, "attempt to reuse consumer tag '" + tag + "'"),
                  m::BasicConsume::kId);
    return;
  }
  auto& server = connection_.server();
  if (auto refused = server.queues.add_consumer(queue, method.exclusive)) {
    channel_error(*refused, m::BasicConsume::kId);
    return;
  }
  std::uint32_t prefetch = consumer_prefetch_;
  if (global_prefetch_ > 0)
    prefetch =
        prefetch == 0 ? global_prefetch_ : std::min<std::uint32_t>(prefetch, global_prefetch_);
  Consumer consumer;
  consumer.tag = tag;
  consumer.queue = queue;
  consumer.no_ack = method.no_ack;
  consumer.settle_on_write = method.no_ack || prefetch == 0;
  consumer.dead_letter_queue = std::move(dead_letter_queue);

  sdk::ConsumeRequest request;
  request.queue = queue;
  request.prefetch = consumer.settle_on_write ? kWriteWindow : prefetch;
  request.visibility_seconds = lease_seconds(server.options);
  // Deliveries come on core threads; they run here on the strand, after the consume-ok below
  // (this handler is running on the strand now, so nothing posted can overtake it).
  auto strand = connection_.strand();
  std::weak_ptr<Channel> weak = weak_from_this();
  auto server_ptr = connection_.server_ptr();
  auto context = connection_.request_context();
  request.on_message = [strand, weak, tag, queue, server_ptr,
                        context](sdk::ReceivedMessage message) {
    const std::string receipt = message.receipt_handle;
    const bool posted = server_ptr->post_to(
        strand, [weak, tag, queue, server_ptr, context, message = std::move(message)]() mutable {
          if (auto self = weak.lock()) return self->on_delivery(tag, queue, std::move(message));
          // The channel is gone: give the message back at once rather than after its lease.
          server_ptr->broker.change_visibility(context, queue, {{message.receipt_handle, 0}},
                                               [](sdk::Result<std::vector<sdk::Status>>) {});
        });
    if (!posted) {
      server_ptr->broker.change_visibility(context, queue, {{receipt, 0}},
                                           [](sdk::Result<std::vector<sdk::Status>>) {});
    }
  };
  request.on_cancelled = [strand, weak, tag, server_ptr](sdk::Error error) {
    server_ptr->post_to(strand, [weak, tag, error = std::move(error)] {
      if (auto self = weak.lock()) self->on_consumer_ended(tag, error);
    });
  };
  server.begin_work();  // until the consumer's cancel completes
  auto handle = server.broker.consume(connection_.request_context(), std::move(request));
  if (!handle.ok()) {
    server.end_work();
    server.queues.remove_consumer(queue);
    channel_error(from_broker_error(handle.error()), m::BasicConsume::kId);
    return;
  }
  consumer.handle = std::move(handle).value();
  consumers_.emplace(tag, std::move(consumer));
  if (!method.no_wait) {
    m::BasicConsumeOk ok;
    ok.consumer_tag = tag;
    connection_.send_method(id_, ok);
  }
}

void Channel::basic_cancel(const m::BasicCancel& method) {
  end_consumer(method.consumer_tag);  // an unknown tag is not an error (spec; RabbitMQ agrees)
  if (!method.no_wait) {
    m::BasicCancelOk ok;
    ok.consumer_tag = method.consumer_tag;
    connection_.send_method(id_, ok);
  }
  finish_op(false);
}

void Channel::end_consumer(const std::string& tag) {
  auto it = consumers_.find(tag);
  if (it == consumers_.end()) return;
  Consumer consumer = std::move(it->second);
  consumers_.erase(it);
  // Deliveries already made stay unacknowledged on the channel; held ones go back.
  for (auto held = held_.begin(); held != held_.end();) {
    if (held->consumer_tag == tag) {
      release_messages(held->queue, {held->message.receipt_handle}, [] {});
      held = held_.erase(held);
    } else {
      ++held;
    }
  }
  consumer.handle->cancel([server = connection_.server_ptr()] { server->end_work(); });
  auto& server = connection_.server();
  if (server.queues.remove_consumer(consumer.queue)) {
    // The last consumer of an auto-delete queue is gone: so is the queue.
    server.queues.forget(consumer.queue);
    server.broker.delete_queue(connection_.request_context(), consumer.queue,
                               connection_.wrap_status([](sdk::Status) {}));
  }
}

void Channel::on_consumer_ended(const std::string& tag, const sdk::Error& error) {
  if (consumers_.count(tag) == 0) return;  // we had cancelled it already
  connection_.server().logger.debug("amqp consumer " + tag +
                                    " ended by the broker: " + error.message);
  if (state_ == State::kOpen && connection_.client_capabilities().consumer_cancel_notify) {
    m::BasicCancel cancel;
    cancel.consumer_tag = tag;
    cancel.no_wait = true;
    connection_.send_method(id_, cancel);
  }
  end_consumer(tag);
}

void Channel::on_delivery(const std::string& tag, const std::string& queue,
                          sdk::ReceivedMessage message) {
  auto it = consumers_.find(tag);
  if (state_ != State::kOpen || it == consumers_.end()) {
    release_messages(queue, {message.receipt_handle}, [] {});
    return;
  }
  Consumer& consumer = it->second;
  AmqpMessage content = load_from(message, queue);
  if (expired(message, content)) {
    connection_.broker().delete_messages(
        connection_.request_context(), queue, {message.receipt_handle},
        connection_.wrap<std::vector<sdk::Status>>([](sdk::Result<std::vector<sdk::Status>>) {}));
    consumer.handle->settle(1);
    return;
  }
  if (!consumer.no_ack && global_prefetch_ > 0 && global_unacked_ >= global_prefetch_) {
    held_.push_back(Held{tag, queue, std::move(message)});
    return;
  }
  deliver(consumer, std::move(message), content);
}

void Channel::deliver(Consumer& consumer, sdk::ReceivedMessage message,
                      const AmqpMessage& content) {
  const std::uint64_t tag = next_delivery_tag_++;
  m::BasicDeliver deliver;
  deliver.consumer_tag = consumer.tag;
  deliver.delivery_tag = tag;
  deliver.redelivered = message.receive_count > 1;
  deliver.exchange = content.exchange;
  deliver.routing_key = content.routing_key;
  std::function<void()> written;
  if (consumer.settle_on_write) written = [window = consumer.handle] { window->settle(1); };
  connection_.send_content(id_, deliver, content.properties, content.body, std::move(written));
  if (consumer.no_ack) {
    // Auto-ack: the message is done once sent (at most once, as with RabbitMQ).
    connection_.broker().delete_messages(
        connection_.request_context(), consumer.queue, {message.receipt_handle},
        connection_.wrap<std::vector<sdk::Status>>([](sdk::Result<std::vector<sdk::Status>>) {}));
    return;
  }
  record_unacked(tag, consumer.queue, message, consumer.tag,
                 consumer.settle_on_write ? nullptr : consumer.handle, consumer.dead_letter_queue,
                 /*counts_global=*/true);
}

void Channel::record_unacked(std::uint64_t tag, const std::string& queue,
                             const sdk::ReceivedMessage& message, const std::string& consumer_tag,
                             std::shared_ptr<sdk::Consumer> window,
                             const std::string& dead_letter_queue, bool counts_global) {
  Unacked& unacked = unacked_[tag];
  unacked.queue = queue;
  unacked.receipt = message.receipt_handle;
  unacked.consumer_tag = consumer_tag;
  unacked.window = std::move(window);
  unacked.counts_global = counts_global;
  unacked.delivered_at = Clock::now();
  if (!dead_letter_queue.empty()) {
    // What reject/nack with requeue=false sends to the dead-letter queue: the stored form.
    auto copy = std::make_shared<sdk::SendEntry>();
    copy->body = message.body;
    copy->attributes = message.attributes;
    copy->native_protocol = message.native_protocol;
    copy->native_properties = message.native_properties;
    unacked.dead_letter_copy = std::move(copy);
    unacked.dead_letter_queue = dead_letter_queue;
  }
  if (counts_global) ++global_unacked_;
}

void Channel::drain_held() {
  while (!held_.empty() && (global_prefetch_ == 0 || global_unacked_ < global_prefetch_)) {
    Held held = std::move(held_.front());
    held_.pop_front();
    auto it = consumers_.find(held.consumer_tag);
    if (it == consumers_.end()) {
      release_messages(held.queue, {held.message.receipt_handle}, [] {});
      continue;
    }
    AmqpMessage content = load_from(held.message, held.queue);
    deliver(it->second, std::move(held.message), content);
  }
}

}  // namespace sluice::plugins::amqp
