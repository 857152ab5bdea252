// The plugin descriptor of sluice-storage-redis.so: queues in Redis, shared by several brokers.
#include <exception>
#include <memory>
#include <string>

#include "redis_queue_store.hpp"
#include "redis_store_options.hpp"
#include "sluice/sdk/plugin.hpp"

namespace sluice::plugins::redis {
namespace {

sdk::Result<std::unique_ptr<sdk::QueueStore>> create_redis_store(
    const sdk::PluginContext& context) {
  try {
    auto options = options_from_config(context.config);
    if (!options.ok()) return options.error();
    auto store = RedisQueueStore::open(*options, &context.logger);
    if (!store.ok()) return store.error();
    return std::unique_ptr<sdk::QueueStore>(std::move(*store));
  } catch (const std::exception& e) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           std::string("cannot create the Redis store: ") + e.what());
  }
}

const sdk::PluginDescriptor kDescriptor{
    .abi_version = sdk::kAbiVersion,
    .sdk_version = sdk::kSdkVersion.data(),
    .kind = sdk::PluginKind::kStorage,
    .name = "redis",
    .plugin_version = "0.1.0",
    .status = "experimental",
    .description =
        "Queues in one Redis primary shared by several brokers (atomic Lua scripts, pub/sub "
        "long-poll wake-ups); durable as Redis is: appendonly yes + appendfsync always makes "
        "every acknowledged change durable; no TLS",
    .fingerprint = SLUICE_BUILD_FINGERPRINT,
    .options = redis_option_schema().data(),
    .option_count = redis_option_schema().size(),
    .create_storage = &create_redis_store,
    .create_protocol = nullptr,
    .create_authenticator = nullptr,
    .create_cipher = nullptr,
};

}  // namespace
}  // namespace sluice::plugins::redis

SLUICE_EXPORT_PLUGIN(sluice::plugins::redis::kDescriptor)
