// queue.declare / purge / delete, and the exchange and binding methods that phase 1 refuses.
#include <array>

#include "amqp_channel.hpp"
#include "amqp_connection.hpp"
#include "queue_arguments.hpp"
#include "queue_names.hpp"

namespace sluice::plugins::amqp {
namespace {

constexpr std::array<std::string_view, 6> kPredeclaredExchanges = {
    "amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match", "amq.rabbitmq.trace"};

bool is_predeclared(const std::string& exchange) {
  for (auto name : kPredeclaredExchanges) {
    if (name == exchange) return true;
  }
  return false;
}

AmqpError no_queue(const std::string& queue) {
  return amqp_error(ReplyCode::kNotFound, "no queue '" + queue + "' in vhost '/'");
}

AmqpError no_previous_queue() {
  return amqp_error(ReplyCode::kNotFound,
                    "no previously declared queue on this channel (empty queue name)");
}

AmqpError not_yet(const std::string& what) {
  return amqp_error(ReplyCode::kNotImplemented,
                    what +
                        ": Sluice supports only the default exchange (\"\", routing by queue "
                        "name) so far; exchanges and bindings come in a later version "
                        "(docs/amqp.md)");
}

std::uint32_t visible_count(const sdk::AttributeMap& attributes) {
  auto it = attributes.find("ApproximateNumberOfMessages");
  if (it == attributes.end()) return 0;
  std::uint64_t n = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(n, UINT32_MAX));
}

AmqpError broker_failure(const sdk::Error& error, const std::string& queue) {
  if (error.code == sdk::ErrorCode::kQueueDoesNotExist) return no_queue(queue);
  return from_broker_error(error);
}

}  // namespace

void Channel::queue_declare(const m::QueueDeclare& method) {
  const auto fail = [&](const AmqpError& error) {
    channel_error(error, m::QueueDeclare::kId);
    finish_op(false);
  };
  const bool server_named = method.queue.empty();
  const std::string name = server_named ? generate_queue_name() : method.queue;
  if (!server_named && !is_valid_queue_name(name)) {
    if (method.passive) return fail(no_queue(name));
    if (name.starts_with("amq.")) {
      return fail(amqp_error(ReplyCode::kAccessRefused,
                             "queue name '" + name + "' contains reserved prefix 'amq.*'"));
    }
    return fail(amqp_error(
        ReplyCode::kPreconditionFailed,
        "queue name '" + name.substr(0, 100) + "' cannot be used: " + std::string(kQueueNameRule)));
  }
  if (!method.passive && is_fifo_queue_name(name)) {
    return fail(amqp_error(ReplyCode::kNotImplemented,
                           "declaring FIFO queue '" + name +
                               "' over AMQP is not supported yet (create it with SQS "
                               "CreateQueue; AMQP clients can then consume from it)"));
  }
  QueueArguments arguments;
  if (!method.passive) {  // a passive declare ignores arguments, as RabbitMQ does
    auto parsed = parse_queue_arguments(method.arguments);
    if (!parsed.ok()) return fail(parsed.error());
    arguments = std::move(parsed).value();
  }
  auto& server = connection_.server();
  if (auto locked = server.queues.check_access(name, connection_.id())) return fail(*locked);

  server.broker.get_queue_attributes(
      connection_.request_context(), name, {"All"},
      connection_.wrap<sdk::AttributeMap>([self = shared_from_this(), method, name,
                                           arguments](sdk::Result<sdk::AttributeMap> existing) {
        auto& srv = self->connection_.server();
        const auto failed = [&](const AmqpError& error) {
          self->channel_error(error, m::QueueDeclare::kId);
          self->finish_op(false);
        };
        if (self->state_ != State::kOpen) return self->finish_op(false);
        if (existing.ok()) {
          if (!method.passive) {
            const auto queue_of = [&](const std::string& arn) {
              auto q = srv.broker.queue_from_arn(arn);
              return q.ok() ? q.value() : std::string();
            };
            const QueueArguments current = from_sqs_attributes(*existing, queue_of);
            if (auto e = check_equivalent(name, arguments, current)) return failed(*e);
          }
          return self->declare_existing(method, name, *existing, false);
        }
        if (existing.code() != sdk::ErrorCode::kQueueDoesNotExist) {
          return failed(from_broker_error(existing.error()));
        }
        if (method.passive) return failed(no_queue(name));
        if (auto e = srv.queues.check_declare(name, self->connection_.id(), method.exclusive,
                                              method.auto_delete, false)) {
          return failed(*e);
        }
        sdk::CreateQueueRequest request;
        request.name = name;
        request.attributes = to_sqs_attributes(
            arguments, [&](const std::string& q) { return srv.broker.queue_arn(q); });
        srv.broker.create_queue(self->connection_.request_context(), std::move(request),
                                self->connection_.wrap<sdk::QueueInfo>(
                                    [self, method, name](sdk::Result<sdk::QueueInfo> created) {
                                      if (self->state_ != State::kOpen)
                                        return self->finish_op(false);
                                      if (!created.ok()) {
                                        self->channel_error(from_broker_error(created.error()),
                                                            m::QueueDeclare::kId);
                                        return self->finish_op(false);
                                      }
                                      self->declare_existing(method, name, {}, true);
                                    }));
      }));
}

