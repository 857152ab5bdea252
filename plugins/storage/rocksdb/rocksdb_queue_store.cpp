// RocksDbQueueStore: opening, the queue catalog and queue-level operations.
#include "rocksdb_queue_store.hpp"

#include <mutex>
#include <utility>

#include "key_codec.hpp"
#include "queue_handle.hpp"
#include "rocksdb_database.hpp"
#include "status_macros.hpp"
#include "store_guard.hpp"
#include "value_codec.hpp"

namespace sluice::plugins::rocksdb {
namespace {

using sdk::ErrorCode;
using sdk::make_error;

sdk::QueueRecord to_record(std::string name, const QueueRow& row) {
  return sdk::QueueRecord{std::move(name), row.fifo, row.generation, row.version, row.metadata};
}

sdk::Error corrupt_queue_row(std::string_view name) {
  return make_error(ErrorCode::kInternal,
                    "the stored record of queue '" + std::string(name) + "' is corrupt");
}

}  // namespace

sdk::Result<std::unique_ptr<RocksDbQueueStore>> RocksDbQueueStore::open(
    const RocksDbStoreOptions& options, sdk::Logger* logger) {
  return guarded("open", options.path, [&]() -> sdk::Result<std::unique_ptr<RocksDbQueueStore>> {
    SLUICE_RDB_ASSIGN_OR_RETURN(auto db, Database::open(options));
    auto next = db->get(db->meta(), kMetaNextQueueIdKey);
    if (!next.ok()) {
      return make_error(next.code(),
                        "cannot open RocksDB at " + options.path + ": " + next.error().message);
    }
    std::uint64_t next_queue_id = 1;
    if (next->has_value() && (*next)->size() == 8) next_queue_id = read_u64(**next);
    return std::unique_ptr<RocksDbQueueStore>(
        new RocksDbQueueStore(std::move(db), logger, next_queue_id));
  });
}

RocksDbQueueStore::RocksDbQueueStore(std::unique_ptr<Database> db, sdk::Logger* logger,
                                     std::uint64_t next_queue_id)
    : db_(std::move(db)),
      logger_(logger),
      next_queue_id_(next_queue_id),
      random_(std::random_device{}()) {}

RocksDbQueueStore::~RocksDbQueueStore() = default;

sdk::Error RocksDbQueueStore::no_such_queue(std::string_view name) {
  return make_error(ErrorCode::kQueueDoesNotExist,
                    "queue '" + std::string(name) + "' does not exist");
}

sdk::Result<RocksDbQueueStore::HandlePtr> RocksDbQueueStore::find(std::string_view name) {
  {
    std::shared_lock lock(catalog_mutex_);
    auto it = handles_.find(name);
    if (it != handles_.end()) return it->second;
  }
  std::unique_lock lock(catalog_mutex_);
  return find_locked(name);
}

sdk::Result<RocksDbQueueStore::HandlePtr> RocksDbQueueStore::find_locked(std::string_view name) {
  auto it = handles_.find(name);
  if (it != handles_.end()) return it->second;
  SLUICE_RDB_ASSIGN_OR_RETURN(auto bytes, db_->get(db_->queues(), name));
  if (!bytes) return HandlePtr();
  auto row = decode_queue_row(*bytes);
  if (!row) return corrupt_queue_row(name);
  SLUICE_RDB_ASSIGN_OR_RETURN(auto counter_bytes, db_->get(db_->index(), counters_key(row->id)));
  QueueCounters counters;
  if (counter_bytes) {
    auto decoded = decode_counters(*counter_bytes);
    if (!decoded) return corrupt_queue_row(name);
    counters = *decoded;
  }
  auto handle = std::make_shared<QueueHandle>(std::string(name), *row, counters);
  handles_.emplace(std::string(name), handle);
  return handle;
}

sdk::Result<RocksDbQueueStore::HandlePtr> RocksDbQueueStore::require(std::string_view name) {
  SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr handle, find(name));
  if (!handle) return no_such_queue(name);
  return handle;
}

sdk::Status RocksDbQueueStore::usable(QueueHandle& queue) {
  if (queue.deleted) return no_such_queue(queue.name);
  if (!queue.needs_reload) return sdk::Status::Ok();
  SLUICE_RDB_ASSIGN_OR_RETURN(auto bytes, db_->get(db_->index(), counters_key(queue.id)));
  auto counters = bytes ? decode_counters(*bytes) : std::optional<QueueCounters>(QueueCounters{});
  if (!counters) return corrupt_queue_row(queue.name);
  queue.state = QueueState{};
  queue.state.counters = *counters;
  queue.needs_reload = false;
  return sdk::Status::Ok();
}

void RocksDbQueueStore::compact_queue(std::uint64_t queue_id) {
  const std::string begin = queue_prefix(queue_id);
  const std::string end = queue_limit(queue_id);
  for (auto* family : {db_->messages(), db_->index()}) {
    const rdb::Status status = db_->compact(family, begin, end);
    if (!status.ok() && logger_ != nullptr) {
      logger_->warn("RocksDB store at " + db_->path() + ": compacting queue id " +
                    std::to_string(queue_id) + " failed: " + status.ToString());
    }
  }
  if (const rdb::Status status = db_->flush_small_families(); !status.ok() && logger_ != nullptr) {
    logger_->warn("RocksDB store at " + db_->path() + ": flushing after compacting queue id " +
                  std::to_string(queue_id) + " failed: " + status.ToString());
  }
}

// --- Queues -----------------------------------------------------------------------------------

