#include "tenant_state.hpp"

#include "sluice/sdk/types.hpp"

namespace sluice::plugins::rocksdb {

void HeavyTenants::set(const std::string& tenant, std::uint64_t in_flight) {
  auto it = in_flight_.find(tenant);
  if (it != in_flight_.end()) {
    by_load_.erase({it->second, tenant});
    if (in_flight < sdk::kNoisyTenantMinInFlight) {
      in_flight_.erase(it);
      return;
    }
    it->second = in_flight;
  } else {
    if (in_flight < sdk::kNoisyTenantMinInFlight) return;
    in_flight_.emplace(tenant, in_flight);
  }
  by_load_.emplace(in_flight, tenant);
}

void HeavyTenants::clear() {
  in_flight_.clear();
  by_load_.clear();
}

std::vector<std::string> HeavyTenants::noisy(std::uint64_t queue_in_flight) const {
  std::vector<std::string> out;
  for (const auto& [in_flight, tenant] : by_load_) {
    if (!sdk::is_noisy_tenant(in_flight, queue_in_flight)) break;
    out.push_back(tenant);
  }
  return out;
}

}  // namespace sluice::plugins::rocksdb
