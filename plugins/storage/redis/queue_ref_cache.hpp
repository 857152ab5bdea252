// QueueRefCache: queue name -> the store's internal id, generation and kind, so message calls
// need no catalog lookup of their own. Entries are hints: every script checks that the queue's
// meta key still names the queue and generation, and the store drops an entry a script calls
// stale. Absent queues are remembered briefly (dead-letter queue lookups on every claim of a queue
// whose redrive names a missing queue would otherwise cost a round trip each).
//
// Threading: every method may be called from any thread at once (one mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sluice::plugins::redis {

struct QueueRef {
  std::string name;
  std::uint64_t id = 0;
  std::uint64_t generation = 0;
  bool fifo = false;
};

class QueueRefCache {
 public:
  // How long "this queue does not exist" is believed.
  static constexpr std::chrono::milliseconds kAbsentFor{1000};

  struct Hit {
    std::optional<QueueRef> ref;  // nullopt: known to be absent (recently)
  };
  // nullopt: nothing known, look it up.
  std::optional<Hit> find(std::string_view name);
  void put(const QueueRef& ref);
  void put_absent(std::string_view name);
  void drop(std::string_view name);

 private:
  struct Entry {
    std::optional<QueueRef> ref;
    std::chrono::steady_clock::time_point absent_since{};
  };
  // Bounds memory when many names come and go; the cache refills on demand.
  static constexpr std::size_t kMaxEntries = 100'000;

  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace sluice::plugins::redis
