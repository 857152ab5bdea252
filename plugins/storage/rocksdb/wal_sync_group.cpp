#include "wal_sync_group.hpp"

namespace sluice::plugins::rocksdb {

std::uint64_t WalSyncGroup::note_write() {
  std::lock_guard lock(mutex_);
  return ++written_;
}

rdb::Status WalSyncGroup::wait(std::uint64_t ticket) {
  std::unique_lock lock(mutex_);
  while (synced_ < ticket) {
    if (failed_upto_ >= ticket) return failure_;
    if (syncing_) {
      synced_cv_.wait(lock);
      continue;
    }
    // Lead a sync for everything written so far (this ticket and any that arrived meanwhile).
    syncing_ = true;
    const std::uint64_t target = written_;
    lock.unlock();
    const rdb::Status status = db_.SyncWAL();
    lock.lock();
    syncing_ = false;
    ++syncs_;
    if (status.ok()) {
      synced_ = std::max(synced_, target);
    } else {
      failed_upto_ = std::max(failed_upto_, target);
      failure_ = status;
    }
    synced_cv_.notify_all();
  }
  return rdb::Status::OK();
}

std::uint64_t WalSyncGroup::syncs() const {
  std::lock_guard lock(mutex_);
  return syncs_;
}

}  // namespace sluice::plugins::rocksdb
