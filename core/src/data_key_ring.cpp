#include "data_key_ring.hpp"

#include <array>
#include <random>

namespace sluice::core {
namespace {

constexpr int kMaxUpdateAttempts = 16;

void append_field(std::string& out, std::string_view field) {
  out.push_back('\0');
  out += field;
}

sdk::Error named(const sdk::Error& error, std::string_view queue) {
  if (error.message.find(queue) != std::string::npos) return error;
  return sdk::make_error(error.code, "queue " + std::string(queue) + ": " + error.message);
}

}  // namespace

std::string wrapped_key_context(std::string_view holder_queue, const StoredDataKey& key) {
  std::string context = "sluice/v1/data-key";
  append_field(context, holder_queue);
  append_field(context, key.id);
  append_field(context, key.owner_queue);
  return context;
}

std::string payload_context(std::string_view owner_queue, std::string_view message_id) {
  std::string context = "sluice/v1/payload";
  append_field(context, owner_queue);
  append_field(context, message_id);
  return context;
}

std::string new_data_key_id() {
  // Ids need uniqueness, not secrecy: a per-thread generator seeded from the OS.
  thread_local std::mt19937_64 rng = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "dk-";
  for (int half = 0; half < 2; ++half) {
    std::uint64_t r = rng();
    for (int i = 0; i < 16; ++i, r >>= 4) id.push_back(kHex[r & 0x0f]);
  }
  return id;
}

sdk::Result<KeyRing> read_key_ring(sdk::QueueStore& store, std::string_view queue) {
  auto record = store.get_queue(queue);
  if (!record.ok()) return named(record.error(), queue);
  auto metadata = decode_queue_metadata(record->metadata, queue);
  if (!metadata.ok()) return metadata.error();
  return KeyRing{record->generation, std::move(metadata->data_keys)};
}

sdk::Status update_key_ring(sdk::QueueStore& store, std::string_view queue,
                            const KeyRingMutation& mutate) {
  for (int attempt = 0; attempt < kMaxUpdateAttempts; ++attempt) {
    auto record = store.get_queue(queue);
    if (!record.ok()) return named(record.error(), queue);
    auto metadata = decode_queue_metadata(record->metadata, queue);
    if (!metadata.ok()) return metadata.error();
    auto changed = mutate(metadata->data_keys);
    if (!changed.ok()) return changed.error();
    if (!changed.value()) return sdk::Status::Ok();
    record->metadata = encode_queue_metadata(*metadata);
    auto written = store.update_queue(*record);
    if (written.ok()) return sdk::Status::Ok();
    if (written.code() != sdk::ErrorCode::kConflict) return named(written.error(), queue);
  }
  return sdk::make_error(sdk::ErrorCode::kConflict,
                         "queue " + std::string(queue) +
                             ": its data keys kept changing under concurrent updates; gave up "
                             "after " +
                             std::to_string(kMaxUpdateAttempts) + " attempts");
}

}  // namespace sluice::core
