// One message as the in-memory store keeps it. Owned by a QueueState and guarded by its mutex.
#pragma once

#include <cstdint>
#include <string>

#include "sluice/sdk/types.hpp"

namespace sluice::plugins::memory {

struct FifoGroup;

// A message is in exactly one of three states, derived from its fields and the caller's `now`:
//   delayed    receive_count == 0 and visible_at > now
//   available  visible_at <= now (never received, or its visibility expired)
//   in flight  receive_count > 0 and visible_at > now
// Visibility expiry is lazy: nothing changes when a visibility timeout passes.
struct StoredMessage {
  std::string message_id;
  std::string envelope;
  std::string group_id;
  std::string dedup_key;
  std::string dead_letter_source;
  sdk::TimePoint sent_at;
  sdk::TimePoint visible_at;
  sdk::TimePoint first_received_at;
  std::uint32_t receive_count = 0;
  // The token of the latest delivery from this queue (0 = never delivered here). Only a receipt
  // carrying it is current.
  std::uint64_t delivery_token = 0;
  // FIFO queues: the group the message is queued in (owned by the queue's FifoGroups).
  FifoGroup* group = nullptr;
};

}  // namespace sluice::plugins::memory
