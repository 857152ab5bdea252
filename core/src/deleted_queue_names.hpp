// Names of queues this process deleted recently, so CreateQueue can refuse them for
// queue_recreate_delay (kQueueDeletedRecently). In memory and per process: a broker does not see
// deletions made by another broker sharing the store. Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "sluice/sdk/types.hpp"

namespace sluice::core {

class DeletedQueueNames {
 public:
  explicit DeletedQueueNames(sdk::Millis hold_for) : hold_for_(hold_for) {}

  void remember(const std::string& name, sdk::TimePoint deleted_at);
  // True while less than hold_for has passed since `name` was deleted. Forgets expired names.
  bool deleted_recently(const std::string& name, sdk::TimePoint now);

 private:
  const sdk::Millis hold_for_;
  std::mutex mu_;
  std::unordered_map<std::string, sdk::TimePoint> deleted_at_;  // guarded by mu_
};

}  // namespace sluice::core