sdk::Result<sdk::QueueRecord> RocksDbQueueStore::create_queue(const sdk::QueueRecord& queue) {
  return guarded("create_queue", queue.name, [&]() -> sdk::Result<sdk::QueueRecord> {
    if (queue.name.empty()) {
      return make_error(ErrorCode::kInvalidParameterValue, "queue name must not be empty");
    }
    std::unique_lock lock(catalog_mutex_);
    SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr existing, find_locked(queue.name));
    if (existing) {
      return make_error(ErrorCode::kQueueAlreadyExists,
                        "queue '" + queue.name + "' already exists");
    }
    QueueRow row;
    row.id = next_queue_id_;
    row.fifo = queue.fifo;
    row.generation = queue.generation;
    while (row.generation == 0) row.generation = random_();
    row.version = 1;
    row.metadata = queue.metadata;
    std::string next_id;
    put_u64(next_id, row.id + 1);
    rdb::WriteBatch batch;
    batch.Put(db_->queues(), queue.name, encode(row));
    batch.Put(db_->meta(), kMetaNextQueueIdKey, next_id);
    batch.Put(db_->index(), counters_key(row.id), encode(QueueCounters{}));
    SLUICE_RDB_RETURN_IF_ERROR(db_->write(&batch, true, "create_queue"));
    ++next_queue_id_;
    handles_.emplace(queue.name, std::make_shared<QueueHandle>(queue.name, row, QueueCounters{}));
    return to_record(queue.name, row);
  });
}

sdk::Result<sdk::QueueRecord> RocksDbQueueStore::get_queue(std::string_view name) {
  return guarded("get_queue", name, [&]() -> sdk::Result<sdk::QueueRecord> {
    SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr queue, require(name));
    std::lock_guard lock(queue->record_mutex());
    return sdk::QueueRecord{queue->name, queue->fifo, queue->generation, queue->version,
                            queue->metadata};
  });
}

sdk::Result<sdk::QueueRecord> RocksDbQueueStore::update_queue(const sdk::QueueRecord& update) {
  return guarded("update_queue", update.name, [&]() -> sdk::Result<sdk::QueueRecord> {
    SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr queue, require(update.name));
    // The queue mutex orders the update against delete_queue; the record mutex against readers.
    std::lock_guard queue_lock(queue->mutex());
    if (queue->deleted) return no_such_queue(update.name);
    std::lock_guard record_lock(queue->record_mutex());
    if (update.version != queue->version) {
      return make_error(ErrorCode::kConflict,
                        "queue '" + queue->name + "' was updated concurrently: expected version " +
                            std::to_string(update.version) + ", found version " +
                            std::to_string(queue->version));
    }
    const QueueRow row{queue->id, queue->fifo, queue->generation, queue->version + 1,
                       update.metadata};
    rdb::WriteBatch batch;
    batch.Put(db_->queues(), queue->name, encode(row));
    SLUICE_RDB_RETURN_IF_ERROR(db_->write(&batch, true, "update_queue"));
    queue->version = row.version;
    queue->metadata = row.metadata;
    return to_record(queue->name, row);
  });
}

sdk::Status RocksDbQueueStore::delete_queue(std::string_view name) {
  return guarded("delete_queue", name, [&]() -> sdk::Status {
    std::uint64_t queue_id = 0;
    {
      std::unique_lock catalog(catalog_mutex_);
      SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr queue, find_locked(name));
      if (!queue) return no_such_queue(name);
      // Calls that found the handle before it left the catalog see `deleted` once they lock it.
      std::lock_guard lock(queue->mutex());
      queue_id = queue->id;
      rdb::WriteBatch batch;
      batch.Delete(db_->queues(), queue->name);
      batch.DeleteRange(db_->messages(), queue_prefix(queue_id), queue_limit(queue_id));
      batch.DeleteRange(db_->index(), queue_prefix(queue_id), queue_limit(queue_id));
      SLUICE_RDB_RETURN_IF_ERROR(db_->write(&batch, true, "delete_queue"));
      queue->deleted = true;
      handles_.erase(queue->name);
    }
    compact_queue(queue_id);
    return sdk::Status::Ok();
  });
}

sdk::Result<sdk::ListQueuesPage> RocksDbQueueStore::list_queues(std::string_view prefix,
                                                                std::size_t max,
                                                                std::string_view page_token) {
  return guarded("list_queues", prefix, [&]() -> sdk::Result<sdk::ListQueuesPage> {
    if (max == 0) {
      return make_error(ErrorCode::kInvalidParameterValue,
                        "list_queues: max must be at least 1, got 0");
    }
    const bool after_token = !page_token.empty() && page_token >= prefix;
    const std::string start(after_token ? page_token : prefix);
    const std::string limit = prefix_successor(std::string(prefix));
    const rdb::Slice start_slice(start), limit_slice(limit);
    auto it = db_->iterate(db_->queues(), &start_slice, limit.empty() ? nullptr : &limit_slice);
    sdk::ListQueuesPage page;
    for (it->Seek(start_slice); it->Valid(); it->Next()) {
      const std::string name = it->key().ToString();
      if (after_token && name == page_token) continue;
      if (!name.starts_with(prefix)) break;
      if (page.queues.size() == max) {
        page.next_token = page.queues.back().name;
        break;
      }
      auto row = decode_queue_row(std::string_view(it->value().data(), it->value().size()));
      if (!row) return corrupt_queue_row(name);
      page.queues.push_back(to_record(name, *row));
    }
    if (!it->status().ok()) return storage_error("list_queues", it->status());
    return page;
  });
}

}  // namespace sluice::plugins::rocksdb
