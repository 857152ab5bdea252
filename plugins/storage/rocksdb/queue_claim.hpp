// One claim phase on one queue: hands out visible messages (standard: oldest visible_at first,
// quiet tenants before noisy ones; FIFO: claimable groups by head sequence, consecutive messages
// of each), and dead-letters messages over their receive limit, all in one transaction.
//
// Threading: the caller holds the source queue's mutex and, with DeadLetterMode::kMove, the
// dead-letter queue's mutex too (through QueuePairLock).
#pragma once

#include <cstdint>

#include "queue_handle.hpp"
#include "rocksdb_database.hpp"
#include "sluice/sdk/types.hpp"

namespace sluice::plugins::rocksdb {

// What a claim does with a candidate whose receive_count already reached spec.max_receives.
enum class DeadLetterMode : std::uint8_t {
  kDeliver,  // no usable dead-letter queue: deliver it like any other message
  kStop,     // the dead-letter queue is not locked: stop the phase before this message
  kMove,     // move it to the (locked) dead-letter queue
};

enum class ClaimOutcome : std::uint8_t {
  kDone,                  // claimed what there was, up to the budget
  kOverLimit,             // the in-flight limit was already reached: nothing claimed
  kStoppedForDeadLetter,  // kStop met a message to dead-letter; deliveries so far are committed
};

// Runs one phase: claims at most spec.max_messages - out.deliveries.size() messages and appends
// them to `out` (and dead-lettered ones to out.dead_lettered) only once the phase's transaction
// is committed. `dead_letter` must be non-null with kMove.
sdk::Result<ClaimOutcome> claim_phase(Database& db, QueueHandle& source, QueueHandle* dead_letter,
                                      const sdk::ClaimSpec& spec, DeadLetterMode mode,
                                      sdk::ClaimResult& out);

}  // namespace sluice::plugins::rocksdb
