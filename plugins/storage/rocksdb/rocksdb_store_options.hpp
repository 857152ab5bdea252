// The configuration of the RocksDB store: the plugin's option schema (what `[storage.rocksdb]`
// may hold, with defaults) and the parsed struct the store is opened with.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sluice/sdk/config.hpp"

namespace sluice::plugins::rocksdb {

struct RocksDbStoreOptions {
  // The database directory. Relative paths are used as given (relative to the process's working
  // directory; sluiced resolves them against its own). Missing parent directories are created.
  std::string path = "data/rocksdb";
  // true: every acknowledged change is fsynced to the write-ahead log before the call returns.
  // false: changes reach the OS page cache only; a power loss (not a process crash) can lose the
  // most recent acknowledged changes.
  bool sync = true;
  // LRU block cache shared by every column family, in MiB.
  std::int64_t block_cache_mb = 64;
  // Memtable size of each of the two busy column families (message bodies, indexes), in MiB.
  std::int64_t write_buffer_mb = 64;
};

// The option schema the plugin descriptor publishes.
std::span<const sdk::OptionSpec> rocksdb_option_schema();

// Reads a config section already validated against rocksdb_option_schema().
RocksDbStoreOptions options_from_config(const sdk::PluginConfig& config);

}  // namespace sluice::plugins::rocksdb
