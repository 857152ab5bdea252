// WalSyncGroup: group commit for writes that must be durable, done outside the queue locks.
//
// Why: a synced RocksDB Write() holds its caller for a whole fsync, and the store calls Write()
// with the queue's mutex held, so every append, claim and delete of a queue used to wait in line
// behind one fsync each. Instead a durable change is written without sync while the lock is held
// (it is applied and visible at once), the lock is released, and then the caller waits here until
// a SyncWAL() that started after its write has finished: one fsync covers every writer waiting at
// that moment, whatever queue or operation it was for. RocksDB documents Write() followed by
// SyncWAL() as this: durable once SyncWAL() returns, visible to readers before.
//
// Nothing acknowledged can depend on something lost: the WAL is written in order, so a sync that
// covers a write covers every write that finished before it (a claim that delivers a message
// appended by a writer still waiting for its sync is acknowledged only after a sync that covers
// the append too).
//
// Threads: any. note_write() right after the unsynced Write() returns; wait() without holding any
// queue lock.
#pragma once

#include <rocksdb/db.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace sluice::plugins::rocksdb {

namespace rdb = ::rocksdb;

class WalSyncGroup {
 public:
  explicit WalSyncGroup(rdb::DB& db) : db_(db) {}

  // Records a finished unsynced write; the ticket to wait() for.
  std::uint64_t note_write();
  // Returns once a WAL sync that started after the write of `ticket` has finished (or failed:
  // then its status, for every ticket it was to cover).
  rdb::Status wait(std::uint64_t ticket);

  // How many syncs ran (for tests: concurrent writers share them).
  std::uint64_t syncs() const;

 private:
  rdb::DB& db_;
  mutable std::mutex mutex_;
  std::condition_variable synced_cv_;
  std::uint64_t written_ = 0;      // tickets handed out
  std::uint64_t synced_ = 0;       // every ticket up to this one is durable
  std::uint64_t failed_upto_ = 0;  // tickets up to this one were covered by a failed sync
  rdb::Status failure_;            // that sync's status
  bool syncing_ = false;
  std::uint64_t syncs_ = 0;
};

}  // namespace sluice::plugins::rocksdb
