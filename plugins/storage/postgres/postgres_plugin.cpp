// The plugin descriptor of sluice-storage-postgres.so: queues in PostgreSQL, shared by any number
// of brokers.
#include <exception>
#include <memory>
#include <string>

#include "postgres_queue_store.hpp"
#include "postgres_store_options.hpp"
#include "sluice/sdk/plugin.hpp"

namespace sluice::plugins::postgres {
namespace {

sdk::Result<std::unique_ptr<sdk::QueueStore>> create_postgres_store(
    const sdk::PluginContext& context) {
  try {
    auto options = options_from_config(context.config);
    if (!options.ok()) return options.error();
    auto store = PostgresQueueStore::open(*options, &context.logger);
    if (!store.ok()) return store.error();
    context.logger.info("PostgreSQL store ready (schema '" + options->schema + "', up to " +
                        std::to_string(options->pool_size) + " pooled connections)");
    return std::unique_ptr<sdk::QueueStore>(std::move(*store));
  } catch (const std::exception& e) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           std::string("cannot create the PostgreSQL store: ") + e.what());
  }
}

const sdk::PluginDescriptor kDescriptor{
    .abi_version = sdk::kAbiVersion,
    .sdk_version = sdk::kSdkVersion.data(),
    .kind = sdk::PluginKind::kStorage,
    .name = "postgres",
    .plugin_version = "0.1.0",
    .status = "experimental",
    .description =
        "Queues in PostgreSQL, shared by several brokers (claims, FIFO groups, dedup and "
        "dead-lettering enforced by the database); durable as the server's synchronous_commit",
    .fingerprint = SLUICE_BUILD_FINGERPRINT,
    .options = postgres_option_schema().data(),
    .option_count = postgres_option_schema().size(),
    .create_storage = &create_postgres_store,
    .create_protocol = nullptr,
    .create_authenticator = nullptr,
    .create_cipher = nullptr,
};

}  // namespace
}  // namespace sluice::plugins::postgres

SLUICE_EXPORT_PLUGIN(sluice::plugins::postgres::kDescriptor)
