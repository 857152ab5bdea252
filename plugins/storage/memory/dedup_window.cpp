#include "dedup_window.hpp"

namespace sluice::plugins::memory {

const DedupWindow::Original* DedupWindow::find(const std::string& key, sdk::TimePoint now,
                                               sdk::Millis window) const {
  auto it = originals_.find(key);
  if (it == originals_.end()) return nullptr;
  // Within the window means strictly before first_seen + window: at the boundary the key is new.
  if (now >= it->second.first_seen + window) return nullptr;
  return &it->second;
}

void DedupWindow::remember(const std::string& key, sdk::TimePoint now, std::string message_id,
                           std::uint64_t seq) {
  originals_.insert_or_assign(key, Original{now, std::move(message_id), seq});
  order_.emplace_back(now, key);
}

void DedupWindow::prune(sdk::TimePoint now, sdk::Millis window) {
  while (!order_.empty() && order_.front().first + window <= now) {
    auto& [remembered_at, key] = order_.front();
    auto it = originals_.find(key);
    if (it != originals_.end() && it->second.first_seen == remembered_at) originals_.erase(it);
    order_.pop_front();
  }
}

}  // namespace sluice::plugins::memory
