#include "queue_policy_cache.hpp"

namespace sluice::plugins::sqs {

std::optional<std::string> QueuePolicyCache::find(const std::string& queue, TimePoint now) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(queue);
  if (it == entries_.end() || now - it->second.loaded_at >= ttl_) return std::nullopt;
  return it->second.policy;
}

std::uint64_t QueuePolicyCache::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

void QueuePolicyCache::put(const std::string& queue, std::string policy, TimePoint now,
                           std::uint64_t generation) {
  std::lock_guard lock(mu_);
  if (generation != generation_) return;
  // A bound, not an LRU: entries expire within ttl anyway, so starting over costs little.
  if (entries_.size() >= kMaxEntries && entries_.find(queue) == entries_.end()) entries_.clear();
  entries_[queue] = Entry{std::move(policy), now};
}

void QueuePolicyCache::erase(const std::string& queue) {
  std::lock_guard lock(mu_);
  entries_.erase(queue);
  ++generation_;
}

}  // namespace sluice::plugins::sqs
