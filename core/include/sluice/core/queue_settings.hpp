// A queue's effective settings, parsed once from its stored metadata with defaults applied.
// The message path reads these; only the queue registry writes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sluice/sdk/types.hpp"

namespace sluice::core {

enum class DedupScope : std::uint8_t { kQueue, kMessageGroup };

struct RedrivePolicy {
  std::string dead_letter_queue;  // queue name (parsed from deadLetterTargetArn)
  std::string dead_letter_arn;
  std::uint32_t max_receive_count = 0;  // 1..1000
};

struct QueueSettings {
  std::string name;
  std::string arn;
  bool fifo = false;
  std::uint64_t generation = 0;
  std::int32_t delay_seconds = 0;                  // 0..900
  std::int32_t maximum_message_size = 1048576;     // 1024..1048576
  std::int32_t message_retention_period = 345600;  // 60..1209600
  std::int32_t receive_wait_time_seconds = 0;      // 0..20
  std::int32_t visibility_timeout = 30;            // 0..43200
  bool content_based_deduplication = false;        // FIFO
  DedupScope dedup_scope = DedupScope::kQueue;     // FIFO
  std::optional<RedrivePolicy> redrive;
  sdk::TimePoint created_at;
  // Server-side encryption: SqsManagedSseEnabled (default true) or a KmsMasterKeyId. New messages
  // are sealed only when an encryption plugin is configured (see core/src/envelope_sealer.hpp).
  bool sse_enabled = true;
  // KmsDataKeyReusePeriodSeconds (60..86400): how long a broker uses an unwrapped data key before
  // reading it from the queue and unwrapping it through the key provider again.
  std::int32_t data_key_reuse_seconds = 300;
};

}  // namespace sluice::core
