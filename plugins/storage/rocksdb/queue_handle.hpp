// QueueHandle: the in-process side of one queue of the RocksDB store: its immutable identity, the
// mutex that serialises its mutations, and a cached copy of its counters that is exact because
// only the holder of the mutex changes them, in the same WriteBatch that changes the database.
//
// Threading: name/id/fifo/generation are immutable. record_mutex() guards version and metadata.
// mutex() guards `deleted`, `needs_reload` and `state`; RocksDbQueueStore never takes the catalog
// lock while holding a queue mutex, and takes two queue mutexes only through QueuePairLock.
#pragma once

#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "key_codec.hpp"
#include "sluice/sdk/types.hpp"
#include "tenant_state.hpp"
#include "value_codec.hpp"

namespace sluice::plugins::rocksdb {

// The ordered indexes whose scans start at a floor (see IndexFloors).
enum class Floor : std::uint8_t {
  kReady,
  kPending,
  kSent,
  kHeads,
  kWaiting,
  kDedupOrder,
  kTenantReady,  // kTenantReady (tenants' visible messages)
  kTenantHeads,  // kTenantHead
  kCount
};

// A position in an ordered index: the 8-byte component after <qid><tag>, then the trailing seq
// (0 for the indexes whose keys do not end in one: kHead, kDedupOrder). Sequences start at 1.
struct FloorKey {
  std::uint64_t component = 0;
  std::uint64_t seq = 0;
  auto operator<=>(const FloorKey&) const = default;
};
inline constexpr FloorKey kPastEnd{std::numeric_limits<std::uint64_t>::max(),
                                   std::numeric_limits<std::uint64_t>::max()};

// The key where a scan from `floor` starts.
inline std::string floor_seek(std::uint64_t qid, Tag tag, FloorKey floor) {
  return floor.seq == 0 ? ordered_seek(qid, tag, floor.component)
                        : ordered_key(qid, tag, floor.component, floor.seq);
}

// Lower bounds of the live entries of each ordered index. Consumers delete entries at the front
// of these indexes (claims, expiry, pruning), and RocksDB keeps the tombstones until compaction;
// seeking to the floor instead of the index's start steps over them, which keeps a claim
// O(batch) rather than O(messages deleted since the last compaction).
//
// Invariant: no live entry of index i sorts below floor[i]. Inserting lowers the floor
// (note_insert); a scan that consumed every entry below a key may raise it there (raise), and the
// raise never passes an entry inserted by the same transaction. Floors live only in memory and
// restart at the start of each index when the store opens.
struct IndexFloors {
  std::array<FloorKey, static_cast<std::size_t>(Floor::kCount)> floor{};
  // The smallest key inserted by the current transaction, per index.
  std::array<FloorKey, static_cast<std::size_t>(Floor::kCount)> inserted{};

  IndexFloors() { begin(); }
  FloorKey get(Floor f) const { return floor[index(f)]; }
  void note_insert(Floor f, FloorKey key) {
    const auto i = index(f);
    floor[i] = std::min(floor[i], key);
    inserted[i] = std::min(inserted[i], key);
  }
  // Every live entry of `f` below `key` was deleted by the current transaction.
  void raise(Floor f, FloorKey key) {
    const auto i = index(f);
    floor[i] = std::max(floor[i], std::min(key, inserted[i]));
  }
  // Starts a transaction.
  void begin() { inserted.fill(kPastEnd); }

 private:
  static std::size_t index(Floor f) { return static_cast<std::size_t>(f); }
};

// What a transaction stages and commits as a whole.
struct QueueState {
  QueueCounters counters;
  IndexFloors floors;
  // The newest `now` any call on this queue carried. Calls without a `now` (remove, expire) file
  // FIFO groups relative to it; any value is correct, a recent one saves a later index move.
  sdk::TimePoint latest_now{};

  void see(sdk::TimePoint now) {
    if (now > latest_now) latest_now = now;
  }

  // Fair queues (tenant_index.hpp). The rows of the tenants the current transaction changed,
  // written into its batch by QueueTxn::commit: empty in a published state, so copying a state
  // to stage it stays cheap.
  std::map<std::string, TenantWork, std::less<>> tenants;
  // Heavy tenants' counts the transaction changed, in order; QueueHandle::publish applies them.
  std::vector<HeavyChange> heavy_changes;
  // Whether QueueHandle::heavy holds every heavy tenant of the database. Loaded by the first
  // claim that needs it; a reload (QueueState{}) clears it, so a failed write forgets the cache.
  bool heavy_loaded = false;
};

class QueueHandle {
 public:
  QueueHandle(std::string queue_name, const QueueRow& row, const QueueCounters& counters)
      : name(std::move(queue_name)),
        id(row.id),
        fifo(row.fifo),
        generation(row.generation),
        version(row.version),
        metadata(row.metadata) {
    state.counters = counters;
  }
  QueueHandle(const QueueHandle&) = delete;
  QueueHandle& operator=(const QueueHandle&) = delete;

  const std::string name;
  const std::uint64_t id;
  const bool fifo;
  const std::uint64_t generation;

  std::mutex& mutex() { return mutex_; }
  std::mutex& record_mutex() { return record_mutex_; }

  // Guarded by record_mutex().
  std::uint64_t version;
  std::string metadata;

  // Guarded by mutex().
  bool deleted = false;
  // Set when a write failed: the cached counters may disagree with the database, so the next
  // call reloads them (and restarts the floors) before using them.
  bool needs_reload = false;
  QueueState state;
  // Messages removed by deletes since the queue's key range was last compacted: once the queue
  // is empty, the retention sweep compacts it so their space is freed (rocksdb README).
  std::uint64_t removed_since_compaction = 0;
  // Heavy tenants (current only while state.heavy_loaded).
  HeavyTenants heavy;

  // Makes a committed transaction's staged state the queue's state.
  void publish(QueueState&& staged) {
    if (staged.heavy_loaded) {
      for (const HeavyChange& change : staged.heavy_changes) {
        heavy.set(change.tenant, change.in_flight);
      }
    }
    staged.heavy_changes.clear();
    staged.tenants.clear();
    state = std::move(staged);
  }

 private:
  std::mutex mutex_;
  std::mutex record_mutex_;
};

// Holds the mutexes of two distinct queues, taken in queue-id order so that dead-lettering and
// moves in opposite directions never deadlock.
class QueuePairLock {
 public:
  QueuePairLock(QueueHandle& a, QueueHandle& b)
      : first_(a.id < b.id ? a.mutex() : b.mutex()), second_(a.id < b.id ? b.mutex() : a.mutex()) {}

 private:
  std::unique_lock<std::mutex> first_;
  std::unique_lock<std::mutex> second_;
};

}  // namespace sluice::plugins::rocksdb