void Channel::declare_existing(const m::QueueDeclare& method, const std::string& name,
                               const sdk::AttributeMap& attributes, bool created_now) {
  auto& queues = connection_.server().queues;
  if (!method.passive) {
    if (auto e = queues.check_declare(name, connection_.id(), method.exclusive, method.auto_delete,
                                      !created_now)) {
      channel_error(*e, m::QueueDeclare::kId);
      return finish_op(false);
    }
    queues.record_declare(name, connection_.id(), method.exclusive, method.auto_delete);
  }
  last_queue_ = name;
  if (!method.no_wait) {
    m::QueueDeclareOk ok;
    ok.queue = name;
    ok.message_count = created_now ? 0 : visible_count(attributes);
    ok.consumer_count = queues.consumer_count(name);
    connection_.send_method(id_, ok);
  }
  finish_op(false);
}

void Channel::queue_purge(const m::QueuePurge& method) {
  const std::string queue = resolve_queue(method.queue);
  const auto fail = [&](const AmqpError& error) {
    channel_error(error, m::QueuePurge::kId);
    finish_op(false);
  };
  if (queue.empty()) return fail(no_previous_queue());
  auto& server = connection_.server();
  if (auto locked = server.queues.check_access(queue, connection_.id())) return fail(*locked);
  server.broker.get_queue_attributes(
      connection_.request_context(), queue, {"ApproximateNumberOfMessages"},
      connection_.wrap<sdk::AttributeMap>(
          [self = shared_from_this(), method, queue](sdk::Result<sdk::AttributeMap> attributes) {
            if (self->state_ != State::kOpen) return self->finish_op(false);
            if (!attributes.ok()) {
              self->channel_error(broker_failure(attributes.error(), queue), m::QueuePurge::kId);
              return self->finish_op(false);
            }
            const std::uint32_t count = visible_count(*attributes);
            self->connection_.broker().purge_queue(
                self->connection_.request_context(), queue,
                self->connection_.wrap_status([self, method, queue, count](sdk::Status status) {
                  if (self->state_ != State::kOpen) return self->finish_op(false);
                  if (!status.ok()) {
                    self->channel_error(broker_failure(status.error(), queue), m::QueuePurge::kId);
                    return self->finish_op(false);
                  }
                  if (!method.no_wait) {
                    m::QueuePurgeOk ok;
                    ok.message_count = count;
                    self->connection_.send_method(self->id_, ok);
                  }
                  self->finish_op(false);
                }));
          }));
}

