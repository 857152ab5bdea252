#include "receive_attempts.hpp"

namespace sluice::core {
namespace {
std::string receipt_key(const std::string& queue, const std::string& receipt) {
  std::string key = queue;
  key.push_back('\0');
  key += receipt;
  return key;
}
}  // namespace

std::optional<ReceiveAttempts::Entry> ReceiveAttempts::find(const std::string& queue,
                                                            const std::string& attempt_id,
                                                            sdk::TimePoint now) {
  std::lock_guard<std::mutex> lock(mutex_);
  expire_locked(now);
  auto it = entries_.find(Key{queue, attempt_id});
  if (it == entries_.end()) return std::nullopt;
  return it->second.entry;
}

void ReceiveAttempts::remember(const std::string& queue, const std::string& attempt_id,
                               sdk::TimePoint now, Entry entry) {
  if (entry.messages.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  expire_locked(now);
  Key key{queue, attempt_id};
  erase_locked(key);
  for (const auto& receipt : entry.store_receipts) by_receipt_[receipt_key(queue, receipt)] = key;
  entries_.emplace(key, Stored{std::move(entry), now});
  by_age_.emplace_back(now, std::move(key));
}

void ReceiveAttempts::invalidate(const std::string& queue,
                                 const std::vector<std::string>& store_receipts) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (entries_.empty()) return;
  for (const auto& receipt : store_receipts) {
    auto it = by_receipt_.find(receipt_key(queue, receipt));
    if (it == by_receipt_.end()) continue;
    const Key key = it->second;
    erase_locked(key);
  }
}

void ReceiveAttempts::forget(const std::string& queue, const std::string& attempt_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  erase_locked(Key{queue, attempt_id});
}

void ReceiveAttempts::drop_queue(const std::string& queue) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Key> doomed;
  for (const auto& [key, stored] : entries_) {
    if (key.first == queue) doomed.push_back(key);
  }
  for (const auto& key : doomed) erase_locked(key);
}

void ReceiveAttempts::erase_locked(const Key& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  for (const auto& receipt : it->second.entry.store_receipts) {
    by_receipt_.erase(receipt_key(key.first, receipt));
  }
  entries_.erase(it);
  // by_age_ keeps a stale record; expire_locked skips keys whose entry is newer or gone.
}

void ReceiveAttempts::expire_locked(sdk::TimePoint now) {
  while (!by_age_.empty() && by_age_.front().first + window_ <= now) {
    auto [created, key] = by_age_.front();
    by_age_.pop_front();
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.created == created) erase_locked(key);
  }
}

}  // namespace sluice::core
