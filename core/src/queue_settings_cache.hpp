// The registry's cache of parsed QueueSettings, read on every message-path request.
// Entries are replaced by the registry's own writes and re-read from the store once older than the
// refresh interval, which bounds how long a change made by another broker on a shared store goes
// unseen. Thread-safe: any thread may call any method.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "sluice/core/queue_settings.hpp"
#include "sluice/sdk/types.hpp"

namespace sluice::core {

class QueueSettingsCache {
 public:
  explicit QueueSettingsCache(sdk::Millis refresh_after) : refresh_after_(refresh_after) {}

  // A copy of the entry for `name` if it was stored less than refresh_after before `now`.
  std::optional<QueueSettings> find(const std::string& name, sdk::TimePoint now) const;
  void put(QueueSettings settings, sdk::TimePoint now);
  void erase(const std::string& name);

 private:
  struct Entry {
    QueueSettings settings;
    sdk::TimePoint loaded_at;
  };
  const sdk::Millis refresh_after_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace sluice::core
