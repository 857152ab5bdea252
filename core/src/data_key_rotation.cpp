#include "sluice/core/data_key_rotation.hpp"

#include <string>

#include "data_key_ring.hpp"

namespace sluice::core {
namespace {

constexpr std::size_t kPage = 1000;

sdk::Error key_error(const std::string& queue, const StoredDataKey& key, sdk::ErrorCode code,
                     const std::string& reason) {
  return sdk::make_error(code, "queue " + queue + ": data key " + key.id + " (master key " +
                                   key.master_key_id + "): " + reason);
}

// Checks one queue's ring and re-wraps what needs it. Adds to `report`.
sdk::Status check_queue(sdk::QueueStore& store, sdk::PayloadCipher& cipher,
                        const sdk::QueueRecord& record, DataKeyCheck& report) {
  auto metadata = decode_queue_metadata(record.metadata, record.name);
  if (!metadata.ok()) return metadata.error();
  const std::string current = cipher.current_master_key_id();
  bool stale = false;
  for (const auto& key : metadata->data_keys) {
    ++report.keys;
    if (!cipher.has_master_key(key.master_key_id)) {
      return key_error(record.name, key, sdk::ErrorCode::kAccessDenied,
                       "wrapped under a master key the encryption plugin does not hold (its "
                       "current master key is " +
                           current +
                           "); configure the master key it was made with, or list it as a "
                           "previous master key to rotate to the current one");
    }
    auto unwrapped = cipher.unwrap(sdk::WrappedKey{key.master_key_id, key.wrapped},
                                   wrapped_key_context(record.name, key));
    if (!unwrapped.ok())
      return key_error(record.name, key, unwrapped.code(), unwrapped.error().message);
    stale = stale || key.master_key_id != current;
  }
  if (!stale) return sdk::Status::Ok();

  std::size_t rewrapped = 0;
  auto updated = update_key_ring(store, record.name, [&](std::vector<StoredDataKey>& keys) {
    rewrapped = 0;
    for (auto& key : keys) {
      if (key.master_key_id == current) continue;
      auto unwrapped = cipher.unwrap(sdk::WrappedKey{key.master_key_id, key.wrapped},
                                     wrapped_key_context(record.name, key));
      if (!unwrapped.ok()) {
        return sdk::Result<bool>(
            key_error(record.name, key, unwrapped.code(), unwrapped.error().message));
      }
      auto wrapped = cipher.wrap(**unwrapped, wrapped_key_context(record.name, key));
      if (!wrapped.ok()) return sdk::Result<bool>(wrapped.error());
      key.master_key_id = wrapped->master_key_id;
      key.wrapped = std::move(wrapped->wrapped);
      ++rewrapped;
    }
    return sdk::Result<bool>(rewrapped > 0);
  });
  if (!updated) return updated;
  report.rewrapped += rewrapped;
  return sdk::Status::Ok();
}

}  // namespace

sdk::Result<DataKeyCheck> check_and_rewrap_data_keys(sdk::QueueStore& store,
                                                     sdk::PayloadCipher& cipher) {
  DataKeyCheck report;
  std::string token;
  do {
    auto page = store.list_queues("", kPage, token);
    if (!page.ok()) return page.error();
    for (const auto& record : page->queues) {
      ++report.queues;
      if (auto status = check_queue(store, cipher, record, report); !status) return status.error();
    }
    token = page->next_token;
  } while (!token.empty());
  return report;
}

}  // namespace sluice::core
