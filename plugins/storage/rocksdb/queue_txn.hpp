// QueueTxn: one atomic change of one or two queues. Every write goes into a WriteBatchWithIndex
// (so later reads of the same transaction see earlier writes), the counters of each queue the
// transaction touched are added at commit, and the whole batch is applied with one Write: after a
// crash either all of it is there or none.
//
// Threading: a transaction belongs to one thread, which holds the mutex of every queue it stages
// from the first stage() until commit() returns (or the transaction is dropped).
#pragma once

#include <rocksdb/utilities/write_batch_with_index.h>

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "queue_handle.hpp"
#include "rocksdb_database.hpp"

namespace sluice::plugins::rocksdb {

class QueueTxn {
 public:
  explicit QueueTxn(Database& db);
  QueueTxn(const QueueTxn&) = delete;
  QueueTxn& operator=(const QueueTxn&) = delete;

  Database& db() { return db_; }
  rdb::WriteBatchWithIndex& batch() { return batch_; }

  // The transaction's copy of `queue`'s state, made on first use. commit() publishes it.
  QueueState& stage(QueueHandle& queue);

  // A point read that sees this transaction's own writes. nullopt if absent.
  sdk::Result<std::optional<std::string>> get(rdb::ColumnFamilyHandle* family,
                                              std::string_view key);
  // The first key in [lower, upper) as the database will be once this batch is applied.
  sdk::Result<std::optional<std::string>> first_key(rdb::ColumnFamilyHandle* family,
                                                    std::string_view lower, std::string_view upper);

  // Writes the staged tenants' rows (TenantIndex::flush) and counters, applies the batch and
  // publishes the staged states. With `durable` (and a store that syncs) the batch is durable once
  // the calling thread has settled its WAL sync (settle_deferred_sync(), which the store's
  // guarded() calls after releasing the queue locks). On failure nothing is
  // published and each staged queue reloads its counters on its next call. An empty batch writes
  // nothing.
  sdk::Status commit(std::string_view what, bool durable = true);

 private:
  Database& db_;
  rdb::WriteBatchWithIndex batch_;
  // A deque: stage() hands out references that must survive later stage() calls.
  std::deque<std::pair<QueueHandle*, QueueState>> staged_;
};

}  // namespace sluice::plugins::rocksdb
