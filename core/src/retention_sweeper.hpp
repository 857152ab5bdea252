// The retention sweep: deletes, in every queue, the messages older than the queue's
// MessageRetentionPeriod (counted from their send time, whatever their state). The broker runs
// it every options.sweep_interval on the storage pool; Broker::run_maintenance_now runs it
// inline. A failure on one queue is logged and the sweep goes on with the next one.
#pragma once

#include <cstdint>

#include "sluice/core/clock.hpp"
#include "sluice/core/queue_registry.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::core {

struct SweepReport {
  std::uint64_t queues = 0;
  std::uint64_t expired = 0;   // messages deleted
  std::uint64_t failures = 0;  // queues whose sweep failed (each logged)
};

// Store calls: run on the storage pool or a thread that may block.
SweepReport sweep_retention(QueueRegistry& registry, sdk::QueueStore& store, const Clock& clock,
                            sdk::Logger& logger);

}  // namespace sluice::core
