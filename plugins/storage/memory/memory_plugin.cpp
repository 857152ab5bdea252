// The plugin descriptor of sluice-storage-memory.so: the in-memory reference QueueStore.
#include <memory>
#include <new>

#include "memory_queue_store.hpp"
#include "sluice/sdk/plugin.hpp"

namespace sluice::plugins::memory {
namespace {

sdk::Result<std::unique_ptr<sdk::QueueStore>> create_memory_store(const sdk::PluginContext&) {
  try {
    return std::unique_ptr<sdk::QueueStore>(std::make_unique<MemoryQueueStore>());
  } catch (const std::exception& e) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           std::string("cannot create the memory store: ") + e.what());
  }
}

const sdk::PluginDescriptor kDescriptor{
    .abi_version = sdk::kAbiVersion,
    .sdk_version = sdk::kSdkVersion.data(),
    .kind = sdk::PluginKind::kStorage,
    .name = "memory",
    .plugin_version = "0.1.0",
    .status = "stable",
    .description =
        "In-process queues for tests and development; NOT durable: every queue and message is "
        "lost when the process ends",
    .fingerprint = SLUICE_BUILD_FINGERPRINT,
    .options = nullptr,
    .option_count = 0,
    .create_storage = &create_memory_store,
    .create_protocol = nullptr,
    .create_authenticator = nullptr,
    .create_cipher = nullptr,
};

}  // namespace
}  // namespace sluice::plugins::memory

SLUICE_EXPORT_PLUGIN(sluice::plugins::memory::kDescriptor)
