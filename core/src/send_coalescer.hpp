// SendCoalescer: group commit for sends. Concurrent sends to one queue are gathered into one
// QueueStore::append (one backend round trip, one fsync). At most one append per queue is in
// flight; sends that arrive meanwhile wait and go together in the next append, up to
// `max_batch` messages (a single request is never split, so it may exceed that on its own).
//
// Order: a send takes its place with reserve() in the caller's thread, before any work is handed
// to the pool, and fills it in later with fill(). Appends take filled places strictly in reserve()
// order and stop at the first place not yet filled, so a queue's messages reach the store in the
// order the send calls were made, even when their validation ran on different pool threads.
//
// Threads: reserve()/fill()/abandon() from any thread. The append and the `done` callbacks run on
// the executor given at construction (the storage pool).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sluice/sdk/result.hpp"
#include "sluice/sdk/storage.hpp"
#include "sluice/sdk/types.hpp"

namespace sluice::core {

class SendCoalescer {
 public:
  using Outcomes = sdk::Result<std::vector<sdk::AppendOutcome>>;
  // Runs a task on the pool; returns false if the pool no longer accepts work.
  using Executor = std::function<bool(std::function<void()>)>;
  // The store call; receives one queue's gathered messages.
  using AppendFn = std::function<Outcomes(const std::string& queue,
                                          const std::vector<sdk::NewMessage>& messages)>;
  // Receives the outcomes of this request's messages only, in its order.
  using Done = std::function<void(Outcomes)>;

  struct Slot;
  using Ticket = std::shared_ptr<Slot>;

  SendCoalescer(Executor executor, AppendFn append, std::uint32_t max_batch);

  // Takes the next place in `queue`'s send order. Every ticket must be filled or abandoned.
  Ticket reserve(const std::string& queue);
  // Hands over the ticket's messages; `done` runs once they are appended (or failed). An empty
  // `messages` completes `done` with no outcomes without a store call.
  void fill(const Ticket& ticket, std::vector<sdk::NewMessage> messages, Done done);
  // Gives the place up (the send failed before reaching the store).
  void abandon(const Ticket& ticket);

 private:
  struct QueueState {
    std::deque<Ticket> pending;
    bool appending = false;
  };

  // Starts a drain if the queue's first place is ready and none runs. Requires mutex_ held;
  // returns true if the caller must post drain(queue).
  bool should_start_locked(QueueState& state);
  void start_drain(const std::string& queue);
  void drain(const std::string& queue);

  Executor executor_;
  AppendFn append_;
  std::uint32_t max_batch_;
  std::mutex mutex_;
  std::map<std::string, QueueState> queues_;
};

struct SendCoalescer::Slot {
  std::string queue;
  std::vector<sdk::NewMessage> messages;
  Done done;
  bool ready = false;
};

}  // namespace sluice::core
