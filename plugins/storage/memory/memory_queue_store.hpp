// MemoryQueueStore: the reference sdk::QueueStore. Keeps everything in process memory, so nothing
// survives the process; it defines the semantics every other store copies (see storage.hpp).
//
// Threading: every method may be called from any thread at once. Queues live in a map under a
// shared_mutex that is held only to find, add or drop a queue (and while reading queue records);
// each queue has its own mutex, so operations on different queues never contend. Two queue
// mutexes are held together only to dead-letter or move a message, taken in lock_order_before()
// order. No method throws: failures (including std::bad_alloc) come back as errors.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/storage.hpp"

namespace sluice::plugins::memory {

class QueueState;

class MemoryQueueStore final : public sdk::QueueStore {
 public:
  MemoryQueueStore();
  ~MemoryQueueStore() override;
  MemoryQueueStore(const MemoryQueueStore&) = delete;
  MemoryQueueStore& operator=(const MemoryQueueStore&) = delete;

  // A queue created with generation 0 gets a random non-zero generation.
  sdk::Result<sdk::QueueRecord> create_queue(const sdk::QueueRecord& queue) override;
  sdk::Result<sdk::QueueRecord> get_queue(std::string_view name) override;
  sdk::Result<sdk::QueueRecord> update_queue(const sdk::QueueRecord& queue) override;
  sdk::Status delete_queue(std::string_view name) override;
  // The page token is the last name of the previous page.
  sdk::Result<sdk::ListQueuesPage> list_queues(std::string_view prefix, std::size_t max,
                                               std::string_view page_token) override;

  sdk::Result<std::vector<sdk::AppendOutcome>> append(std::string_view queue,
                                                      std::span<const sdk::NewMessage> messages,
                                                      const sdk::AppendSpec& spec) override;
  // Caps a claim so the queue never holds more than spec.in_flight_limit messages in flight.
  // A dead-letter queue equal to `queue` itself counts as no dead-letter queue.
  sdk::Result<sdk::ClaimResult> claim(std::string_view queue, const sdk::ClaimSpec& spec) override;
  sdk::Result<std::vector<sdk::Status>> remove(std::string_view queue,
                                               std::span<const std::string> receipts) override;
  sdk::Result<std::vector<sdk::Status>> set_visibility(
      std::string_view queue, std::span<const sdk::VisibilityChange> changes,
      sdk::TimePoint now) override;
  sdk::Result<std::uint64_t> purge(std::string_view queue) override;
  sdk::Result<sdk::QueueCounts> counts(std::string_view queue, sdk::TimePoint now) override;
  sdk::Result<std::uint64_t> expire(std::string_view queue, sdk::TimePoint cutoff) override;
  // Moved messages keep their id, body, group, dedup key and sent_at; they restart with
  // receive_count 0, no dead_letter_source, visible at spec.now. A message without a
  // dead_letter_source when spec.destination is empty stops the move with kInvalidParameterValue;
  // a move onto the source queue itself is kInvalidParameterValue. On an error, messages moved
  // before it stay moved.
  sdk::Result<sdk::MoveResult> move(std::string_view from, const sdk::MoveSpec& spec) override;

 private:
  using QueuePtr = std::shared_ptr<QueueState>;

  static sdk::Error no_such_queue(std::string_view name);
  // nullptr if absent. Takes the map lock briefly.
  QueuePtr find(std::string_view name) const;
  sdk::Result<QueuePtr> require(std::string_view name) const;
  sdk::Result<sdk::ClaimResult> claim_unguarded(std::string_view queue, const sdk::ClaimSpec& spec);
  sdk::Result<sdk::MoveResult> move_unguarded(std::string_view from, const sdk::MoveSpec& spec);

  mutable std::shared_mutex queues_mutex_;
  std::map<std::string, QueuePtr, std::less<>> queues_;  // guarded by queues_mutex_
  std::uint64_t next_incarnation_ = 1;                   // guarded by queues_mutex_
  std::mt19937_64 random_;                               // guarded by queues_mutex_
  const std::uint64_t receipt_key_;
};

}  // namespace sluice::plugins::memory
