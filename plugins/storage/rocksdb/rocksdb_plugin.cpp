// The plugin descriptor of sluice-storage-rocksdb.so: the durable embedded QueueStore.
#include <exception>
#include <memory>
#include <string>

#include "rocksdb_queue_store.hpp"
#include "rocksdb_store_options.hpp"
#include "sluice/sdk/plugin.hpp"

namespace sluice::plugins::rocksdb {
namespace {

sdk::Result<std::unique_ptr<sdk::QueueStore>> create_rocksdb_store(
    const sdk::PluginContext& context) {
  try {
    const RocksDbStoreOptions options = options_from_config(context.config);
    auto store = RocksDbQueueStore::open(options, &context.logger);
    if (!store.ok()) return store.error();
    context.logger.info("RocksDB store opened at " + options.path +
                        (options.sync ? " (sync: every change fsynced)"
                                      : " (sync = false: a power loss may lose recent changes)"));
    return std::unique_ptr<sdk::QueueStore>(std::move(*store));
  } catch (const std::exception& e) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           std::string("cannot create the RocksDB store: ") + e.what());
  }
}

const sdk::PluginDescriptor kDescriptor{
    .abi_version = sdk::kAbiVersion,
    .sdk_version = sdk::kSdkVersion.data(),
    .kind = sdk::PluginKind::kStorage,
    .name = "rocksdb",
    .plugin_version = "0.1.0",
    .status = "stable",
    .description =
        "Embedded durable queues in a local RocksDB directory (one broker process per "
        "directory); with sync = true every acknowledged change is fsynced",
    .fingerprint = SLUICE_BUILD_FINGERPRINT,
    .options = rocksdb_option_schema().data(),
    .option_count = rocksdb_option_schema().size(),
    .create_storage = &create_rocksdb_store,
    .create_protocol = nullptr,
    .create_authenticator = nullptr,
    .create_cipher = nullptr,
};

}  // namespace
}  // namespace sluice::plugins::rocksdb

SLUICE_EXPORT_PLUGIN(sluice::plugins::rocksdb::kDescriptor)
