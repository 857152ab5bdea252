// Time-based index maintenance of one queue, and the exact counts it makes cheap.
//
// Nothing happens in the database when a message's visible_at passes. Instead, calls that care
// (claim, counts, move) first advance the queue to their `now`: kPending entries whose time has
// come move to kReady, and FIFO groups waiting for a time move to the claimable heads, with the
// counters updated in the same batch. Each entry moves once per state change, so the cost is
// amortised O(1) per delivery; one advance costs O(entries that became visible since the last
// one) plus one seek per index. These batches are never synced: losing one to a power cut leaves
// the entries where they were, which the next advance repairs.
//
// Threading: the caller holds the queue's mutex.
#pragma once

#include "queue_handle.hpp"
#include "rocksdb_database.hpp"
#include "sluice/sdk/types.hpp"

namespace sluice::plugins::rocksdb {

sdk::Status advance_queue(Database& db, QueueHandle& queue, sdk::TimePoint now);

// The queue's exact counts at `now`: advances, then reads the counters, and corrects them for
// kReady entries filed by a call with a later `now` than this one (a bounded seek past `now`, empty
// unless callers' clocks disagree). Never scans the queue.
sdk::Result<sdk::QueueCounts> count_queue(Database& db, QueueHandle& queue, sdk::TimePoint now);

}  // namespace sluice::plugins::rocksdb
