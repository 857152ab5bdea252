#include "amqp_channel.hpp"

#include "amqp_connection.hpp"

namespace sluice::plugins::amqp {
namespace {

// Methods that may run while earlier ones of the same kind are still in flight.
bool is_pipelined(const Method& method) {
  return std::holds_alternative<m::BasicPublish>(method) ||
         std::holds_alternative<m::BasicAck>(method) ||
         std::holds_alternative<m::BasicNack>(method) ||
         std::holds_alternative<m::BasicReject>(method);
}

struct Countdown {
  std::size_t left = 1;
  std::function<void()> done;
};

// A step function that runs `done` after it has been called once more than `add` was.
std::shared_ptr<Countdown> countdown(std::function<void()> done) {
  auto c = std::make_shared<Countdown>();
  c->done = std::move(done);
  return c;
}

void step(const std::shared_ptr<Countdown>& c) {
  if (--c->left == 0 && c->done) c->done();
}

}  // namespace

Channel::Channel(AmqpConnection& connection, std::uint16_t id)
    : connection_(connection),
      id_(id),
      pipeline_(std::make_shared<PublishPipeline>(
          connection.server_ptr(), connection.request_context(), connection.strand())) {}

Channel::~Channel() = default;

std::size_t Channel::pending_bytes() const {
  return waiting_bytes_ + pipeline_->pending_bytes() + body_.size();
}

// --- Frames ---

void Channel::handle_frame(Frame& frame) {
  if (state_ != State::kOpen) {
    // Closing: everything but channel.close / close-ok is discarded (spec 2.3.x).
    if (frame.type != FrameType::kMethod) return;
    auto method = decode_method(frame.payload);
    if (!method.ok()) return;
    if (std::holds_alternative<m::ChannelCloseOk>(*method) && state_ == State::kClosingByServer) {
      state_ = State::kClosed;
      connection_.forget_channel(id_);
    } else if (std::holds_alternative<m::ChannelClose>(*method) &&
               state_ == State::kClosingByServer) {
      // Both sides closed at once: each answers the other.
      connection_.send_method(id_, m::ChannelCloseOk{});
    }
    return;
  }
  if (frame.type == FrameType::kMethod) {
    if (publishing_) {
      connection_.connection_error(
          amqp_error(ReplyCode::kUnexpectedFrame,
                     "expected content " + std::string(header_ ? "body" : "header") +
                         " on channel " + std::to_string(id_) + ", got a method frame"),
          m::BasicPublish::kId);
      return;
    }
    auto method = decode_method(frame.payload);
    if (!method.ok()) {
      connection_.connection_error(method.error(), MethodId{});
      return;
    }
    handle_method(std::move(method).value());
    return;
  }
  handle_content_frame(frame);
}

void Channel::handle_content_frame(Frame& frame) {
  const auto unexpected = [&](const std::string& what) {
    connection_.connection_error(amqp_error(ReplyCode::kUnexpectedFrame, what),
                                 m::BasicPublish::kId);
  };
  if (!publishing_) {
    return unexpected("content frame on channel " + std::to_string(id_) +
                      " without a content method before it");
  }
  if (!header_) {
    if (frame.type != FrameType::kHeader) {
      return unexpected("expected content header on channel " + std::to_string(id_));
    }
    auto header = decode_content_header(frame.payload);
    if (!header.ok()) {
      connection_.connection_error(header.error(), m::BasicPublish::kId);
      return;
    }
    if (header->class_id != kBasicClass || header->weight != 0) {
      return unexpected("content header class " + std::to_string(header->class_id) + " weight " +
                        std::to_string(header->weight) + " does not match basic.publish");
    }
    if (auto properties = decode_basic_properties(header->properties); !properties.ok()) {
      connection_.connection_error(properties.error(), m::BasicPublish::kId);
      return;
    }
    const auto limit = connection_.server().options.max_message_bytes;
    if (header->body_size > limit) {
      publishing_.reset();
      channel_error(amqp_error(ReplyCode::kPreconditionFailed,
                               "message size " + std::to_string(header->body_size) +
                                   " is larger than configured max size " + std::to_string(limit)),
                    m::BasicPublish::kId);
      return;
    }
    header_ = std::move(header).value();
    body_.reserve(static_cast<std::size_t>(header_->body_size));
  } else {
    if (frame.type != FrameType::kBody) {
      return unexpected("expected content body on channel " + std::to_string(id_) +
                        ", got a header frame");
    }
    if (body_.size() + frame.payload.size() > header_->body_size) {
      connection_.connection_error(
          amqp_error(ReplyCode::kFrameError, "content body frames exceed the body size " +
                                                 std::to_string(header_->body_size) +
                                                 " announced in the header"),
          m::BasicPublish::kId);
      return;
    }
    body_ += frame.payload;
  }
  if (body_.size() < header_->body_size) return;
  // Complete: the message becomes a method to run in its turn.
  PendingOp op;
  AmqpMessage content;
  content.exchange = publishing_->exchange;
  content.routing_key = publishing_->routing_key;
  content.properties = std::move(header_->properties);
  content.body = std::move(body_);
  op.bytes = content.body.size();
  op.method = std::move(*publishing_);
  op.content = std::move(content);
  op.pipelined = true;
  publishing_.reset();
  header_.reset();
  body_.clear();
  enqueue(std::move(op));
}

void Channel::handle_method(Method method) {
  if (auto* publish = std::get_if<m::BasicPublish>(&method)) {
    publishing_ = std::move(*publish);  // its content frames follow
    return;
  }
  if (std::holds_alternative<m::ChannelCloseOk>(method)) return;  // nothing of ours to confirm
  PendingOp op;
  op.pipelined = is_pipelined(method);
  op.method = std::move(method);
  enqueue(std::move(op));
}

// --- Order ---

void Channel::enqueue(PendingOp op) {
  waiting_bytes_ += op.bytes;
  waiting_.push_back(std::move(op));
  pump();
}

void Channel::pump() {
  while (!waiting_.empty() && !running_exclusive_ && state_ == State::kOpen) {
    PendingOp& next = waiting_.front();
    if (!next.pipelined && running_pipelined_ > 0) break;
    PendingOp op = std::move(next);
    waiting_.pop_front();
    waiting_bytes_ -= op.bytes;
    if (op.pipelined) {
      ++running_pipelined_;
    } else {
      running_exclusive_ = true;
    }
    execute(op);
  }
  if (waiting_.empty() && running_pipelined_ == 0 && !running_exclusive_ && drained_) {
    auto done = std::move(drained_);
    drained_ = nullptr;
    done();
  }
}

void Channel::finish_op(bool pipelined) {
  if (pipelined) {
    if (running_pipelined_ > 0) --running_pipelined_;
  } else {
    running_exclusive_ = false;
  }
  pump();
  connection_.update_backpressure();
}

void Channel::execute(PendingOp& op) {
  const MethodId id = method_id(op.method);
  const auto not_allowed = [&](ReplyCode code, const std::string& why) {
    channel_error(amqp_error(code, why), id);
    finish_op(op.pipelined);
  };
  if (auto need = access_need(op.method)) {
    const std::string queue =
        need->names_last_queue ? resolve_queue(need->queue) : std::move(need->queue);
    if (auto refused = connection_.authorize(need->action, queue)) {
      return not_allowed(refused->code, refused->explanation);
    }
  }
  std::visit(
      [&](auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, m::BasicPublish>) {
          basic_publish(m, std::move(*op.content));
        } else if constexpr (std::is_same_v<M, m::BasicAck>) {
          basic_ack(m);
        } else if constexpr (std::is_same_v<M, m::BasicNack>) {
          basic_reject(m.delivery_tag, m.multiple, m.requeue, M::kId);
        } else if constexpr (std::is_same_v<M, m::BasicReject>) {
          basic_reject(m.delivery_tag, false, m.requeue, M::kId);
        } else if constexpr (std::is_same_v<M, m::ChannelClose>) {
          on_client_close();
          finish_op(false);
        } else if constexpr (std::is_same_v<M, m::ChannelFlow>) {
          if (!m.active) {
            return not_allowed(ReplyCode::kNotImplemented,
                               "channel.flow active=false is not supported (Sluice uses TCP "
                               "back-pressure)");
          }
          m::ChannelFlowOk ok;
          ok.active = true;
          connection_.send_method(id_, ok);
          finish_op(false);
        } else if constexpr (std::is_same_v<M, m::ChannelFlowOk>) {
          finish_op(false);  // we never send channel.flow, so there is nothing to match
        } else if constexpr (std::is_same_v<M, m::AccessRequest>) {
          m::AccessRequestOk ok;
          ok.ticket = 1;  // as RabbitMQ answers the 0-8 leftover
          connection_.send_method(id_, ok);
          finish_op(false);
        } else if constexpr (std::is_same_v<M, m::QueueDeclare>) {
          queue_declare(m);
        } else if constexpr (std::is_same_v<M, m::QueuePurge>) {
          queue_purge(m);
        } else if constexpr (std::is_same_v<M, m::QueueDelete>) {
          queue_delete(m);
        } else if constexpr (std::is_same_v<M, m::QueueBind>) {
          refuse_binding(M::kId, m.exchange);
        } else if constexpr (std::is_same_v<M, m::QueueUnbind>) {
          refuse_binding(M::kId, m.exchange);
        } else if constexpr (std::is_same_v<M, m::ExchangeDeclare>) {
          exchange_declare(m);
        } else if constexpr (std::is_same_v<M, m::ExchangeDelete>) {
          exchange_delete(m);
        } else if constexpr (std::is_same_v<M, m::ExchangeBind> ||
                             std::is_same_v<M, m::ExchangeUnbind>) {
          refuse_binding(M::kId, m.source);
        } else if constexpr (std::is_same_v<M, m::BasicQos>) {
          basic_qos(m);
        } else if constexpr (std::is_same_v<M, m::BasicConsume>) {
          basic_consume(m);
        } else if constexpr (std::is_same_v<M, m::BasicCancel>) {
          basic_cancel(m);
        } else if constexpr (std::is_same_v<M, m::BasicCancelOk>) {
          finish_op(false);  // the client's answer to our basic.cancel; RabbitMQ ignores it too
        } else if constexpr (std::is_same_v<M, m::BasicGet>) {
          basic_get(m);
        } else if constexpr (std::is_same_v<M, m::BasicRecover>) {
          basic_recover(true, true);
        } else if constexpr (std::is_same_v<M, m::BasicRecoverAsync>) {
          if (!m.requeue) {
            return not_allowed(ReplyCode::kNotImplemented,
                               "basic.recover-async with requeue=false is not supported");
          }
          basic_recover(true, false);
        } else if constexpr (std::is_same_v<M, m::ConfirmSelect>) {
          confirm_select(m);
        } else if constexpr (std::is_same_v<M, m::TxSelect>) {
          tx_select();
        } else if constexpr (std::is_same_v<M, m::TxCommit>) {
          tx_commit();
        } else if constexpr (std::is_same_v<M, m::TxRollback>) {
          tx_rollback();
        } else {
          // A method only the server sends, or one of another class on a channel.
          connection_.connection_error(
              amqp_error(ReplyCode::kCommandInvalid,
                         method_name(M::kId) + " is not a method a client may send on a channel"),
              M::kId);
          finish_op(op.pipelined);
        }
      },
      op.method);
}

