#include "amqp_access.hpp"

#include <type_traits>

namespace sluice::plugins::amqp {

std::optional<AccessNeed> access_need(const Method& method) {
  return std::visit(
      [](const auto& m) -> std::optional<AccessNeed> {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, m::BasicPublish>) {
          if (!m.exchange.empty()) return std::nullopt;  // 404 from the publish itself
          return AccessNeed{"sqs:SendMessage", m.routing_key, false};
        } else if constexpr (std::is_same_v<M, m::QueueDeclare>) {
          if (m.passive) return AccessNeed{"sqs:GetQueueUrl", m.queue, true};
          return AccessNeed{"sqs:CreateQueue",
                            m.queue.empty() ? std::string(kServerNamedQueuePattern) : m.queue,
                            false};
        } else if constexpr (std::is_same_v<M, m::QueueDelete>) {
          return AccessNeed{"sqs:DeleteQueue", m.queue, true};
        } else if constexpr (std::is_same_v<M, m::QueuePurge>) {
          return AccessNeed{"sqs:PurgeQueue", m.queue, true};
        } else if constexpr (std::is_same_v<M, m::BasicConsume> || std::is_same_v<M, m::BasicGet>) {
          return AccessNeed{"sqs:ReceiveMessage", m.queue, true};
        } else {
          return std::nullopt;
        }
      },
      method);
}

}  // namespace sluice::plugins::amqp
