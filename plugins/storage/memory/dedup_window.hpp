// FIFO deduplication memory of one queue: which dedup keys were appended when, and what the
// original append returned. Not thread-safe: the owning QueueState's mutex guards it.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>

#include "sluice/sdk/types.hpp"

namespace sluice::plugins::memory {

class DedupWindow {
 public:
  struct Original {
    sdk::TimePoint first_seen;
    std::string message_id;
    std::uint64_t seq = 0;  // arrival sequence of the original message
  };

  // The original append of `key` if it happened within `window` before `now`, else nullptr.
  // The pointer is valid until the next non-const call.
  const Original* find(const std::string& key, sdk::TimePoint now, sdk::Millis window) const;

  // Records a first append of `key` at `now` (replacing an expired record of the same key).
  void remember(const std::string& key, sdk::TimePoint now, std::string message_id,
                std::uint64_t seq);

  // Forgets keys whose window has passed, oldest first, so memory stays proportional to the
  // number of keys appended within one window. Amortised O(1) per remembered key.
  void prune(sdk::TimePoint now, sdk::Millis window);

  std::size_t size() const { return originals_.size(); }

 private:
  std::unordered_map<std::string, Original> originals_;
  // Keys in the order they were remembered, with the time they were remembered then: a key
  // remembered again after expiry appears twice, and only the entry whose time still matches the
  // map erases it.
  std::deque<std::pair<sdk::TimePoint, std::string>> order_;
};

}  // namespace sluice::plugins::memory
