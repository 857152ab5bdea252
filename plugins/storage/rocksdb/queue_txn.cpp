#include "queue_txn.hpp"

#include <memory>

#include "key_codec.hpp"
#include "tenant_index.hpp"

namespace sluice::plugins::rocksdb {

QueueTxn::QueueTxn(Database& db)
    : db_(db), batch_(rdb::BytewiseComparator(), 0, /*overwrite_key=*/true) {}

QueueState& QueueTxn::stage(QueueHandle& queue) {
  for (auto& [handle, state] : staged_) {
    if (handle == &queue) return state;
  }
  auto& [handle, state] = staged_.emplace_back(&queue, queue.state);
  state.floors.begin();
  return state;
}

sdk::Result<std::optional<std::string>> QueueTxn::get(rdb::ColumnFamilyHandle* family,
                                                      std::string_view key) {
  std::string value;
  const rdb::Status status =
      batch_.GetFromBatchAndDB(&db_.db(), rdb::ReadOptions(), family, key, &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return storage_error("read", status);
  return std::optional<std::string>(std::move(value));
}

sdk::Result<std::optional<std::string>> QueueTxn::first_key(rdb::ColumnFamilyHandle* family,
                                                            std::string_view lower,
                                                            std::string_view upper) {
  const rdb::Slice lower_slice(lower);
  const rdb::Slice upper_slice(upper);
  rdb::ReadOptions read;
  read.iterate_lower_bound = &lower_slice;
  read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rdb::Iterator> merged(
      batch_.NewIteratorWithBase(family, db_.db().NewIterator(read, family), &read));
  merged->Seek(lower_slice);
  // The batch part of a merged iterator ignores the upper bound: check it here.
  if (merged->Valid() && merged->key().compare(upper_slice) < 0) {
    return std::optional<std::string>(merged->key().ToString());
  }
  if (!merged->status().ok()) return storage_error("scan", merged->status());
  return std::optional<std::string>();
}

sdk::Status QueueTxn::commit(std::string_view what, bool durable) {
  // Tenants' rows and head entries first: they belong to the same batch.
  for (auto& [handle, state] : staged_) {
    if (state.tenants.empty()) continue;
    if (sdk::Status flushed = TenantIndex(*this, *handle, state).flush(); !flushed.ok()) {
      staged_.clear();  // nothing written, nothing published
      return flushed;
    }
  }
  // Nothing changed (an empty claim, say): no write, no fsync; floors raised by scans still hold.
  if (batch_.GetWriteBatch()->Count() == 0) {
    for (auto& [handle, state] : staged_) handle->publish(std::move(state));
    staged_.clear();
    return sdk::Status::Ok();
  }
  for (auto& [handle, state] : staged_) {
    batch_.Put(db_.index(), counters_key(handle->id), encode(state.counters));
  }
  // Durable commits are made durable by the caller's guarded() once it has released the queue
  // locks (Database::write_deferred), so a queue's operations never wait in line behind fsyncs.
  sdk::Status written = durable ? db_.write_deferred(batch_.GetWriteBatch(), what)
                                : db_.write(batch_.GetWriteBatch(), false, what);
  for (auto& [handle, state] : staged_) {
    if (written.ok()) {
      handle->publish(std::move(state));
    } else {
      handle->needs_reload = true;
    }
  }
  staged_.clear();
  return written;
}

}  // namespace sluice::plugins::rocksdb
