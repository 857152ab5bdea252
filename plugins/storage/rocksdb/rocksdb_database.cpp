#include "rocksdb_database.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/table_properties_collectors.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <system_error>
#include <utility>

#include "key_codec.hpp"

namespace sluice::plugins::rocksdb {
namespace {

constexpr const char* kQueuesFamily = "queues";
constexpr const char* kMessagesFamily = "messages";
constexpr const char* kIndexFamily = "index";

// CompactOnDeletionCollector: a file is marked for compaction when any window of this many
// entries holds at least kDeletionTrigger deletions, or when half of it is deletions. Queues
// delete what they insert, so this keeps tombstones from piling up in front of live keys.
constexpr std::size_t kDeletionWindow = 1024;
constexpr std::size_t kDeletionTrigger = 512;
constexpr double kDeletionRatio = 0.5;

sdk::Error open_error(const std::string& path, std::string_view reason) {
  return sdk::make_error(sdk::ErrorCode::kServiceUnavailable,
                         "cannot open RocksDB at " + path + ": " + std::string(reason));
}

rdb::ColumnFamilyOptions family_options(const RocksDbStoreOptions& options,
                                        const std::shared_ptr<rdb::Cache>& cache, bool busy) {
  rdb::ColumnFamilyOptions family;
  rdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Point reads of message states and index entries dominate: bloom filters skip most files.
  table.filter_policy.reset(rdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // Partitioned index and filters: the cache holds them as small (metadata_block_size) blocks
  // under a pinned top level, so a point read needs one small partition, never a whole index.
  // With one index block per file, a large file's index (hundreds of KiB for the message family)
  // did not fit the cache's high-priority pool: data blocks evicted it, and every read of a
  // message body read and decompressed the whole index again (claims on a backlog that had
  // reached SST files slowed to a crawl).
  table.index_type = rdb::BlockBasedTableOptions::IndexType::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.pin_top_level_index_and_filter = true;
  family.table_factory.reset(rdb::NewBlockBasedTableFactory(table));
  family.level_compaction_dynamic_level_bytes = true;
  if (busy) {
    family.write_buffer_size = static_cast<std::size_t>(options.write_buffer_mb) << 20;
    family.table_properties_collector_factories.push_back(rdb::NewCompactOnDeletionCollectorFactory(
        kDeletionWindow, kDeletionTrigger, kDeletionRatio));
  }
  return family;
}

}  // namespace

sdk::Error storage_error(std::string_view what, const rdb::Status& status) {
  const bool transient = status.IsIOError() || status.IsBusy() || status.IsTimedOut() ||
                         status.IsTryAgain() || status.IsIncomplete() ||
                         status.IsShutdownInProgress();
  return sdk::make_error(
      transient ? sdk::ErrorCode::kServiceUnavailable : sdk::ErrorCode::kInternal,
      "RocksDB " + std::string(what) + " failed: " + status.ToString());
}

sdk::Result<std::unique_ptr<Database>> Database::open(const RocksDbStoreOptions& options) {
  const std::string& path = options.path;
  if (path.empty()) return open_error(path, "the path is empty");
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return open_error(path, "cannot create the directory: " + ec.message());

  rdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.keep_log_file_num = 4;
  db_options.max_log_file_size = 16 << 20;
  // The queues family is written only when queues change, so its memtable would hold the oldest
  // WAL file, and every one after it, until RocksDB's default limit (four times all write
  // buffers: about 2 GiB at the defaults). Past this size the families holding the oldest WAL are
  // flushed and the files deleted, so the WAL stays a few write buffers long.
  db_options.max_total_wal_size =
      static_cast<std::uint64_t>(std::max<std::int64_t>(options.write_buffer_mb, 16)) << 22;
  // Fewer, larger shards than the default 64 (one MiB each at 64 MiB): a shard must hold its
  // share of index and filter partitions next to the data blocks.
  rdb::LRUCacheOptions cache_options;
  cache_options.capacity = static_cast<std::size_t>(options.block_cache_mb) << 20;
  cache_options.num_shard_bits = 4;
  const auto cache = rdb::NewLRUCache(cache_options);

  std::vector<rdb::ColumnFamilyDescriptor> descriptors{
      {rdb::kDefaultColumnFamilyName, family_options(options, cache, false)},
      {kQueuesFamily, family_options(options, cache, false)},
      {kMessagesFamily, family_options(options, cache, true)},
      {kIndexFamily, family_options(options, cache, true)},
  };
  // An existing database with families this store does not know is someone else's.
  std::vector<std::string> existing;
  if (rdb::DB::ListColumnFamilies(db_options, path, &existing).ok()) {
    for (const std::string& name : existing) {
      bool known = false;
      for (const auto& descriptor : descriptors) known = known || descriptor.name == name;
      if (!known) {
        return open_error(
            path, "it holds column family '" + name + "', so it is not a Sluice queue database");
      }
    }
  }

  std::unique_ptr<Database> database(new Database());
  database->path_ = path;
  database->sync_ = options.sync;
  rdb::Status status =
      rdb::DB::Open(db_options, path, descriptors, &database->families_, &database->db_);
  if (!status.ok()) return open_error(path, status.ToString());
  if (database->sync_) database->wal_sync_ = std::make_shared<WalSyncGroup>(*database->db_);
  if (sdk::Status loaded = database->load_meta(); !loaded.ok()) {
    return open_error(path, loaded.error().message);
  }
  return database;
}

Database::~Database() {
  if (db_ == nullptr) return;
  // Writes whose sync was never waited for (their call failed afterwards) still get one.
  if (wal_sync_) db_->SyncWAL().PermitUncheckedError();
  for (rdb::ColumnFamilyHandle* family : families_) db_->DestroyColumnFamilyHandle(family);
  db_->Close().PermitUncheckedError();  // nothing left to report to: the store is going away
  delete db_;
}

sdk::Status Database::load_meta() {
  auto format = get(meta(), kMetaFormatKey);
  if (!format.ok()) return format.error();
  if (format->has_value() && **format != kFormatVersion) {
    return sdk::make_error(sdk::ErrorCode::kInternal, "it holds data format '" + **format +
                                                          "', this plugin reads format '" +
                                                          std::string(kFormatVersion) + "'");
  }
  auto key = get(meta(), kMetaReceiptKey);
  if (!key.ok()) return key.error();
  if (key->has_value() && (*key)->size() == 8) {
    receipt_key_ = read_u64(**key);
    return sdk::Status::Ok();
  }
  // A new database: choose the receipt check key once; it must survive restarts.
  std::random_device device;
  receipt_key_ = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  std::string encoded;
  put_u64(encoded, receipt_key_);
  rdb::WriteBatch batch;
  batch.Put(meta(), kMetaFormatKey, kFormatVersion);
  batch.Put(meta(), kMetaReceiptKey, encoded);
  return write(&batch, true, "initialising the store");
}

sdk::Result<std::optional<std::string>> Database::get(rdb::ColumnFamilyHandle* family,
                                                      std::string_view key) {
  rdb::PinnableSlice value;
  const rdb::Status status = db_->Get(rdb::ReadOptions(), family, key, &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return storage_error("read", status);
  return std::optional<std::string>(value.ToString());
}

std::unique_ptr<rdb::Iterator> Database::iterate(rdb::ColumnFamilyHandle* family,
                                                 const rdb::Slice* lower, const rdb::Slice* upper) {
  rdb::ReadOptions read;
  read.iterate_lower_bound = lower;
  read.iterate_upper_bound = upper;
  return std::unique_ptr<rdb::Iterator>(db_->NewIterator(read, family));
}

sdk::Status Database::write(rdb::WriteBatch* batch, bool durable, std::string_view what) {
  rdb::WriteOptions write_options;
  write_options.sync = durable && sync_;
  const rdb::Status status = db_->Write(write_options, batch);
  if (!status.ok()) return storage_error(what, status);
  return sdk::Status::Ok();
}

namespace {

// The WAL sync this thread owes (write_deferred), if any.
struct OwedSync {
  std::weak_ptr<WalSyncGroup> group;
  std::uint64_t ticket = 0;
};
thread_local OwedSync owed_sync;

}  // namespace

sdk::Status Database::write_deferred(rdb::WriteBatch* batch, std::string_view what) {
  if (!sync_) return write(batch, false, what);
  // A debt to another database (a test with two stores) is paid first: one debt per thread.
  if (owed_sync.ticket != 0 && owed_sync.group.lock() != wal_sync_) {
    if (sdk::Status settled = settle_deferred_sync(); !settled.ok()) return settled;
  }
  rdb::WriteOptions write_options;
  write_options.sync = false;
  const rdb::Status status = db_->Write(write_options, batch);
  if (!status.ok()) return storage_error(what, status);
  owed_sync.group = wal_sync_;
  owed_sync.ticket = std::max(owed_sync.ticket, wal_sync_->note_write());
  return sdk::Status::Ok();
}

sdk::Status settle_deferred_sync() {
  if (owed_sync.ticket == 0) return sdk::Status::Ok();
  const std::uint64_t ticket = std::exchange(owed_sync.ticket, 0);
  const auto group = owed_sync.group.lock();
  owed_sync.group.reset();
  if (!group) return sdk::Status::Ok();  // the database is gone: nothing left to wait for
  const rdb::Status status = group->wait(ticket);
  if (!status.ok()) return storage_error("WAL sync", status);
  return sdk::Status::Ok();
}

rdb::Status Database::compact(rdb::ColumnFamilyHandle* family, std::string_view begin,
                              std::string_view end) {
  rdb::CompactRangeOptions compact_options;
  compact_options.exclusive_manual_compaction = false;  // let automatic compactions run too
  const rdb::Slice begin_slice(begin);
  const rdb::Slice end_slice(end);
  return db_->CompactRange(compact_options, family, &begin_slice, &end_slice);
}

rdb::Status Database::flush_small_families() {
  rdb::FlushOptions options;
  options.allow_write_stall = true;
  return db_->Flush(options, {meta(), queues()});
}

}  // namespace sluice::plugins::rocksdb
