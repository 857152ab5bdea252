// The key layout of the RocksDB store (README.md, "Key layout", draws the same picture).
//
// Column family "queues":   <queue name>                          -> QueueRow
// Column family "messages": <qid:8><seq:8>                        -> MessageBody (immutable)
// Column family "index":    <qid:8><tag:1><...>                   -> per-queue state, see Tag
//
// qid is the queue's internal id, assigned from a store-wide counter at creation and never reused,
// so a queue deleted and created again starts in an empty key range, and deleting a queue is one
// DeleteRange per column family. Integers are big-endian so byte order is numeric order; times
// are milliseconds with the sign bit flipped so they sort as signed numbers.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sluice/sdk/types.hpp"

namespace sluice::plugins::rocksdb {

// The byte after the queue id in the index column family: which family of keys follows.
enum class Tag : char {
  kCounters = 'c',     // <qid>c                     -> QueueCounters
  kState = 'm',        // <qid>m<seq>                -> MessageState (mutable part of a message)
  kReady = 'R',        // <qid>R<visible_at><seq>    -> flag: visible as of an earlier call
  kPending = 'P',      // <qid>P<visible_at><seq>    -> flag: delayed or in flight
  kSent = 'S',         // <qid>S<sent_at><seq>       -> ""   (retention)
  kGroupMember = 'G',  // <qid>G<len:4><group><seq>  -> ""   (FIFO: a group's messages in order)
  kGroupRow = 'g',     // <qid>g<group>              -> GroupRow (FIFO: count, lock, index slot)
  kHead = 'H',         // <qid>H<head seq>           -> group (FIFO: claimable groups by head)
  kWaiting = 'W',      // <qid>W<ready_at><head seq> -> group (FIFO: groups locked until a time)
  kDedup = 'D',        // <qid>D<dedup key>          -> DedupRow (FIFO dedup window)
  kDedupOrder = 'd',   // <qid>d<first_seen><key>    -> ""   (dedup keys oldest first, for pruning)
  // Fair queues (standard queues; a message's group id names its tenant), see tenant_index.hpp.
  kTenantReady = 'V',   // <qid>V<visible_at><seq>    -> flag: a tenant's message, visible
  kTenantMember = 'T',  // <qid>T<len:4><tenant><visible_at><seq> -> "" (a tenant's kTenantReady)
  kTenantHead = 'A',    // <qid>A<visible_at><seq>    -> tenant (tenants by oldest visible message)
  kTenantRow = 't',     // <qid>t<tenant>             -> TenantRow (in flight, filed head)
  kHeavyTenant = 'N',   // <qid>N<tenant>             -> ""   (tenants with >= 30 in flight)
};

// Values of the kReady / kPending / kTenantReady entries: whether the message was ever received,
// which decides whether a not-yet-visible message counts as in flight or as delayed.
inline constexpr char kFlagNeverReceived = 'd';
inline constexpr char kFlagReceived = 'f';

// The value of a visibility entry: the flag, then (kPending entries of a tenant's message only)
// the tenant, so moving the entry to the visible indexes needs no read of the message. Untenanted
// messages keep the one-byte value.
std::string visibility_value(bool received, std::string_view tenant);
bool value_received(std::string_view value);
std::string_view value_tenant(std::string_view value);  // "" if untenanted

void put_u64(std::string& out, std::uint64_t value);
// The big-endian integer in the first 8 bytes of `bytes` (which must hold at least 8).
std::uint64_t read_u64(std::string_view bytes);

// Order-preserving encodings of times.
std::uint64_t time_component(sdk::TimePoint t);
sdk::TimePoint time_from_component(std::uint64_t component);

// The smallest string greater than every string starting with `prefix` ("" if none exists).
std::string prefix_successor(std::string prefix);

std::string queue_prefix(std::uint64_t qid);
std::string queue_limit(std::uint64_t qid);  // exclusive end of the queue's key range
std::string tag_prefix(std::uint64_t qid, Tag tag);
std::string tag_limit(std::uint64_t qid, Tag tag);

// Keys of the ordered indexes (kReady, kPending, kSent, kWaiting): <qid><tag><component><seq>.
std::string ordered_key(std::uint64_t qid, Tag tag, std::uint64_t component, std::uint64_t seq);
// The first possible key of `tag` whose component is >= `component`: where a scan starts.
std::string ordered_seek(std::uint64_t qid, Tag tag, std::uint64_t component);
// The 8-byte component right after <qid><tag> (also the head seq of a kHead key); nullopt if the
// key is too short to hold one.
std::optional<std::uint64_t> component_of(std::string_view key);
// The trailing 8-byte sequence of an ordered key; nullopt if the key is not 25 bytes long.
std::optional<std::uint64_t> ordered_seq_of(std::string_view key);

std::string message_key(std::uint64_t qid, std::uint64_t seq);  // "messages" family
std::string state_key(std::uint64_t qid, std::uint64_t seq);
std::string counters_key(std::uint64_t qid);
std::string head_key(std::uint64_t qid, std::uint64_t head_seq);
std::string group_row_key(std::uint64_t qid, std::string_view group);
std::string group_member_prefix(std::uint64_t qid, std::string_view group);
std::string group_member_key(std::uint64_t qid, std::string_view group, std::uint64_t seq);
std::string dedup_key(std::uint64_t qid, std::string_view key);
std::string dedup_order_key(std::uint64_t qid, sdk::TimePoint first_seen, std::string_view key);
// The dedup key at the end of a dedup_order_key; nullopt if the key is too short.
std::optional<std::string_view> dedup_key_of_order_key(std::string_view order_key);

// Fair queues. A tenant's kTenantMember keys share tenant_member_prefix (length-prefixed, so no
// tenant's prefix is a prefix of another's) and end in the same <visible_at><seq> as its
// kTenantReady key.
std::string tenant_member_prefix(std::uint64_t qid, std::string_view tenant);
std::string tenant_member_key(std::uint64_t qid, std::string_view tenant, std::uint64_t at,
                              std::uint64_t seq);
std::string tenant_row_key(std::uint64_t qid, std::string_view tenant);
std::string heavy_tenant_key(std::uint64_t qid, std::string_view tenant);
// The tenant named by a kTenantRow or kHeavyTenant key.
std::string_view tenant_of_named_key(std::string_view key);
// The trailing <visible_at><seq> of a kTenantMember key; nullopt if the key is not
// prefix_size + 16 bytes long.
std::optional<std::pair<std::uint64_t, std::uint64_t>> member_position(std::string_view key,
                                                                       std::size_t prefix_size);

}  // namespace sluice::plugins::rocksdb
