// FairTenants: the bookkeeping behind fair queues on a standard queue (see QueueStore::claim):
// each tenant's messages in flight and available, so a claim finds the oldest available message
// of a quiet tenant without stepping over a noisy tenant's backlog.
//
// Owned by a QueueState and guarded by its mutex. Only standard queues use it; the tenant of a
// message is its group id, and messages without one are kept as "loose" available messages.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sluice::plugins::memory {

class FairTenants {
 public:
  // A message became available / stopped being available (claimed, deleted, delayed again).
  void add_available(const std::string& tenant, std::uint64_t seq);
  void remove_available(const std::string& tenant, std::uint64_t seq);
  // A delivery of one of the tenant's messages started / stopped being in flight.
  void add_in_flight(const std::string& tenant);
  void remove_in_flight(const std::string& tenant);

  // The tenants that are noisy while the queue holds `queue_in_flight` messages in flight.
  std::vector<std::string> noisy(std::uint64_t queue_in_flight) const;
  // The oldest available message whose tenant is not in `noisy` (loose messages included).
  // Costs O(log n + noisy.size()).
  std::optional<std::uint64_t> oldest_quiet(const std::vector<std::string>& noisy) const;

  void clear();

 private:
  struct Tenant {
    std::set<std::uint64_t> available;  // oldest arrival first
    std::uint64_t in_flight = 0;
  };
  using TenantMap = std::unordered_map<std::string, Tenant>;

  void set_head(TenantMap::iterator tenant, std::optional<std::uint64_t> old_head);
  void forget_if_idle(TenantMap::iterator tenant);

  TenantMap tenants_;
  // Each tenant with available messages, by its oldest one. Keys point into tenants_ (node-based,
  // so stable until the tenant is erased, which first removes its head).
  std::set<std::pair<std::uint64_t, const std::string*>> heads_;
  std::set<std::uint64_t> loose_;  // available messages without a tenant
  // Tenants with at least kNoisyTenantMinInFlight in flight: the only ones that can be noisy.
  std::set<std::string> heavy_;
};

}  // namespace sluice::plugins::memory
