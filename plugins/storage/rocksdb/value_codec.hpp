// The values the RocksDB store keeps, and their byte encodings. Every value starts with a format
// byte so a later release can change a layout and still read the old one. Decoders return nullopt
// for bytes they cannot read (the caller reports the key as corrupt). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/types.hpp"

namespace sluice::plugins::rocksdb {

// A queue as the "queues" column family holds it, keyed by name.
struct QueueRow {
  std::uint64_t id = 0;  // the internal queue id that prefixes every key of the queue
  bool fifo = false;
  std::uint64_t generation = 0;
  std::uint64_t version = 0;
  std::string metadata;
};

// The immutable part of a message: written once when it enters a queue, read when delivered.
struct MessageBody {
  std::string message_id;
  std::string dedup_key;
  std::string dead_letter_source;
  std::string envelope;
};

// The mutable part of a message (small, rewritten by every claim and visibility change) plus the
// fields its index entries are keyed by.
struct MessageState {
  sdk::TimePoint visible_at;
  sdk::TimePoint sent_at;
  sdk::TimePoint first_received_at;
  std::uint32_t receive_count = 0;
  std::uint64_t token = 0;  // the current delivery's token (random, non-zero); 0 = never received
  std::string group_id;
};

// Where a FIFO group is filed: not at all (only while a claim holds it), among the claimable
// heads, or among the groups waiting for a time.
enum class GroupSlot : std::uint8_t { kNone = 0, kHead = 1, kWaiting = 2 };

// One FIFO message group. Its messages are the kGroupMember keys (the first is the head).
struct GroupRow {
  std::uint64_t count = 0;  // messages in the group
  // Messages handed out by the group's latest claim that still exist: a prefix of the group. The
  // group is locked until each of them is removed or its visibility has expired.
  std::vector<std::uint64_t> delivered;
  GroupSlot slot = GroupSlot::kNone;
  std::uint64_t indexed_head = 0;  // the head seq of the index entry (kHead or kWaiting)
  sdk::TimePoint ready_at;         // when the group becomes claimable (kWaiting key component)
};

// The exact totals of one queue, updated in the same WriteBatch as the entries they count.
struct QueueCounters {
  std::uint64_t next_seq = 1;           // the seq of the next message to enter the queue
  std::uint64_t ready = 0;              // kReady entries
  std::uint64_t pending_in_flight = 0;  // kPending entries of received messages
  std::uint64_t pending_delayed = 0;    // kPending entries of never-received messages

  std::uint64_t total() const { return ready + pending_in_flight + pending_delayed; }
};

// A tenant of a standard queue (fair queues, tenant_index.hpp): its messages in flight and the
// oldest visible message its kTenantHead entry is filed under. A tenant with neither has no row.
struct TenantRow {
  std::uint64_t in_flight = 0;
  bool has_head = false;
  std::uint64_t head_at = 0;  // the head's visible_at, as a key component (time_component)
  std::uint64_t head_seq = 0;
};

// The original append of a FIFO dedup key.
struct DedupRow {
  sdk::TimePoint first_seen;
  std::uint64_t seq = 0;
  std::string message_id;
};

// The FIFO sequence number clients see for seq: 20 decimal digits (10^19 + seq), so the strings
// compare the same way as strings and as numbers.
std::string sequence_text(std::uint64_t seq);

std::string encode(const QueueRow& row);
std::string encode(const MessageBody& body);
std::string encode(const MessageState& state);
std::string encode(const GroupRow& row);
std::string encode(const QueueCounters& counters);
std::string encode(const DedupRow& row);
std::string encode(const TenantRow& row);

std::optional<QueueRow> decode_queue_row(std::string_view bytes);
std::optional<MessageBody> decode_message_body(std::string_view bytes);
std::optional<MessageState> decode_message_state(std::string_view bytes);
std::optional<GroupRow> decode_group_row(std::string_view bytes);
std::optional<QueueCounters> decode_counters(std::string_view bytes);
std::optional<DedupRow> decode_dedup_row(std::string_view bytes);
std::optional<TenantRow> decode_tenant_row(std::string_view bytes);

}  // namespace sluice::plugins::rocksdb
