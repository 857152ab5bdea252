// StandardCandidates: the visible messages of a standard queue in the order a claim takes them
// (fair queues, QueueStore::claim).
//
// First the quiet phase: untenanted messages (kReady) and the messages of tenants that are not
// noisy, merged in (visible_at, seq) order. A tenant enters the merge through its kTenantHead
// entry (its oldest visible message) and then follows its own kTenantMember range, so a noisy
// tenant costs one skipped head entry, never a walk over its backlog. Then the noisy phase: the
// noisy tenants' messages, merged the same way from their heads. Each phase ends at the first
// message not visible at `now` (filed by a call with a later `now`).
//
// Cost: one seek per index and per tenant met, one step per message handed out, plus one skipped
// head entry per noisy tenant. A queue without tenants reads exactly what it read before fair
// queues: the kTenantHead scan is skipped once its floor says the index is empty.
//
// Reads the database as it was when the claim started (plain iterators, not the transaction's
// batch), so a message the claim files again at once (visibility 0) is never met twice.
//
// Threading: as QueueTxn; one object per claim phase.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "queue_handle.hpp"
#include "queue_writer.hpp"
#include "rocksdb_database.hpp"
#include "sluice/sdk/result.hpp"
#include "tenant_index.hpp"

namespace sluice::plugins::rocksdb {

struct Candidate {
  std::uint64_t at = 0;  // visible_at as a key component
  std::uint64_t seq = 0;
  Placement where = Placement::kReady;  // kReady (untenanted) or kTenantReady
  std::string tenant;                   // kTenantReady: the tenant
};

class StandardCandidates {
 public:
  // `noisy`: the tenants noisy when the claim started. `tenants` reads their rows (heads).
  StandardCandidates(Database& db, const QueueHandle& queue, QueueState& state,
                     std::vector<std::string> noisy, TenantIndex tenants, sdk::TimePoint now);
  StandardCandidates(const StandardCandidates&) = delete;
  StandardCandidates& operator=(const StandardCandidates&) = delete;
  ~StandardCandidates();

  // The next candidate, not yet consumed; nullptr when no visible message is left.
  sdk::Result<const Candidate*> peek();
  // Consumes the candidate peek() returned (the claim delivered or dead-lettered it).
  sdk::Status pop();
  // Raises the kReady and kTenantHead floors past what was consumed. Call once, at the end.
  void finish();

 private:
  struct Cursor;
  enum class Source : std::uint8_t { kReady, kHead, kTenant };
  enum class Phase : std::uint8_t { kQuiet, kNoisy, kDone };
  using Position = std::tuple<std::uint64_t, std::uint64_t, Cursor*>;

  bool is_noisy(std::string_view tenant) const;
  sdk::Status skip_noisy_heads();
  sdk::Status start_noisy_phase();
  // A cursor over `tenant`'s kTenantMember range, positioned at (at, seq), which must exist.
  sdk::Result<Cursor*> open_cursor(const std::string& tenant, std::uint64_t at, std::uint64_t seq);
  // Steps `cursor` past its current entry and files its next one, if any.
  sdk::Status step(Cursor& cursor);
  sdk::Error corrupt(std::string_view index) const;

  Database& db_;
  const QueueHandle& queue_;
  QueueState& state_;
  const std::vector<std::string> noisy_;
  TenantIndex tenants_;
  const std::uint64_t now_;
  Phase phase_ = Phase::kQuiet;

  std::string ready_lower_, ready_upper_, heads_lower_, heads_upper_;
  rdb::Slice ready_lower_slice_, ready_upper_slice_, heads_lower_slice_, heads_upper_slice_;
  std::unique_ptr<rdb::Iterator> ready_;  // kReady (untenanted); null if the index is empty
  std::unique_ptr<rdb::Iterator> heads_;  // kTenantHead; null if the index is empty
  FloorKey skipped_head_ = kPastEnd;      // the smallest noisy head entry stepped over
  std::vector<std::unique_ptr<Cursor>> cursors_;
  std::set<Position> next_;  // tenants' next messages, from their cursors

  std::optional<Candidate> current_;
  Source source_ = Source::kReady;
};

}  // namespace sluice::plugins::rocksdb
