#include "queue_settings_cache.hpp"

namespace sluice::core {

std::optional<QueueSettings> QueueSettingsCache::find(const std::string& name,
                                                      sdk::TimePoint now) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  // A clock that moved backwards also forces a re-read rather than trusting the entry forever.
  if (now < it->second.loaded_at || now - it->second.loaded_at >= refresh_after_) {
    return std::nullopt;
  }
  return it->second.settings;
}

void QueueSettingsCache::put(QueueSettings settings, sdk::TimePoint now) {
  std::lock_guard lock(mu_);
  std::string name = settings.name;
  entries_.insert_or_assign(std::move(name), Entry{std::move(settings), now});
}

void QueueSettingsCache::erase(const std::string& name) {
  std::lock_guard lock(mu_);
  entries_.erase(name);
}

}  // namespace sluice::core