// --- Errors and closing ---

void Channel::channel_error(const AmqpError& error, MethodId cause) {
  if (is_hard_error(error.code)) {
    connection_.connection_error(error, cause);
    return;
  }
  if (state_ != State::kOpen) return;
  connection_.server().logger.debug("amqp channel " + std::to_string(id_) +
                                    " closed by the server: " + reply_text(error));
  m::ChannelClose close;
  close.reply_code = static_cast<std::uint16_t>(error.code);
  close.reply_text = reply_text(error);
  close.class_id = cause.class_id;
  close.method_id = cause.method_id;
  state_ = State::kClosingByServer;
  connection_.send_method(id_, close);
  waiting_.clear();  // frames after the error are not executed (RabbitMQ discards them too)
  waiting_bytes_ = 0;
  release_everything([] {});
}

void Channel::on_client_close() {
  state_ = State::kClosingByClient;
  release_everything([self = shared_from_this()] {
    self->state_ = State::kClosed;
    self->connection_.send_method(self->id_, m::ChannelCloseOk{});
    self->connection_.forget_channel(self->id_);
  });
}

void Channel::shut_down(bool drain, std::function<void()> done) {
  if (state_ == State::kClosed || !drain || state_ != State::kOpen) {
    if (state_ == State::kOpen) {
      waiting_.clear();
      waiting_bytes_ = 0;
    }
    state_ = State::kClosed;
    release_everything(std::move(done));
    return;
  }
  // Run what was received first; the last of it may close the channel itself.
  drained_ = [self = shared_from_this(), done = std::move(done)]() mutable {
    self->state_ = State::kClosed;
    self->release_everything(std::move(done));
  };
  pump();
}

