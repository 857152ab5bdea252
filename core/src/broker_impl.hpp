// Broker::Impl: the broker's state, shared by the broker_*.cpp files (one per group of
// operations). Private to the core.
//
// Lifetime: Broker holds the only long-lived reference. Pool tasks and timer callbacks capture a
// raw `this`: stop() closes the waiters, ends the consumers, stops the timer thread and drains
// the pool before the Impl can go away. Push consumers, which front ends may keep after the
// broker is gone, hold a weak_ptr (see ConsumerHost).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "envelope_sealer.hpp"
#include "long_poll_waiters.hpp"
#include "move_tasks.hpp"
#include "push_consumers.hpp"
#include "receipt_codec.hpp"
#include "receive_attempts.hpp"
#include "send_coalescer.hpp"
#include "sluice/core/broker.hpp"
#include "sluice/core/queue_registry.hpp"
#include "storage_pool.hpp"
#include "timer_thread.hpp"

namespace sluice::core {

struct ReceiveOp;

struct Broker::Impl final : public ConsumerHost, public std::enable_shared_from_this<Impl> {
  enum class State : std::uint8_t { kIdle, kRunning, kStopping, kStopped };

  Impl(std::shared_ptr<sdk::QueueStore> store, BrokerOptions options,
       std::shared_ptr<const Clock> clock, std::shared_ptr<sdk::Logger> logger);
  ~Impl() override;

  void start();
  void stop();
  bool running() const { return state.load() == State::kRunning; }

  // Runs `work` on the pool and passes its result to `done`. When the broker is not running,
  // `done` gets kServiceUnavailable inline (documented in broker.hpp).
  template <typename T, typename Work>
  void submit(sdk::Completion<T> done, Work work);
  template <typename Work>
  void submit_status(sdk::StatusCompletion done, Work work);

  // --- send path (broker_send.cpp) ---
  using SendOutcomes = std::vector<sdk::Result<sdk::SendOutcome>>;
  using SendDone = std::shared_ptr<sdk::Completion<SendOutcomes>>;
  // Validates each entry of an already valid batch, builds the stored messages and fills
  // `ticket` with them; `done` runs once they are appended. `on_pool`: false when called from
  // the caller's (front end's) thread.
  void prepare_and_fill(const sdk::RequestContext& ctx, const std::string& queue,
                        std::vector<sdk::SendEntry>& entries, const QueueSettings& settings,
                        const SendDone& done, const SendCoalescer::Ticket& ticket, bool on_pool);
  // Ends a send that never reaches the store: gives its place up and completes it on the pool.
  void finish_send_early(const SendCoalescer::Ticket& ticket, const SendDone& done,
                         sdk::Result<SendOutcomes> result, bool on_pool);

  // --- receive path (broker_receive.cpp) ---
  void receive_attempt(const std::shared_ptr<ReceiveOp>& op);
  void finish_receive(const std::shared_ptr<ReceiveOp>& op,
                      sdk::Result<std::vector<sdk::ReceivedMessage>> result);
  // Claims with the queue's policies and turns deliveries into ReceivedMessages with signed
  // handles. `short_poll_over_limit_is_error`: kOverLimit is reported (standard short polls)
  // instead of yielding an empty result.
  sdk::Result<std::vector<sdk::ReceivedMessage>> claim_messages(
      const QueueSettings& settings, std::uint32_t max, std::int32_t visibility_seconds,
      bool over_limit_is_error, std::vector<std::string>* store_receipts);
  // Subscribes to the store's change notifications for `queue` once (shared stores only).
  void ensure_watch(const std::string& queue);

  // --- ConsumerHost (broker_consume.cpp) ---
  bool post(std::function<void()> task) override;
  sdk::Result<std::vector<sdk::ReceivedMessage>> claim_for_consumer(
      const std::string& queue, std::uint32_t max, std::int32_t visibility_seconds) override;
  void release(const std::string& queue,
               const std::vector<sdk::ReceivedMessage>& messages) override;
  LongPollWaiters::Id wait_for_messages(const std::string& queue,
                                        LongPollWaiters::Wake wake) override;
  void cancel_wait(LongPollWaiters::Id id) override;
  void forget_consumer(std::uint64_t id) override;
  void log_error(const std::string& message) override;

  // --- maintenance (broker_maintenance.cpp) ---
  void sweep_now();
  void schedule_move_step(const std::shared_ptr<MoveTask>& task, bool paced);
  void run_move_step(const std::shared_ptr<MoveTask>& task);
  // Encryption at rest: gives a move task's destination the data keys of its source.
  void share_keys_for_move(const MoveTask& task);
  // Called after a queue is deleted: ends its consumers and long polls, forgets its caches.
  void on_queue_deleted(const std::string& queue);

  // Fixed at construction. `options` is declared before `registry`, which keeps a reference.
  const std::shared_ptr<sdk::QueueStore> store;
  const BrokerOptions options;
  const std::shared_ptr<const Clock> clock;
  const std::shared_ptr<sdk::Logger> logger;
  QueueRegistry registry;
  const ReceiptCodec receipts;

  TimerThread timers;
  StoragePool pool;
  LongPollWaiters waiters;
  SendCoalescer coalescer;
  ReceiveAttempts attempts;
  PushConsumers consumers;
  MoveTasks move_tasks;

  // Set by use_encryption() before start(), then only read: null when no encryption plugin is
  // configured.
  std::unique_ptr<EnvelopeSealer> sealer;

  std::atomic<State> state{State::kIdle};
  std::atomic<std::uint64_t> next_consumer_id{1};
  std::atomic<bool> sweeping{false};
  std::mutex lifecycle_mutex;  // serialises start() and stop()
  std::vector<std::weak_ptr<TimerHandle>> periodic;

  std::mutex watch_mutex;
  // queue -> the store's watch (nullptr recorded when the store offers none)
  std::map<std::string, std::unique_ptr<sdk::WatchHandle>> watches;
};

inline sdk::Error broker_not_running() {
  return sdk::make_error(sdk::ErrorCode::kServiceUnavailable, "the broker is not running");
}

template <typename T, typename Work>
void Broker::Impl::submit(sdk::Completion<T> done, Work work) {
  if (!running()) {
    done(broker_not_running());
    return;
  }
  // Shared so that a refused post can still complete the call.
  auto shared_done = std::make_shared<sdk::Completion<T>>(std::move(done));
  const bool posted = pool.post([shared_done, work = std::move(work)]() mutable {
    sdk::Result<T> result = work();
    (*shared_done)(std::move(result));
  });
  if (!posted) (*shared_done)(broker_not_running());
}

template <typename Work>
void Broker::Impl::submit_status(sdk::StatusCompletion done, Work work) {
  if (!running()) {
    done(broker_not_running());
    return;
  }
  auto shared_done = std::make_shared<sdk::StatusCompletion>(std::move(done));
  const bool posted = pool.post([shared_done, work = std::move(work)]() mutable {
    sdk::Status status = work();
    (*shared_done)(std::move(status));
  });
  if (!posted) (*shared_done)(broker_not_running());
}

}  // namespace sluice::core
