#include "fair_tenants.hpp"

#include <algorithm>

#include "sluice/sdk/types.hpp"

namespace sluice::plugins::memory {

void FairTenants::add_available(const std::string& tenant, std::uint64_t seq) {
  if (tenant.empty()) {
    loose_.insert(seq);
    return;
  }
  auto it = tenants_.try_emplace(tenant).first;
  std::optional<std::uint64_t> old_head;
  if (!it->second.available.empty()) old_head = *it->second.available.begin();
  it->second.available.insert(seq);
  set_head(it, old_head);
}

void FairTenants::remove_available(const std::string& tenant, std::uint64_t seq) {
  if (tenant.empty()) {
    loose_.erase(seq);
    return;
  }
  auto it = tenants_.find(tenant);
  if (it == tenants_.end() || it->second.available.empty()) return;
  const std::uint64_t old_head = *it->second.available.begin();
  it->second.available.erase(seq);
  set_head(it, old_head);
  forget_if_idle(it);
}

void FairTenants::add_in_flight(const std::string& tenant) {
  if (tenant.empty()) return;
  auto it = tenants_.try_emplace(tenant).first;
  if (++it->second.in_flight == sdk::kNoisyTenantMinInFlight) heavy_.insert(tenant);
}

void FairTenants::remove_in_flight(const std::string& tenant) {
  if (tenant.empty()) return;
  auto it = tenants_.find(tenant);
  if (it == tenants_.end() || it->second.in_flight == 0) return;
  if (it->second.in_flight-- == sdk::kNoisyTenantMinInFlight) heavy_.erase(tenant);
  forget_if_idle(it);
}

std::vector<std::string> FairTenants::noisy(std::uint64_t queue_in_flight) const {
  std::vector<std::string> out;
  for (const std::string& name : heavy_) {
    if (sdk::is_noisy_tenant(tenants_.at(name).in_flight, queue_in_flight)) out.push_back(name);
  }
  return out;
}

std::optional<std::uint64_t> FairTenants::oldest_quiet(
    const std::vector<std::string>& noisy) const {
  std::optional<std::uint64_t> best;
  if (!loose_.empty()) best = *loose_.begin();
  // At most noisy.size() heads are skipped before the first quiet one.
  for (const auto& [head, name] : heads_) {
    if (best && *best < head) break;
    if (std::find(noisy.begin(), noisy.end(), *name) != noisy.end()) continue;
    best = head;
    break;
  }
  return best;
}

void FairTenants::clear() {
  tenants_.clear();
  heads_.clear();
  loose_.clear();
  heavy_.clear();
}

void FairTenants::set_head(TenantMap::iterator tenant, std::optional<std::uint64_t> old_head) {
  const auto& available = tenant->second.available;
  std::optional<std::uint64_t> new_head;
  if (!available.empty()) new_head = *available.begin();
  if (old_head == new_head) return;
  if (old_head) heads_.erase({*old_head, &tenant->first});
  if (new_head) heads_.emplace(*new_head, &tenant->first);
}

void FairTenants::forget_if_idle(TenantMap::iterator tenant) {
  if (tenant->second.available.empty() && tenant->second.in_flight == 0) tenants_.erase(tenant);
}

}  // namespace sluice::plugins::memory