void Channel::release_everything(std::function<void()> done) {
  // A second request (a client close racing the connection's teardown) waits for the first.
  if (release_finished_) {
    done();
    return;
  }
  release_waiters_.push_back(std::move(done));
  if (release_started_) return;
  release_started_ = true;
  auto c = countdown([self = shared_from_this()] {
    self->release_finished_ = true;
    auto waiters = std::move(self->release_waiters_);
    self->release_waiters_.clear();
    for (auto& waiter : waiters) waiter();
  });
  auto& server = connection_.server();
  // Consumers: stop them; a delivery that still arrives finds no consumer and is released.
  for (auto& [tag, consumer] : consumers_) {
    ++c->left;
    auto strand = connection_.strand();
    consumer.handle->cancel([strand, c, server_ptr = connection_.server_ptr()] {
      server_ptr->post_to(strand, [c] { step(c); });
      server_ptr->end_work();
    });
    if (server.queues.remove_consumer(consumer.queue)) {
      ++c->left;
      server.queues.forget(consumer.queue);
      server.broker.delete_queue(connection_.request_context(), consumer.queue,
                                 connection_.wrap_status([c](sdk::Status) { step(c); }));
    }
  }
  consumers_.clear();
  // Deliveries not acknowledged, held back by the global prefetch, or acknowledged in a
  // transaction that was never committed: back to their queues.
  std::map<std::string, std::vector<std::string>> receipts;
  for (auto& [tag, delivery] : unacked_) receipts[delivery.queue].push_back(delivery.receipt);
  for (auto& held : held_) receipts[held.queue].push_back(held.message.receipt_handle);
  for (auto& tx : tx_acks_) receipts[tx.delivery.queue].push_back(tx.delivery.receipt);
  unacked_.clear();
  held_.clear();
  tx_acks_.clear();
  tx_publishes_.clear();
  global_unacked_ = 0;
  for (auto& [queue, list] : receipts) {
    ++c->left;
    release_messages(queue, std::move(list), [c] { step(c); });
  }
  // Publishes received before the close are stored before we report it done.
  ++c->left;
  pipeline_->when_idle([c] { step(c); });
  step(c);
}

void Channel::check_lease(Clock::time_point now) {
  if (state_ != State::kOpen || unacked_.empty()) return;
  const auto lease = connection_.server().options.delivery_lease;
  // Close a little before the claim runs out, so the release (not the lease) returns the
  // message and nobody else can hold it while this channel still does.
  const auto margin = std::min<Clock::duration>(std::chrono::seconds(2), lease / 4);
  const auto oldest = unacked_.begin()->second.delivered_at;
  if (now - oldest < lease - margin) return;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(lease).count();
  channel_error(amqp_error(ReplyCode::kPreconditionFailed,
                           "delivery acknowledgement on channel " + std::to_string(id_) +
                               " timed out. Timeout value used: " + std::to_string(ms) +
                               " ms (the delivery lease, delivery_lease_seconds)"),
                MethodId{});
}

std::string Channel::resolve_queue(const std::string& name) const {
  return name.empty() ? last_queue_ : name;
}

}  // namespace sluice::plugins::amqp
