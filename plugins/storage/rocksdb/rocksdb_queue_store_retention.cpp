// RocksDbQueueStore::expire: retention. Walks the queue's sent_at index from its floor, so the
// cost is O(messages expired), never a scan of the queue.
#include <limits>
#include <map>
#include <mutex>

#include "key_codec.hpp"
#include "queue_handle.hpp"
#include "queue_txn.hpp"
#include "queue_writer.hpp"
#include "rocksdb_database.hpp"
#include "rocksdb_queue_store.hpp"
#include "status_macros.hpp"
#include "store_guard.hpp"

namespace sluice::plugins::rocksdb {
namespace {

// Messages deleted per transaction: bounds the size of one WriteBatch.
constexpr std::uint64_t kChunk = 1024;
// After expiring at least this many messages in one call, compact the queue's key range so the
// tombstones go at once rather than whenever RocksDB gets to them.
constexpr std::uint64_t kCompactAfter = 10'000;
// A queue that deletes emptied after at least this many removals is compacted by the next sweep:
// otherwise the tombstones (and the data under them) wait in the memtable and in files until
// enough new writes come to trigger a compaction, which on an idle queue is never.
constexpr std::uint64_t kCompactEmptiedAfter = 10'000;

// Deletes up to kChunk messages sent before `cutoff`, in one transaction. Sets *more if there may
// be others.
sdk::Result<std::uint64_t> expire_chunk(Database& db, QueueHandle& queue, sdk::TimePoint cutoff,
                                        bool* more) {
  QueueTxn txn(db);
  QueueWriter writer(txn, queue);
  QueueState& state = writer.state();
  const std::string lower = floor_seek(queue.id, Tag::kSent, state.floors.get(Floor::kSent));
  const std::string upper = tag_limit(queue.id, Tag::kSent);
  const rdb::Slice lower_slice(lower), upper_slice(upper);
  auto it = db.iterate(db.index(), &lower_slice, &upper_slice);
  std::map<std::string, GroupRow> groups;  // FIFO: rows of the groups touched, stored at the end
  std::uint64_t expired = 0;
  *more = false;
  for (it->Seek(lower_slice); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const auto at = component_of(key);
    const auto seq = ordered_seq_of(key);
    if (!at || !seq) {
      return sdk::make_error(sdk::ErrorCode::kInternal,
                             "queue '" + queue.name + "': malformed key in its sent_at index");
    }
    if (time_from_component(*at) >= cutoff || expired == kChunk) {
      *more = expired == kChunk && time_from_component(*at) < cutoff;
      state.floors.raise(Floor::kSent, {*at, *seq});
      break;
    }
    SLUICE_RDB_ASSIGN_OR_RETURN(auto message, writer.read_state(*seq));
    if (!message) {  // an entry without its message: drop the entry
      txn.batch().Delete(db.index(), it->key());
      continue;
    }
    GroupRow* row = nullptr;
    if (queue.fifo) {
      auto [group, fresh] = groups.try_emplace(message->group_id);
      if (fresh) {
        SLUICE_RDB_ASSIGN_OR_RETURN(group->second, writer.read_group(message->group_id));
      }
      row = &group->second;
    }
    SLUICE_RDB_RETURN_IF_ERROR(writer.erase(*seq, *message, Placement::kUnknown, row));
    ++expired;
  }
  if (!it->status().ok()) return storage_error("scan", it->status());
  if (!it->Valid()) state.floors.raise(Floor::kSent, kPastEnd);
  for (auto& [group, row] : groups) {
    SLUICE_RDB_RETURN_IF_ERROR(writer.reindex_group(group, row, state.latest_now));
  }
  SLUICE_RDB_RETURN_IF_ERROR(txn.commit("expire"));
  return expired;
}

}  // namespace

sdk::Result<std::uint64_t> RocksDbQueueStore::expire(std::string_view queue,
                                                     sdk::TimePoint cutoff) {
  return guarded("expire", queue, [&] { return expire_unguarded(queue, cutoff); });
}

sdk::Result<std::uint64_t> RocksDbQueueStore::expire_unguarded(std::string_view queue,
                                                               sdk::TimePoint cutoff) {
  SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr handle, require(queue));
  std::uint64_t total = 0;
  bool emptied = false;
  {
    std::lock_guard lock(handle->mutex());
    SLUICE_RDB_RETURN_IF_ERROR(usable(*handle));
    bool more = true;
    while (more) {
      SLUICE_RDB_ASSIGN_OR_RETURN(const std::uint64_t expired,
                                  expire_chunk(*db_, *handle, cutoff, &more));
      total += expired;
    }
    emptied = handle->state.counters.total() == 0 &&
              handle->removed_since_compaction >= kCompactEmptiedAfter;
    if (emptied || total >= kCompactAfter) handle->removed_since_compaction = 0;
  }
  if (emptied || total >= kCompactAfter) compact_queue(handle->id);
  return total;
}

}  // namespace sluice::plugins::rocksdb
