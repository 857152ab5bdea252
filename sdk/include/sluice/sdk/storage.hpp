// The storage SPI: queue-level operations, batch-shaped and synchronous. The core calls them from
// its own thread pool, never from an I/O thread, and may call any method from several threads at
// once: a QueueStore must be thread-safe. Atomicity that depends on where data lives (claims no
// two consumers share, FIFO group locks, deduplication, dead-lettering) lives here.
//
// Time is always passed in. A store never reads a clock.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/result.hpp"
#include "sluice/sdk/types.hpp"

namespace sluice::sdk {

// Returned by QueueStore::watch; dropping it stops the callbacks.
class WatchHandle {
 public:
  virtual ~WatchHandle() = default;
};

// The checks every store applies to a ClaimSpec before claiming (max_messages >= 1, a
// dead-letter queue whenever max_receives is set): kInvalidParameterValue naming `queue`.
Status check_claim_spec(std::string_view queue, const ClaimSpec& spec);

class QueueStore {
 public:
  virtual ~QueueStore() = default;

  // --- Queues -------------------------------------------------------------------------------
  // Creates `queue` with version 1. kQueueAlreadyExists if the name is taken (the core then
  // compares attributes itself).
  virtual Result<QueueRecord> create_queue(const QueueRecord& queue) = 0;
  // kQueueDoesNotExist if absent.
  virtual Result<QueueRecord> get_queue(std::string_view name) = 0;
  // Replaces metadata if queue.version equals the stored version (then bumps it); kConflict if
  // another writer got there first; kQueueDoesNotExist if absent. Name, fifo and generation never
  // change.
  virtual Result<QueueRecord> update_queue(const QueueRecord& queue) = 0;
  // Deletes the queue and all its messages. kQueueDoesNotExist if absent.
  virtual Status delete_queue(std::string_view name) = 0;
  // Queues whose name starts with `prefix`, in ascending name order, at most `max` (>= 1), after
  // `page_token` (a token returned by an earlier call, or empty for the first page).
  virtual Result<ListQueuesPage> list_queues(std::string_view prefix, std::size_t max,
                                             std::string_view page_token) = 0;

  // --- Messages -----------------------------------------------------------------------------
  // Stores all of `messages` in one atomic step: after a crash either all are there or none.
  // Returns one outcome per message, in order. A durable store returns only once they are durable.
  // On FIFO queues a message whose dedup_key was appended within spec.dedup_window is not stored
  // again: its outcome repeats the original id and sequence with duplicate = true. Dedup keys are
  // remembered for the window even after the original is removed.
  virtual Result<std::vector<AppendOutcome>> append(std::string_view queue,
                                                    std::span<const NewMessage> messages,
                                                    const AppendSpec& spec) = 0;

  // Claims up to spec.max_messages visible messages (visible_at <= now) and makes them invisible
  // until now + visibility, atomically: no two claims ever return the same message while its
  // visibility lasts. Each delivery gets a fresh receipt and receive_count + 1.
  // Standard queues: oldest visible first, best effort. Fair queues: messages of tenants that
  // are noisy when the claim starts (is_noisy_tenant in types.hpp) come only after every visible
  // message of the other tenants, so one tenant's backlog does not delay the others; noisy
  // tenants' messages still fill what is left of the batch, oldest first. A store's cost for this
  // must not grow with a noisy tenant's backlog.
  // FIFO queues: strict order per group; a group with any message in flight yields nothing; a
  // claim may take several consecutive messages of one group and messages of several groups.
  virtual Result<ClaimResult> claim(std::string_view queue, const ClaimSpec& spec) = 0;

  // Deletes the messages of these receipts. Per receipt: ok; ok if the message is already gone
  // (idempotent, as SQS); kReceiptHandleIsInvalid if the receipt is malformed, belongs to another
  // queue or generation, or was superseded by a later delivery of the same message.
  virtual Result<std::vector<Status>> remove(std::string_view queue,
                                             std::span<const std::string> receipts) = 0;

  // Sets the visible_at of in-flight deliveries. Per change: ok; kReceiptHandleIsInvalid as for
  // remove (and if the message is gone); kMessageNotInflight if its visibility already expired
  // (now >= visible_at).
  virtual Result<std::vector<Status>> set_visibility(std::string_view queue,
                                                     std::span<const VisibilityChange> changes,
                                                     TimePoint now) = 0;

  // Deletes every message (visible, delayed and in flight); returns how many.
  virtual Result<std::uint64_t> purge(std::string_view queue) = 0;
  virtual Result<QueueCounts> counts(std::string_view queue, TimePoint now) = 0;
  // Deletes messages sent before `cutoff` whatever their state; returns how many.
  virtual Result<std::uint64_t> expire(std::string_view queue, TimePoint cutoff) = 0;
  // Moves up to spec.max_messages visible messages, oldest first, from `from` to the destination
  // (or each message's dead_letter_source), each atomically: never in both queues, never in none.
  virtual Result<MoveResult> move(std::string_view from, const MoveSpec& spec) = 0;

  // Optional: calls `on_change` (from any thread) when messages may have become available in
  // `queue` because another process appended or released them. Stores shared by several brokers
  // implement it; single-process stores return nullptr (the core wakes its own waiters).
  virtual std::unique_ptr<WatchHandle> watch(std::string_view queue,
                                             std::function<void()> on_change) {
    (void)queue;
    (void)on_change;
    return nullptr;
  }
};

}  // namespace sluice::sdk
