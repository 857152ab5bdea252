// The SQS front end's short-lived cache of queue Policy attributes, so authorizing a message
// call does not read queue metadata every time. An entry lives `ttl` (a change made through
// another broker is seen within that), and is dropped at once when a call through this front end
// may have changed it. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace sluice::plugins::sqs {

class QueuePolicyCache {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit QueuePolicyCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  // The Policy of `queue` ("" = none) if cached less than ttl before `now`.
  std::optional<std::string> find(const std::string& queue, TimePoint now) const;
  // Take before reading a policy and hand to put(): a put whose read may have raced with an
  // erase() is ignored, so a policy change is never hidden by a read that started before it.
  std::uint64_t generation() const;
  void put(const std::string& queue, std::string policy, TimePoint now, std::uint64_t generation);
  void erase(const std::string& queue);

 private:
  static constexpr std::size_t kMaxEntries = 10'000;
  struct Entry {
    std::string policy;
    TimePoint loaded_at;
  };
  const std::chrono::milliseconds ttl_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  std::uint64_t generation_ = 0;                    // guarded by mu_; bumped by erase()
};

}  // namespace sluice::plugins::sqs
