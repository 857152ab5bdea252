// The storage conformance kit against the in-memory reference store, linked directly (no plugin
// loading), so a kit or store regression shows up without the plugin host in the way.
#include <memory>

#include "memory_queue_store.hpp"
#include "sluice/testing/queue_store_conformance.hpp"

namespace {

struct MemoryStoreFactory {
  static std::shared_ptr<sluice::sdk::QueueStore> create() {
    return std::make_shared<sluice::plugins::memory::MemoryQueueStore>();
  }
};

}  // namespace

SLUICE_INSTANTIATE_QUEUE_STORE_CONFORMANCE(Memory, MemoryStoreFactory);
