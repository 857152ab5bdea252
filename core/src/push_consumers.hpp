// Push consumers (AMQP basic.consume and the like): a consumer with a prefetch window P gets
// messages pushed while fewer than P deliveries are unsettled. Its pump claims up to
// min(10, room) messages, calls on_message for each, serially, and when the queue is empty waits
// on the same LongPollWaiters as long polls, so sends, releases and the recheck tick wake it.
//
// Threads: Consumer methods are callable from any thread. The pump, on_message and on_cancelled
// run on the storage pool, one pump per consumer at a time, so on_message is never concurrent
// with itself and never follows on_cancelled. If the broker is already gone, cancel() runs
// `done` inline.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "long_poll_waiters.hpp"
#include "sluice/sdk/broker_api.hpp"

namespace sluice::core {

// What a consumer needs from the broker. Implemented by the broker; called on pool threads
// except post() and cancel_wait(), which may be called from any thread.
class ConsumerHost {
 public:
  virtual ~ConsumerHost() = default;
  // Runs `task` on the storage pool; false if the pool no longer accepts work.
  virtual bool post(std::function<void()> task) = 0;
  // Claims up to `max` messages for a push consumer. kQueueDoesNotExist ends the consumer; an
  // in-flight limit yields an empty result.
  virtual sdk::Result<std::vector<sdk::ReceivedMessage>> claim_for_consumer(
      const std::string& queue, std::uint32_t max, std::int32_t visibility_seconds) = 0;
  // Makes claimed but undelivered messages visible again (the consumer was cancelled between
  // claim and delivery).
  virtual void release(const std::string& queue,
                       const std::vector<sdk::ReceivedMessage>& messages) = 0;
  // Registers on the queue's waiters (0 if the broker is stopping); see LongPollWaiters.
  virtual LongPollWaiters::Id wait_for_messages(const std::string& queue,
                                                LongPollWaiters::Wake wake) = 0;
  virtual void cancel_wait(LongPollWaiters::Id id) = 0;
  // The consumer has ended: the broker drops its reference.
  virtual void forget_consumer(std::uint64_t id) = 0;
  virtual void log_error(const std::string& message) = 0;
};

class PushConsumer final : public sdk::Consumer, public std::enable_shared_from_this<PushConsumer> {
 public:
  PushConsumer(std::uint64_t id, std::weak_ptr<ConsumerHost> host, sdk::ConsumeRequest request);

  std::uint64_t id() const { return id_; }
  const std::string& queue() const { return request_.queue; }

  // Starts the first pump. Call once, after the broker registered the consumer.
  void begin();
  // The core ends the consumer (queue deleted, broker stopping): on_cancelled(error) runs once,
  // after any on_message in progress.
  void end(sdk::Error error);

  void settle(std::uint32_t count) override;
  void set_prefetch(std::uint32_t prefetch) override;
  void cancel(std::function<void()> done) override;

 private:
  enum class State : std::uint8_t { kActive, kCancelled, kEnded };

  void pump();
  void on_wake(WakeReason reason);
  // Schedules a pump if none is running or waiting and the window has room. Requires mutex_.
  void kick_locked(std::shared_ptr<ConsumerHost>& host);
  std::uint32_t room_locked() const;
  // Runs the end-of-life callbacks (outside the lock) once no pump is running.
  void finish(std::shared_ptr<ConsumerHost> host);

  const std::uint64_t id_;
  const std::weak_ptr<ConsumerHost> host_;
  const sdk::ConsumeRequest request_;

  std::mutex mutex_;
  State state_ = State::kActive;
  std::uint32_t prefetch_;
  std::uint32_t outstanding_ = 0;  // delivered, not yet settled
  bool pumping_ = false;           // a pump is queued or running
  LongPollWaiters::Id waiter_ = 0;
  std::vector<std::function<void()>> cancel_done_;
  std::optional<sdk::Error> end_error_;
  bool finished_ = false;
};

// The broker's table of live consumers. Thread-safe.
class PushConsumers {
 public:
  void add(std::shared_ptr<PushConsumer> consumer);
  void remove(std::uint64_t id);
  // Ends every consumer of `queue` with `error`.
  void end_queue(const std::string& queue, const sdk::Error& error);
  void end_all(const sdk::Error& error);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::shared_ptr<PushConsumer>> consumers_;
};

}  // namespace sluice::core
