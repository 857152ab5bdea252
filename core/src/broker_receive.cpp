// Broker::receive_messages: short and long polling on top of QueueStore::claim, the FIFO
// ReceiveRequestAttemptId cache, and the conversion of deliveries into ReceivedMessages with
// signed receipt handles.
//
// A long poll is a ReceiveOp that alternates between a claim on the pool and a registration in
// LongPollWaiters. Exactly one of three things completes it: a claim that found messages, a
// claim or wake-up after the deadline (or on close), or the deadline timer finding it registered.
#include <atomic>
#include <chrono>
#include <memory>

#include "broker_impl.hpp"
#include "envelope_codec.hpp"
#include "message_validation.hpp"

namespace sluice::core {

struct ReceiveOp {
  sdk::ReceiveRequest request;
  sdk::Completion<std::vector<sdk::ReceivedMessage>> done;
  ReceiveParameters params;
  bool started = false;  // parameters resolved, deadline set (touched by one attempt at a time)
  std::chrono::steady_clock::time_point deadline;
  std::atomic<bool> finished{false};
  std::atomic<LongPollWaiters::Id> waiter{0};
  std::weak_ptr<TimerHandle> deadline_timer;
};

void Broker::receive_messages(const sdk::RequestContext&, sdk::ReceiveRequest request,
                              sdk::Completion<std::vector<sdk::ReceivedMessage>> done) {
  Impl* impl = impl_.get();
  if (!impl->running()) {
    done(broker_not_running());
    return;
  }
  auto op = std::make_shared<ReceiveOp>();
  op->request = std::move(request);
  op->done = std::move(done);
  if (!impl->pool.post([impl, op] { impl->receive_attempt(op); })) {
    op->done(broker_not_running());
  }
}

void Broker::Impl::finish_receive(const std::shared_ptr<ReceiveOp>& op,
                                  sdk::Result<std::vector<sdk::ReceivedMessage>> result) {
  if (op->finished.exchange(true)) return;
  if (auto timer = op->deadline_timer.lock()) timer->cancel();
  op->done(std::move(result));
}

sdk::Result<std::vector<sdk::ReceivedMessage>> Broker::Impl::claim_messages(
    const QueueSettings& settings, std::uint32_t max, std::int32_t visibility_seconds,
    bool over_limit_is_error, std::vector<std::string>* store_receipts) {
  sdk::ClaimSpec spec;
  spec.max_messages = max;
  spec.visibility = std::chrono::seconds(visibility_seconds);
  spec.now = clock->now();
  if (settings.redrive && settings.redrive->max_receive_count > 0) {
    spec.max_receives = settings.redrive->max_receive_count;
    spec.dead_letter_queue = settings.redrive->dead_letter_queue;
    spec.dead_letter_resets_sent_at = settings.fifo;
  }
  spec.in_flight_limit = options.in_flight_limit;
  if (sealer && !spec.dead_letter_queue.empty()) {
    // Messages this claim dead-letters must be readable in the dead-letter queue. A missing
    // dead-letter queue is the claim's to handle (it then dead-letters nothing).
    auto shared = sealer->share_keys(settings.name, spec.dead_letter_queue);
    if (!shared && shared.code() != sdk::ErrorCode::kQueueDoesNotExist) {
      logger->warn("queue " + settings.name + ": " + shared.error().message);
    }
  }
  auto claimed = store->claim(settings.name, spec);
  if (!claimed.ok()) {
    if (claimed.code() == sdk::ErrorCode::kOverLimit && !over_limit_is_error) {
      return std::vector<sdk::ReceivedMessage>{};
    }
    if (claimed.code() == sdk::ErrorCode::kOverLimit) {
      return sdk::make_error(sdk::ErrorCode::kOverLimit,
                             "The maximum number of in flight messages (" +
                                 std::to_string(options.in_flight_limit) + ") on queue " +
                                 settings.name + " is reached.");
    }
    return claimed.error();
  }
  if (claimed->dead_lettered > 0 && logger->enabled(sdk::LogLevel::kDebug)) {
    logger->debug("queue " + settings.name + ": " + std::to_string(claimed->dead_lettered) +
                  " messages moved to dead-letter queue " + spec.dead_letter_queue);
  }
  std::vector<sdk::ReceivedMessage> out;
  out.reserve(claimed->deliveries.size());
  for (const auto& delivery : claimed->deliveries) {
    auto message = sealer ? sealer->open_delivery(settings, delivery) : decode_delivery(delivery);
    if (!message.ok()) {
      // The delivery stays claimed and comes back after its visibility; the DLQ policy, if any,
      // eventually moves it out of the way.
      logger->error("queue " + settings.name + ": " + message.error().message);
      continue;
    }
    message->receipt_handle = receipts.encode(
        DecodedReceipt{settings.name, settings.generation, spec.now, delivery.receipt});
    if (!delivery.dead_letter_source.empty()) {
      message->dead_letter_source_arn = registry.arn_of(delivery.dead_letter_source);
    }
    if (store_receipts) store_receipts->push_back(delivery.receipt);
    out.push_back(std::move(message).value());
  }
  return out;
}

void Broker::Impl::receive_attempt(const std::shared_ptr<ReceiveOp>& op) {
  if (op->finished.load()) return;
  auto settings = registry.settings(op->request.queue);
  if (!settings.ok()) return finish_receive(op, settings.error());
  const bool use_attempt_id = settings->fifo && !op->request.attempt_id.empty();

  if (!op->started) {
    auto params = resolve_receive_parameters(op->request, *settings);
    if (!params.ok()) return finish_receive(op, params.error());
    op->params = *params;
    op->started = true;
    op->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(op->params.wait_seconds);

    if (use_attempt_id) {
      // A retry of a lost reply: the same messages and handles, their visibility re-armed.
      const auto now = clock->now();
      if (auto cached = attempts.find(op->request.queue, op->request.attempt_id, now)) {
        std::vector<sdk::VisibilityChange> changes;
        const auto until = now + std::chrono::seconds(op->params.visibility_seconds);
        for (const auto& receipt : cached->store_receipts) changes.push_back({receipt, until});
        auto reset = store->set_visibility(op->request.queue, changes, now);
        bool all_ok = reset.ok();
        if (all_ok) {
          for (const auto& s : *reset) all_ok = all_ok && s.ok();
        }
        if (all_ok) return finish_receive(op, std::move(cached->messages));
        attempts.forget(op->request.queue, op->request.attempt_id);
      }
    }
    if (op->params.wait_seconds > 0) {
      std::weak_ptr<ReceiveOp> weak = op;
      op->deadline_timer =
          timers.after(std::chrono::seconds(op->params.wait_seconds), [this, weak] {
            auto self = weak.lock();
            if (!self) return;
            const auto id = self->waiter.load();
            if (id != 0 && waiters.cancel(id)) {
              if (!pool.post([this, self] {
                    finish_receive(self, std::vector<sdk::ReceivedMessage>{});
                  })) {
                finish_receive(self, std::vector<sdk::ReceivedMessage>{});
              }
            }
          });
    }
  }

  const bool long_poll = op->params.wait_seconds > 0;
  std::vector<std::string> store_receipts;
  // FIFO queues never report OverLimit (spec 7.7); standard short polls do.
  auto claimed =
      claim_messages(*settings, op->params.max_messages, op->params.visibility_seconds,
                     !long_poll && !settings->fifo, use_attempt_id ? &store_receipts : nullptr);
  if (!claimed.ok()) return finish_receive(op, claimed.error());
  if (!claimed->empty()) {
    if (use_attempt_id) {
      attempts.remember(op->request.queue, op->request.attempt_id, clock->now(),
                        ReceiveAttempts::Entry{*claimed, std::move(store_receipts)});
    }
    return finish_receive(op, std::move(claimed));
  }
  if (!long_poll || !running() || std::chrono::steady_clock::now() >= op->deadline) {
    return finish_receive(op, std::vector<sdk::ReceivedMessage>{});
  }

  ensure_watch(op->request.queue);
  const auto id = waiters.add(op->request.queue, [this, op](WakeReason reason) {
    // Runs on whichever thread woke us: hand the work to the pool.
    std::function<void()> next;
    if (reason == WakeReason::kClosed) {
      next = [this, op] { finish_receive(op, std::vector<sdk::ReceivedMessage>{}); };
    } else {
      next = [this, op] { receive_attempt(op); };
    }
    if (!pool.post(next)) finish_receive(op, std::vector<sdk::ReceivedMessage>{});
  });
  if (id == 0) return finish_receive(op, std::vector<sdk::ReceivedMessage>{});
  op->waiter.store(id);
  // The deadline may have passed while we were registering, after its timer looked for us.
  if (std::chrono::steady_clock::now() >= op->deadline && waiters.cancel(id)) {
    finish_receive(op, std::vector<sdk::ReceivedMessage>{});
  }
}

}  // namespace sluice::core
