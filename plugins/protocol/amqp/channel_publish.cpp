// basic.publish to the default exchange, publisher confirms and transactions.
#include "amqp_channel.hpp"
#include "amqp_connection.hpp"
#include "queue_names.hpp"

namespace sluice::plugins::amqp {
namespace {

struct Countdown {
  std::size_t left = 1;
  std::function<void()> done;
  void step() {
    if (--left == 0 && done) done();
  }
};

}  // namespace

PublishItem Channel::make_item(const m::BasicPublish& method, AmqpMessage content) {
  PublishItem item;
  item.queue = method.routing_key;
  item.routable = is_valid_queue_name(method.routing_key);
  store_into(content, item.entry);
  return item;
}

void Channel::basic_publish(const m::BasicPublish& method, AmqpMessage content) {
  const auto fail = [&](const AmqpError& error) {
    channel_error(error, m::BasicPublish::kId);
    finish_op(true);
  };
  if (!method.exchange.empty()) {
    if (method.exchange.starts_with("amq.")) {
      return fail(amqp_error(ReplyCode::kNotImplemented,
                             "publishing to exchange '" + method.exchange +
                                 "': Sluice routes only through the default exchange \"\" so "
                                 "far (docs/amqp.md)"));
    }
    return fail(
        amqp_error(ReplyCode::kNotFound, "no exchange '" + method.exchange + "' in vhost '/'"));
  }
  if (method.immediate) {
    return fail(amqp_error(ReplyCode::kNotImplemented, "immediate=true"));
  }
  auto properties = decode_basic_properties(content.properties);
  if (properties.ok()) {
    if (auto expiration = parse_expiration(*properties); !expiration.ok()) {
      return fail(expiration.error());
    }
  }
  if (tx_mode_) {
    tx_publishes_.emplace_back(method, std::move(content));
    return finish_op(true);
  }
  const std::uint64_t seq = confirm_mode_ ? ++publish_seq_ : 0;
  // The content is kept only when a basic.return may need it.
  auto returned = method.mandatory ? std::make_shared<AmqpMessage>(content) : nullptr;
  PublishItem item = make_item(method, std::move(content));
  item.done = [self = shared_from_this(), method, returned, seq](const PublishOutcome& outcome) {
    self->on_published(method, returned ? *returned : AmqpMessage{}, seq, outcome);
    self->finish_op(true);
  };
  pipeline_->push(std::move(item));
}

void Channel::on_published(const m::BasicPublish& method, const AmqpMessage& content,
                           std::uint64_t seq, const PublishOutcome& outcome) {
  if (state_ != State::kOpen || connection_.closing()) return;
  switch (outcome.kind) {
    case PublishOutcome::Kind::kStored:
      break;
    case PublishOutcome::Kind::kNoRoute:
      if (method.mandatory) {
        // The return goes out before the confirm of the same message (RabbitMQ's order).
        flush_confirms();
        m::BasicReturn ret;
        ret.reply_code = static_cast<std::uint16_t>(ReplyCode::kNoRoute);
        ret.reply_text = "NO_ROUTE";
        ret.exchange = method.exchange;
        ret.routing_key = method.routing_key;
        connection_.send_content(id_, ret, content.properties, content.body);
      }
      break;  // unroutable messages are confirmed once routing found no queue
    case PublishOutcome::Kind::kRejected: {
      AmqpError error = from_broker_error(outcome.error);
      if (error.code != ReplyCode::kAccessRefused) error.code = ReplyCode::kPreconditionFailed;
      channel_error(error, m::BasicPublish::kId);
      return;
    }
    case PublishOutcome::Kind::kFailed:
      connection_.server().logger.warn("amqp publish to queue " + method.routing_key +
                                       " failed: " + outcome.error.message);
      if (seq == 0) {
        channel_error(from_broker_error(outcome.error), m::BasicPublish::kId);
        return;
      }
      flush_confirms();
      {
        m::BasicNack nack;
        nack.delivery_tag = seq;
        connection_.send_method(id_, nack);
        confirm_ack_upto_ = confirm_sent_upto_ = seq;
      }
      return;
  }
  if (seq != 0) confirm_ack_upto_ = seq;
}

void Channel::flush_confirms() {
  if (state_ != State::kOpen || confirm_ack_upto_ <= confirm_sent_upto_) return;
  m::BasicAck ack;
  ack.delivery_tag = confirm_ack_upto_;
  // Outcomes arrive in publish order, so everything up to here is confirmed: one ack covers
  // the whole run.
  ack.multiple = confirm_ack_upto_ > confirm_sent_upto_ + 1;
  connection_.send_method(id_, ack);
  confirm_sent_upto_ = confirm_ack_upto_;
}

void Channel::confirm_select(const m::ConfirmSelect& method) {
  if (tx_mode_) {
    channel_error(
        amqp_error(ReplyCode::kPreconditionFailed, "cannot switch from tx to confirm mode"),
        m::ConfirmSelect::kId);
    return finish_op(false);
  }
  if (!confirm_mode_) {
    confirm_mode_ = true;
    pipeline_->set_batch_end([weak = weak_from_this()] {
      if (auto self = weak.lock()) self->flush_confirms();
    });
  }
  if (!method.no_wait) connection_.send_method(id_, m::ConfirmSelectOk{});
  finish_op(false);
}

void Channel::tx_select() {
  if (confirm_mode_) {
    channel_error(
        amqp_error(ReplyCode::kPreconditionFailed, "cannot switch from confirm to tx mode"),
        m::TxSelect::kId);
    return finish_op(false);
  }
  tx_mode_ = true;
  connection_.send_method(id_, m::TxSelectOk{});
  finish_op(false);
}

void Channel::tx_commit() {
  if (!tx_mode_) {
    channel_error(amqp_error(ReplyCode::kPreconditionFailed, "channel is not transactional"),
                  m::TxCommit::kId);
    return finish_op(false);
  }
  auto publishes = std::move(tx_publishes_);
  tx_publishes_.clear();
  auto acks = std::make_shared<std::vector<TxAck>>(std::move(tx_acks_));
  tx_acks_.clear();
  // Publishes first, in order; then the acknowledgements; then commit-ok.
  auto stored = std::make_shared<Countdown>();
  stored->done = [self = shared_from_this(), acks] {
    std::vector<std::pair<std::uint64_t, Unacked>> by_action[3];
    for (auto& tx : *acks) {
      by_action[static_cast<int>(tx.action)].emplace_back(tx.tag, std::move(tx.delivery));
    }
    auto settled = std::make_shared<Countdown>();
    settled->done = [self] {
      if (self->state_ == State::kOpen) {
        self->connection_.send_method(self->id_, m::TxCommitOk{});
      }
      self->finish_op(false);
    };
    for (int action = 0; action < 3; ++action) {
      if (by_action[action].empty()) continue;
      ++settled->left;
      self->settle(std::move(by_action[action]), static_cast<Settle>(action),
                   [settled] { settled->step(); });
    }
    settled->step();
  };
  for (auto& [method, content] : publishes) {
    ++stored->left;
    auto returned = method.mandatory ? std::make_shared<AmqpMessage>(content) : nullptr;
    PublishItem item = make_item(method, std::move(content));
    item.done = [self = shared_from_this(), method, returned,
                 stored](const PublishOutcome& outcome) {
      self->on_published(method, returned ? *returned : AmqpMessage{}, 0, outcome);
      stored->step();
    };
    pipeline_->push(std::move(item));
  }
  stored->step();
}

void Channel::tx_rollback() {
  if (!tx_mode_) {
    channel_error(amqp_error(ReplyCode::kPreconditionFailed, "channel is not transactional"),
                  m::TxRollback::kId);
    return finish_op(false);
  }
  tx_publishes_.clear();
  // Acknowledgements made in the transaction are undone: those deliveries are unacknowledged
  // again (RabbitMQ does not redeliver them by itself either).
  for (auto& tx : tx_acks_) {
    if (tx.delivery.counts_global) ++global_unacked_;
    unacked_.emplace(tx.tag, std::move(tx.delivery));
  }
  tx_acks_.clear();
  connection_.send_method(id_, m::TxRollbackOk{});
  finish_op(false);
}

}  // namespace sluice::plugins::amqp
