// Where encrypted queues keep their data keys: QueueMetadata.data_keys, the queue's key ring.
// The ring lives with the queue in the shared store, so every broker on that store finds the same
// keys, and changing it is an optimistic update of the queue record like any metadata change.
//
// A ring holds the queue's own key (owner_queue == the queue; the key it seals with) and copies of
// the keys of queues whose messages can move into it: its dead-letter sources and the sources of a
// message move task aimed at it. Each copy is wrapped for the queue that holds it (the holder is
// part of the wrapped key's context), so a wrapped key pasted into another queue's ring does not
// unwrap there.
//
// Also here: the contexts the cipher authenticates. Pure functions and store calls; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "queue_metadata_codec.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::core {

// Associated data of a wrapped data key kept by `holder_queue`.
std::string wrapped_key_context(std::string_view holder_queue, const StoredDataKey& key);

// Associated data of a sealed payload: the queue whose key sealed it and the message id. A sealed
// payload pasted into another message, or into a queue that does not hold its key, fails to open.
std::string payload_context(std::string_view owner_queue, std::string_view message_id);

// A random key id, "dk-" and 32 hex digits: unique across queues and brokers.
std::string new_data_key_id();

struct KeyRing {
  std::uint64_t generation = 0;  // of the queue record it was read from
  std::vector<StoredDataKey> keys;
};

sdk::Result<KeyRing> read_key_ring(sdk::QueueStore& store, std::string_view queue);

// Reads the queue, lets `mutate` edit its ring, writes it back if the record's version is still
// the one read; re-reads and re-applies on kConflict (up to 16 times). `mutate` returns false when
// it changed nothing (no write) or an error that aborts. It may run several times.
using KeyRingMutation = std::function<sdk::Result<bool>(std::vector<StoredDataKey>& keys)>;
sdk::Status update_key_ring(sdk::QueueStore& store, std::string_view queue,
                            const KeyRingMutation& mutate);

}  // namespace sluice::core
