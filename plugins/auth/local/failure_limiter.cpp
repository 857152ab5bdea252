#include "failure_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace sluice::plugins::auth_local {

FailureLimiter::FailureLimiter(FailureLimiterOptions options)
    : options_(options),
      interval_(
          static_cast<Nanos::rep>(std::llround(60e9 / std::max(options.refill_per_minute, 1e-9)))),
      allowance_(static_cast<Nanos::rep>(std::llround((std::max(options.burst, 1.0) - 1.0) *
                                                      static_cast<double>(interval_.count())))) {}

bool FailureLimiter::admits(const std::string& address, TimePoint now) {
  std::lock_guard lock(mu_);
  auto it = full_at_.find(address);
  return it == full_at_.end() || has_token(it->second, now);
}

bool FailureLimiter::record_failure(const std::string& address, TimePoint now) {
  std::lock_guard lock(mu_);
  auto it = full_at_.find(address);
  if (it == full_at_.end()) {
    make_room(now);
    it = full_at_.emplace(address, now).first;
  }
  TimePoint& full_at = it->second;
  const bool had_a_token = has_token(full_at, now);
  full_at = std::max(full_at, now) + interval_;
  return had_a_token && !has_token(full_at, now);
}

void FailureLimiter::make_room(TimePoint now) {
  if (full_at_.size() < options_.max_addresses) return;
  std::erase_if(full_at_, [now](const auto& entry) { return entry.second <= now; });
  if (full_at_.size() < options_.max_addresses) return;
  // Every tracked address is still being punished: forget the one closest to forgiven.
  auto closest = std::min_element(full_at_.begin(), full_at_.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; });
  full_at_.erase(closest);
}

}  // namespace sluice::plugins::auth_local
