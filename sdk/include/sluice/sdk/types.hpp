// Value types shared by the core and every plugin kind. Plain structs: no behaviour, no
// ownership surprises, safe to copy between threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::sdk {

// Wall-clock time in milliseconds since the Unix epoch. Stores never read a clock; the core passes
// `now` into every call so tests can drive time.
using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::time_point<std::chrono::system_clock, Millis>;

inline std::int64_t to_unix_millis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_unix_millis(std::int64_t ms) { return TimePoint(Millis(ms)); }

// A queue as the store keeps it. The store interprets only `name`, `fifo`, `version` and
// `generation`; `metadata` is the serialized sluice.v1.QueueMetadata the core owns (attributes,
// tags, policies, timestamps), kept as opaque bytes.
struct QueueRecord {
  std::string name;
  bool fifo = false;
  // Random id chosen at creation. A queue deleted and created again under the same name has a new
  // generation, so receipts and moves aimed at the old one are rejected.
  std::uint64_t generation = 0;
  // Bumped by the store on every successful update; update_queue compares it (optimistic locking
  // between brokers sharing one store).
  std::uint64_t version = 0;
  std::string metadata;
};

// One message handed to QueueStore::append. The core has already validated it, assigned its id,
// computed its dedup key and sealed it (encryption) into `envelope`.
struct NewMessage {
  std::string message_id;  // globally unique, assigned by the core
  std::string envelope;    // serialized sluice.v1.MessageEnvelope; opaque to the store
  TimePoint sent_at;       // retention counts from here
  TimePoint visible_at;    // sent_at + delay
  // FIFO: the message group (required). Standard: optional tenant id, informational.
  std::string group_id;
  // FIFO only: deduplication key, already scoped by the core (queue scope: the id; group scope:
  // group + '\0' + id). Empty on standard queues.
  std::string dedup_key;
};

// The store's answer for one appended message.
struct AppendOutcome {
  std::string message_id;  // on a duplicate: the id of the original message
  std::string sequence;    // FIFO: decimal sequence number, strictly increasing per queue
  bool duplicate = false;  // true if the dedup key was seen within the window; nothing stored
};

struct AppendSpec {
  TimePoint now;
  Millis dedup_window{std::chrono::minutes(5)};
};

// A message as a claim delivers it.
struct Delivery {
  std::string message_id;
  std::string envelope;
  std::string receipt;   // opaque, store-defined; identifies this delivery and no other
  std::string sequence;  // FIFO only
  std::string group_id;
  std::string dedup_key;
  TimePoint sent_at;
  std::uint32_t receive_count = 0;  // including this delivery
  TimePoint first_received_at;
  // Set when the message was moved here from another queue by dead-lettering: that queue's name.
  std::string dead_letter_source;
};

// Fair queues (standard queues only; AWS calls a MessageGroupId on a standard queue a tenant).
// A tenant is noisy while it holds at least kNoisyTenantMinInFlight messages in flight AND more
// than kNoisyTenantInFlightPercent percent of the queue's in-flight messages. Messages without a
// group id are never noisy (each is its own tenant). See QueueStore::claim.
inline constexpr std::uint64_t kNoisyTenantMinInFlight = 30;
inline constexpr std::uint64_t kNoisyTenantInFlightPercent = 10;

// Whether a tenant holding `tenant_in_flight` of the queue's `queue_in_flight` messages is noisy.
constexpr bool is_noisy_tenant(std::uint64_t tenant_in_flight, std::uint64_t queue_in_flight) {
  return tenant_in_flight >= kNoisyTenantMinInFlight &&
         tenant_in_flight * 100 > queue_in_flight * kNoisyTenantInFlightPercent;
}

struct ClaimSpec {
  std::uint32_t max_messages = 1;  // 1..N; the store returns at most this many
  Millis visibility{std::chrono::seconds(30)};
  TimePoint now;
  // Dead-lettering: when > 0, a message already delivered max_receives times is moved to
  // `dead_letter_queue` instead of being delivered again, in the same atomic step, and gets
  // dead_letter_source = this queue. If that queue does not exist the message is delivered as if
  // no limit were set (the core logs it); max_receives > 0 with an empty name is
  // kInvalidParameterValue.
  std::uint32_t max_receives = 0;
  std::string dead_letter_queue;
  // FIFO DLQs restart retention when a message enters them; standard ones keep the original time.
  bool dead_letter_resets_sent_at = false;
  // When the queue already holds this many messages in flight, claim nothing and return kOverLimit
  // (0 = no limit).
  std::uint64_t in_flight_limit = 0;
};

struct ClaimResult {
  std::vector<Delivery> deliveries;
  std::uint32_t dead_lettered = 0;  // messages moved to the DLQ during this claim
};

struct VisibilityChange {
  std::string receipt;
  TimePoint visible_at;
};

struct QueueCounts {
  std::uint64_t visible = 0;    // receivable now
  std::uint64_t in_flight = 0;  // received, not deleted, visibility not yet expired
  std::uint64_t delayed = 0;    // sent with a delay that has not yet passed
};

struct MoveSpec {
  TimePoint now;
  std::uint32_t max_messages = 1;
  // Where to move: a queue name, or empty to send each message back to its dead_letter_source.
  std::string destination;
  // Moved messages restart their receive count and visible_at = now.
};

struct MoveResult {
  std::uint32_t moved = 0;
  std::uint32_t remaining = 0;  // visible messages still in the source after this call
};

struct ListQueuesPage {
  std::vector<QueueRecord> queues;  // in ascending name order
  std::string next_token;           // empty when there are no more
};

}  // namespace sluice::sdk
