// The storage conformance kit against the RocksDB store, linked directly. Every store the kit
// asks for gets a fresh database in its own temporary directory, removed when the kit drops the
// store (the directory goes only after the database is closed).
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "rocksdb_queue_store.hpp"
#include "sluice/testing/queue_store_conformance.hpp"

namespace {

struct RocksDbStoreFactory {
  static std::shared_ptr<sluice::sdk::QueueStore> create() {
    std::string dir =
        (std::filesystem::temp_directory_path() / "sluice-rocksdb-kit-XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr) return nullptr;  // the kit reports a null store
    sluice::plugins::rocksdb::RocksDbStoreOptions options;
    options.path = dir + "/db";
    options.block_cache_mb = 8;
    options.write_buffer_mb = 4;
    auto opened = sluice::plugins::rocksdb::RocksDbQueueStore::open(options);
    if (!opened.ok()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
      ADD_FAILURE() << opened.error().message;
      return nullptr;
    }
    return std::shared_ptr<sluice::sdk::QueueStore>(
        opened->release(), [dir](sluice::sdk::QueueStore* store) {
          delete store;
          std::error_code ignored;  // a leftover temp folder is not worth failing a test
          std::filesystem::remove_all(dir, ignored);
        });
  }
};

}  // namespace

SLUICE_INSTANTIATE_QUEUE_STORE_CONFORMANCE(RocksDb, RocksDbStoreFactory);
