#include "queue_ref_cache.hpp"

namespace sluice::plugins::redis {

std::optional<QueueRefCache::Hit> QueueRefCache::find(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(std::string(name));
  if (it == entries_.end()) return std::nullopt;
  if (!it->second.ref && std::chrono::steady_clock::now() - it->second.absent_since >= kAbsentFor) {
    entries_.erase(it);
    return std::nullopt;
  }
  return Hit{it->second.ref};
}

void QueueRefCache::put(const QueueRef& ref) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[ref.name] = Entry{ref, {}};
}

void QueueRefCache::put_absent(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[std::string(name)] = Entry{std::nullopt, std::chrono::steady_clock::now()};
}

void QueueRefCache::drop(std::string_view name) {
  std::lock_guard lock(mutex_);
  entries_.erase(std::string(name));
}

}  // namespace sluice::plugins::redis
