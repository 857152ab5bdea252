// RocksDbQueueStore: Sluice's durable embedded sdk::QueueStore on RocksDB. One process owns the
// database directory (RocksDB locks it); every queue and message survives restarts, and with
// sync = true every acknowledged change survives power loss. Semantics match the in-memory
// reference store (plugins/storage/memory) and the conformance kit; README.md describes the key
// layout, durability and compaction.
//
// Threading: every method may be called from any thread at once. A catalog of queue handles sits
// under a shared_mutex held only to find, add or drop a handle; each queue has its own mutex that
// serialises its mutations, so operations on different queues run in parallel. Dead-lettering
// and moves hold two queue mutexes, taken in queue-id order. No method throws.
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

#include "rocksdb_store_options.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::plugins::rocksdb {

class Database;
class QueueHandle;

class RocksDbQueueStore final : public sdk::QueueStore {
 public:
  // Opens (creating if needed) the database at options.path. An error is one line: "cannot open
  // RocksDB at <path>: <reason>". `logger` (may be null) hears about background trouble that no
  // caller can act on, such as a failed compaction after a purge; it must outlive the store.
  static sdk::Result<std::unique_ptr<RocksDbQueueStore>> open(const RocksDbStoreOptions& options,
                                                              sdk::Logger* logger = nullptr);
  ~RocksDbQueueStore() override;
  RocksDbQueueStore(const RocksDbQueueStore&) = delete;
  RocksDbQueueStore& operator=(const RocksDbQueueStore&) = delete;

  // A queue created with generation 0 gets a random non-zero generation.
  sdk::Result<sdk::QueueRecord> create_queue(const sdk::QueueRecord& queue) override;
  sdk::Result<sdk::QueueRecord> get_queue(std::string_view name) override;
  sdk::Result<sdk::QueueRecord> update_queue(const sdk::QueueRecord& queue) override;
  // Drops the queue's record and, in the same batch, its whole key range (DeleteRange), then
  // compacts that range.
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
  // As MemoryQueueStore::move: moved messages keep id, body, group, dedup key and sent_at and
  // restart with receive_count 0, no dead_letter_source, visible at spec.now. A message without
  // a dead_letter_source when spec.destination is empty, or a move onto the source itself, is
  // kInvalidParameterValue. On an error, messages moved before it stay moved.
  sdk::Result<sdk::MoveResult> move(std::string_view from, const sdk::MoveSpec& spec) override;

 private:
  using HandlePtr = std::shared_ptr<QueueHandle>;

  RocksDbQueueStore(std::unique_ptr<Database> db, sdk::Logger* logger, std::uint64_t next_queue_id);

  static sdk::Error no_such_queue(std::string_view name);
  // The queue's handle, loaded from the database on first use; nullptr if there is no such queue.
  sdk::Result<HandlePtr> find(std::string_view name);
  sdk::Result<HandlePtr> require(std::string_view name);
  // As find(), with catalog_mutex_ held exclusively.
  sdk::Result<HandlePtr> find_locked(std::string_view name);
  // With the queue's mutex held: kQueueDoesNotExist once deleted; reloads the cached counters
  // after a failed write.
  sdk::Status usable(QueueHandle& queue);
  // Best effort: compacts the queue's key ranges after large deletions; failures are logged.
  void compact_queue(std::uint64_t queue_id);

  sdk::Result<sdk::ClaimResult> claim_unguarded(std::string_view queue, const sdk::ClaimSpec& spec);
  sdk::Result<sdk::MoveResult> move_unguarded(std::string_view from, const sdk::MoveSpec& spec);
  sdk::Result<std::uint64_t> expire_unguarded(std::string_view queue, sdk::TimePoint cutoff);

  const std::unique_ptr<Database> db_;
  sdk::Logger* const logger_;
  std::shared_mutex catalog_mutex_;
  std::map<std::string, HandlePtr, std::less<>> handles_;  // guarded by catalog_mutex_
  std::uint64_t next_queue_id_;                            // guarded by catalog_mutex_
  std::mt19937_64 random_;                                 // guarded by catalog_mutex_
};

}  // namespace sluice::plugins::rocksdb
