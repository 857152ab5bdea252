#include "rocksdb_store_options.hpp"

#include <iterator>

namespace sluice::plugins::rocksdb {
namespace {

constexpr sdk::OptionSpec kOptions[] = {
    {"path", sdk::OptionType::kString, "\"data/rocksdb\"",
     "database directory; relative paths are resolved against sluiced's working directory", 0, 0},
    {"sync", sdk::OptionType::kBool, "true",
     "fsync the write-ahead log before acknowledging a change; false may lose the latest "
     "acknowledged messages on power loss",
     0, 0},
    {"block_cache_mb", sdk::OptionType::kInt, "64", "block cache size in MiB", 1, 1 << 20},
    {"write_buffer_mb", sdk::OptionType::kInt, "64",
     "memtable size in MiB of each of the message and index column families", 1, 4096},
};

}  // namespace

std::span<const sdk::OptionSpec> rocksdb_option_schema() { return kOptions; }

RocksDbStoreOptions options_from_config(const sdk::PluginConfig& config) {
  RocksDbStoreOptions options;
  options.path = config.get_string("path", options.path);
  options.sync = config.get_bool("sync", options.sync);
  options.block_cache_mb = config.get_int("block_cache_mb", options.block_cache_mb);
  options.write_buffer_mb = config.get_int("write_buffer_mb", options.write_buffer_mb);
  return options;
}

}  // namespace sluice::plugins::rocksdb
