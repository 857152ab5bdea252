// The in-memory side of fair queues (standard queues; a message's group id names its tenant):
// the working rows a transaction changes, and the cache of heavy tenants that lets a claim find
// the noisy ones without reading the database. tenant_index.hpp keeps both in step with the
// kTenant* keys.
//
// Threading: both live in a queue's QueueHandle / QueueState and are guarded by its mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "value_codec.hpp"

namespace sluice::plugins::rocksdb {

// One tenant's row as a transaction changes it. `stored` is the row in the database when the
// transaction first read it; `row` carries the changes, its head exact only while head_known.
// Once the head is deleted the new one is looked up at commit (one seek from seek_at/seek_seq,
// below which the tenant has no live kTenantMember entry), so a transaction that takes several
// of a tenant's messages seeks once.
struct TenantWork {
  TenantRow stored;
  TenantRow row;
  bool head_known = true;
  std::uint64_t seek_at = 0;
  std::uint64_t seek_seq = 0;
  bool dirty = false;
};

// A heavy tenant's in-flight count as a committed transaction left it (below the threshold: no
// longer heavy).
struct HeavyChange {
  std::string tenant;
  std::uint64_t in_flight = 0;
};

// The tenants holding at least sdk::kNoisyTenantMinInFlight messages in flight (only they can be
// noisy) with their counts, largest first. Bounded: at most in_flight / 30 entries.
class HeavyTenants {
 public:
  // Records a tenant's count; a count below the threshold drops the tenant.
  void set(const std::string& tenant, std::uint64_t in_flight);
  void clear();
  std::size_t size() const { return in_flight_.size(); }
  // The tenants noisy while the queue holds `queue_in_flight` messages in flight
  // (sdk::is_noisy_tenant). O(noisy + 1): is_noisy_tenant grows with the tenant's count, so the
  // walk from the largest count stops at the first quiet one.
  std::vector<std::string> noisy(std::uint64_t queue_in_flight) const;

 private:
  std::unordered_map<std::string, std::uint64_t> in_flight_;
  std::set<std::pair<std::uint64_t, std::string>, std::greater<>> by_load_;
};

}  // namespace sluice::plugins::rocksdb
