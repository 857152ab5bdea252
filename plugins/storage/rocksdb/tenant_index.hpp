// TenantIndex: the fair-queue bookkeeping of one standard queue inside a QueueTxn.
//
// On a standard queue a message's group id names its tenant. A tenant's visible messages are
// filed in kTenantReady (one global (visible_at, seq) order, for counts and moves) and in its own
// kTenantMember range instead of kReady, which keeps only untenanted messages; each tenant with
// visible messages has one kTenantHead entry under its oldest one, and a kTenantRow with its
// messages in flight. Tenants with at least sdk::kNoisyTenantMinInFlight in flight also have a
// kHeavyTenant entry, from which QueueHandle::heavy is loaded. A claim can then take untenanted
// messages and quiet tenants' heads in order, stepping over one kTenantHead entry per noisy
// tenant rather than over its backlog (standard_candidates.hpp).
//
// The calls record changes in the transaction's QueueState::tenants; flush() (run by
// QueueTxn::commit) writes the rows, moves head entries and heavy entries, all in the same batch,
// so a crash at any point leaves the index consistent.
//
// Threading: as QueueTxn (the caller holds the queue's mutex).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "queue_handle.hpp"
#include "queue_txn.hpp"
#include "rocksdb_database.hpp"
#include "sluice/sdk/result.hpp"
#include "value_codec.hpp"

namespace sluice::plugins::rocksdb {

class TenantIndex {
 public:
  TenantIndex(QueueTxn& txn, const QueueHandle& queue, QueueState& state);

  // Message `seq` of `tenant` became visible at key component `at`: files its kTenantReady entry
  // (value `flag`) and kTenantMember entry. The caller counts it as ready.
  sdk::Status add_available(std::string_view tenant, std::uint64_t at, std::uint64_t seq,
                            char flag);
  // Deletes both entries again (claimed, removed, delayed by a visibility change).
  sdk::Status remove_available(std::string_view tenant, std::uint64_t at, std::uint64_t seq);
  // A delivery of one of the tenant's messages started / stopped being in flight.
  sdk::Status add_in_flight(std::string_view tenant);
  sdk::Status remove_in_flight(std::string_view tenant);

  // The tenant's row as the database holds it before this transaction's changes to it.
  sdk::Result<TenantRow> stored_row(std::string_view tenant);

  // Writes every changed tenant's row, kTenantHead entry and kHeavyTenant entry into the batch
  // and records heavy tenants' new counts in QueueState::heavy_changes. Leaves state.tenants
  // empty.
  sdk::Status flush();

 private:
  sdk::Result<TenantWork*> work(std::string_view tenant);
  sdk::Status flush_one(const std::string& tenant, TenantWork& work);
  sdk::Error corrupt(std::string_view what, std::string_view tenant) const;

  QueueTxn& txn_;
  const QueueHandle& queue_;
  QueueState& state_;
};

// Loads queue.heavy from the kHeavyTenant entries and the rows they name, unless
// queue.state.heavy_loaded. O(heavy tenants), once per queue handle. Caller holds the queue's
// mutex and no transaction of the queue is open.
sdk::Status load_heavy_tenants(Database& db, QueueHandle& queue);

}  // namespace sluice::plugins::rocksdb
