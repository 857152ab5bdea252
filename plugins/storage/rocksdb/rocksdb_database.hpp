// Database: the opened RocksDB instance of one store, its column families and the store-wide
// settings kept in it (format version, receipt check key). Everything RocksDB-specific about
// opening, tuning and error translation lives here.
//
// Threading: every method is thread-safe (RocksDB's DB is); the object is immutable after open().
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rocksdb_store_options.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/result.hpp"
#include "wal_sync_group.hpp"

namespace sluice::plugins::rocksdb {

namespace rdb = ::rocksdb;

// Turns a failed RocksDB status into an sdk::Error: I/O trouble (disk full, busy, timeouts) is
// kServiceUnavailable so clients retry; corruption and anything else is kInternal.
sdk::Error storage_error(std::string_view what, const rdb::Status& status);

class Database {
 public:
  // Opens (creating if missing) the database at options.path. Errors are one line:
  // "cannot open RocksDB at <path>: <reason>" (locked by another process, corrupt, no
  // permission, disk full, a database of an unknown format).
  static sdk::Result<std::unique_ptr<Database>> open(const RocksDbStoreOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rdb::DB& db() { return *db_; }
  const std::string& path() const { return path_; }
  // Store-wide keys: format, receipt check key, next queue id.
  rdb::ColumnFamilyHandle* meta() const { return families_[0]; }
  // Queue records by name.
  rdb::ColumnFamilyHandle* queues() const { return families_[1]; }
  // Immutable message bodies by (queue id, seq).
  rdb::ColumnFamilyHandle* messages() const { return families_[2]; }
  // Everything else, keyed by (queue id, tag, ...): see key_codec.hpp.
  rdb::ColumnFamilyHandle* index() const { return families_[3]; }

  std::uint64_t receipt_key() const { return receipt_key_; }

  // A point read. nullopt if the key is absent.
  sdk::Result<std::optional<std::string>> get(rdb::ColumnFamilyHandle* family,
                                              std::string_view key);
  // An iterator over [lower, upper) of `family` (nullptr: unbounded). The bounds must outlive the
  // iterator. Bounds let RocksDB skip files and stop at the end of a key family.
  std::unique_ptr<rdb::Iterator> iterate(rdb::ColumnFamilyHandle* family, const rdb::Slice* lower,
                                         const rdb::Slice* upper);

  // Applies `batch` atomically. durable = true syncs the write-ahead log first when the store was
  // opened with sync = true; durable = false never syncs (for housekeeping whose loss a restart
  // repairs, e.g. moving index entries whose time has come).
  sdk::Status write(rdb::WriteBatch* batch, bool durable, std::string_view what);
  // Applies `batch` atomically and at once (readers see it), and when the store syncs, leaves the
  // calling thread owing a WAL sync, which settle_deferred_sync() pays once the caller has
  // released its queue locks (see wal_sync_group.hpp). Every caller must settle before it reports
  // success; the store's guarded() does.
  sdk::Status write_deferred(rdb::WriteBatch* batch, std::string_view what);

  // Compacts [begin, end) of `family` so deleted keys stop costing space and scan time. Slow;
  // call it without holding queue locks.
  rdb::Status compact(rdb::ColumnFamilyHandle* family, std::string_view begin,
                      std::string_view end);
  // Flushes the small families (default, queues), whose memtables otherwise keep old WAL files
  // alive after a compaction has flushed the data of the busy ones.
  rdb::Status flush_small_families();

 private:
  Database() = default;
  sdk::Status load_meta();

  std::string path_;
  bool sync_ = true;
  rdb::DB* db_ = nullptr;
  std::vector<rdb::ColumnFamilyHandle*> families_;
  std::uint64_t receipt_key_ = 0;
  std::shared_ptr<WalSyncGroup> wal_sync_;  // set when sync_ (threads owing a sync hold it weakly)
};

// Pays the WAL sync the calling thread owes for its write_deferred() calls, if any: returns once
// they are durable (or the sync's error). Call without holding queue locks.
sdk::Status settle_deferred_sync();

// Store-wide keys of the meta family.
inline constexpr std::string_view kMetaFormatKey = "sluice/format";
inline constexpr std::string_view kMetaReceiptKey = "sluice/receipt_key";
inline constexpr std::string_view kMetaNextQueueIdKey = "sluice/next_queue_id";
inline constexpr std::string_view kFormatVersion = "1";

}  // namespace sluice::plugins::rocksdb
