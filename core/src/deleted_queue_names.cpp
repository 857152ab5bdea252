#include "deleted_queue_names.hpp"

namespace sluice::core {

void DeletedQueueNames::remember(const std::string& name, sdk::TimePoint deleted_at) {
  std::lock_guard lock(mu_);
  deleted_at_.insert_or_assign(name, deleted_at);
}

bool DeletedQueueNames::deleted_recently(const std::string& name, sdk::TimePoint now) {
  std::lock_guard lock(mu_);
  std::erase_if(deleted_at_, [&](const auto& entry) { return now - entry.second >= hold_for_; });
  return deleted_at_.contains(name);
}

}  // namespace sluice::core
