// Broker::consume and the ConsumerHost side of push consumers (see push_consumers.hpp).
#include <chrono>
#include <memory>

#include "broker_impl.hpp"
#include "message_validation.hpp"

namespace sluice::core {

sdk::Result<std::shared_ptr<sdk::Consumer>> Broker::consume(const sdk::RequestContext&,
                                                            sdk::ConsumeRequest request) {
  Impl* impl = impl_.get();
  if (!impl->running()) return broker_not_running();
  if (!request.on_message) {
    return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                           "consume on queue " + request.queue + ": on_message is required");
  }
  if (auto s = validate_visibility_timeout(request.visibility_seconds); !s) return s.error();
  const auto id = impl->next_consumer_id.fetch_add(1);
  auto consumer = std::make_shared<PushConsumer>(id, impl_, std::move(request));
  impl->consumers.add(consumer);
  consumer->begin();
  return std::shared_ptr<sdk::Consumer>(consumer);
}

sdk::Result<std::vector<sdk::ReceivedMessage>> Broker::Impl::claim_for_consumer(
    const std::string& queue, std::uint32_t max, std::int32_t visibility_seconds) {
  auto settings = registry.settings(queue);
  if (!settings.ok()) return settings.error();
  return claim_messages(*settings, max, visibility_seconds, /*over_limit_is_error=*/false, nullptr);
}

void Broker::Impl::release(const std::string& queue,
                           const std::vector<sdk::ReceivedMessage>& messages) {
  auto settings = registry.settings(queue);
  if (!settings.ok()) return;  // deleted: nothing to release
  const auto now = clock->now();
  std::vector<sdk::VisibilityChange> changes;
  for (const auto& message : messages) {
    auto decoded = receipts.decode(message.receipt_handle);
    if (decoded.ok()) changes.push_back({decoded->store_receipt, now});
  }
  if (changes.empty()) return;
  auto released = store->set_visibility(queue, changes, now);
  if (!released.ok()) {
    logger->error("queue " + queue + ": releasing " + std::to_string(changes.size()) +
                  " undelivered messages failed (they return after their visibility timeout): " +
                  released.error().message);
    return;
  }
  waiters.notify(queue, changes.size());
}

LongPollWaiters::Id Broker::Impl::wait_for_messages(const std::string& queue,
                                                    LongPollWaiters::Wake wake) {
  if (!running()) return 0;
  ensure_watch(queue);
  return waiters.add(queue, std::move(wake));
}

void Broker::Impl::cancel_wait(LongPollWaiters::Id id) { waiters.cancel(id); }

void Broker::Impl::forget_consumer(std::uint64_t id) { consumers.remove(id); }

}  // namespace sluice::core
