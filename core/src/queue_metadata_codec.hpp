// QueueRecord::metadata <-> QueueMetadata: the serialized sluice.v1.QueueMetadata that the core
// owns and stores keep as opaque bytes. Keeps Protobuf out of the registry's logic.
// Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "queue_policy.hpp"
#include "sluice/sdk/broker_api.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::core {

// A data key as the queue keeps it (sluice.v1.WrappedDataKey; see envelope_sealer.hpp).
struct StoredDataKey {
  std::string id;
  std::string master_key_id;
  std::string wrapped;
  std::int64_t created_at_ms = 0;
  std::string owner_queue;
};

struct QueueMetadata {
  // Attributes as set, in canonical form; defaults are not stored. Never holds FifoQueue (the
  // record's `fifo` says it) nor read-only attributes. "Policy" holds only the explicitly set
  // document; AddPermission grants live in `permissions`.
  sdk::AttributeMap attributes;
  sdk::TagMap tags;
  std::int64_t created_at_ms = 0;
  std::int64_t modified_at_ms = 0;
  std::int64_t last_purge_at_ms = 0;  // 0: never purged
  std::vector<PermissionGrant> permissions;
  std::vector<StoredDataKey> data_keys;  // encryption at rest: see data_key_ring.hpp
};

std::string encode_queue_metadata(const QueueMetadata& metadata);

// kInternal naming `queue_name` when the bytes are not a QueueMetadata. Empty bytes decode to an
// empty QueueMetadata (a queue created by a tool that stored none).
sdk::Result<QueueMetadata> decode_queue_metadata(std::string_view bytes,
                                                 std::string_view queue_name);

}  // namespace sluice::core