void Channel::queue_delete(const m::QueueDelete& method) {
  const std::string queue = resolve_queue(method.queue);
  const auto fail = [&](const AmqpError& error) {
    channel_error(error, m::QueueDelete::kId);
    finish_op(false);
  };
  if (queue.empty()) return fail(no_previous_queue());
  auto& server = connection_.server();
  if (auto locked = server.queues.check_access(queue, connection_.id())) return fail(*locked);
  server.broker.get_queue_attributes(
      connection_.request_context(), queue, {"ApproximateNumberOfMessages"},
      connection_.wrap<sdk::AttributeMap>(
          [self = shared_from_this(), method, queue](sdk::Result<sdk::AttributeMap> attributes) {
            if (self->state_ != State::kOpen) return self->finish_op(false);
            const auto reply = [self, method](std::uint32_t count) {
              if (!method.no_wait) {
                m::QueueDeleteOk ok;
                ok.message_count = count;
                self->connection_.send_method(self->id_, ok);
              }
              self->finish_op(false);
            };
            auto& srv = self->connection_.server();
            if (!attributes.ok()) {
              if (attributes.code() == sdk::ErrorCode::kQueueDoesNotExist) {
                return reply(0);  // deleting a missing queue succeeds, as in RabbitMQ
              }
              self->channel_error(from_broker_error(attributes.error()), m::QueueDelete::kId);
              return self->finish_op(false);
            }
            const std::uint32_t count = visible_count(*attributes);
            if (method.if_unused && srv.queues.consumer_count(queue) > 0) {
              self->channel_error(amqp_error(ReplyCode::kPreconditionFailed,
                                             "queue '" + queue + "' in vhost '/' in use"),
                                  m::QueueDelete::kId);
              return self->finish_op(false);
            }
            if (method.if_empty && count > 0) {
              self->channel_error(amqp_error(ReplyCode::kPreconditionFailed,
                                             "queue '" + queue + "' in vhost '/' is not empty"),
                                  m::QueueDelete::kId);
              return self->finish_op(false);
            }
            srv.broker.delete_queue(
                self->connection_.request_context(), queue,
                self->connection_.wrap_status([self, queue, count, reply](sdk::Status status) {
                  if (!status.ok() && status.code() != sdk::ErrorCode::kQueueDoesNotExist) {
                    if (self->state_ == State::kOpen) {
                      self->channel_error(from_broker_error(status.error()), m::QueueDelete::kId);
                    }
                    return self->finish_op(false);
                  }
                  self->connection_.server().queues.forget(queue);
                  if (self->state_ != State::kOpen) return self->finish_op(false);
                  reply(count);
                }));
          }));
}

void Channel::exchange_declare(const m::ExchangeDeclare& method) {
  const auto fail = [&](const AmqpError& error) {
    channel_error(error, m::ExchangeDeclare::kId);
    finish_op(false);
  };
  if (method.exchange.empty()) {
    return fail(
        amqp_error(ReplyCode::kAccessRefused, "operation not permitted on the default exchange"));
  }
  if (method.passive && !is_predeclared(method.exchange)) {
    return fail(
        amqp_error(ReplyCode::kNotFound, "no exchange '" + method.exchange + "' in vhost '/'"));
  }
  fail(not_yet("exchange.declare of '" + method.exchange + "' (type '" + method.type + "')"));
}

void Channel::exchange_delete(const m::ExchangeDelete& method) {
  const auto fail = [&](const AmqpError& error) {
    channel_error(error, m::ExchangeDelete::kId);
    finish_op(false);
  };
  if (method.exchange.empty()) {
    return fail(
        amqp_error(ReplyCode::kAccessRefused, "operation not permitted on the default exchange"));
  }
  if (is_predeclared(method.exchange)) {
    return fail(amqp_error(ReplyCode::kAccessRefused,
                           "deletion of system exchange '" + method.exchange + "' is not allowed"));
  }
  fail(amqp_error(ReplyCode::kNotFound, "no exchange '" + method.exchange + "' in vhost '/'"));
}

void Channel::refuse_binding(MethodId method, const std::string& exchange) {
  if (exchange.empty()) {
    channel_error(
        amqp_error(ReplyCode::kAccessRefused, "operation not permitted on the default exchange"),
        method);
  } else {
    channel_error(not_yet(method_name(method) + " with exchange '" + exchange + "'"), method);
  }
  finish_op(false);
}

}  // namespace sluice::plugins::amqp
