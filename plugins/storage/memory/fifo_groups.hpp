// The message groups of one FIFO queue and the index that makes a FIFO claim O(log n): groups
// whose head is claimable, ordered by the head's arrival sequence, plus groups waiting for a time
// (a delayed head, or a visibility timeout of a message in flight) ordered by that time.
// Not thread-safe: the owning QueueState's mutex guards it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sluice/sdk/types.hpp"

namespace sluice::plugins::memory {

struct FifoGroup {
  enum class Slot : std::uint8_t { kNone, kWaiting, kReady };

  std::string id;
  // Arrival sequences of the group's messages, in order: the first is the head.
  std::set<std::uint64_t> seqs;
  // Messages handed out by the group's latest claim that still exist. They always form a prefix of
  // `seqs` (a claim takes consecutive messages from the head and no claim happens while any of them
  // is in flight), and the group is locked until every one of them is removed or has expired.
  std::vector<std::uint64_t> delivered;
  // The index entry (valid unless slot == kNone): the head's sequence and the time the group
  // becomes claimable.
  Slot slot = Slot::kNone;
  std::uint64_t indexed_head = 0;
  sdk::TimePoint ready_at;
};

class FifoGroups {
 public:
  FifoGroups() = default;
  FifoGroups(const FifoGroups&) = delete;
  FifoGroups& operator=(const FifoGroups&) = delete;

  // The group named `id`, created empty (and unindexed) if absent. The reference stays valid until
  // the group is erased by reindex().
  FifoGroup& get_or_add(const std::string& id);

  // Re-files `group` after its head or its delivered messages changed: an empty group is erased
  // (invalidating references to it); otherwise it becomes claimable at `ready_at` (ready now if
  // ready_at <= watermark, the time up to which advance() has run).
  void reindex(FifoGroup& group, sdk::TimePoint ready_at, sdk::TimePoint watermark);

  // Moves every waiting group whose ready_at <= now into the claimable index.
  void advance(sdk::TimePoint now);

  // Takes the claimable group with the oldest head >= *cursor whose ready_at <= now out of the
  // index (slot becomes kNone; the caller must reindex() it afterwards) and moves *cursor past it.
  // Skips groups filed as ready by an earlier call with a later `now`. nullptr if none. Start with
  // *cursor = 0 and reindex the popped groups only after the last pop of one claim.
  FifoGroup* pop_claimable(sdk::TimePoint now, std::uint64_t& cursor);

  void clear();
  std::size_t size() const { return groups_.size(); }

 private:
  void unindex(FifoGroup& group);

  std::unordered_map<std::string, FifoGroup> groups_;  // node-based: references stay valid
  std::map<std::uint64_t, FifoGroup*> ready_;          // by head sequence
  std::map<std::pair<sdk::TimePoint, std::uint64_t>, FifoGroup*> waiting_;  // by (ready_at, head)
};

}  // namespace sluice::plugins::memory
