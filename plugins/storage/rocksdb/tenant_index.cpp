#include "tenant_index.hpp"

#include <tuple>
#include <utility>

#include "key_codec.hpp"
#include "sluice/sdk/types.hpp"
#include "status_macros.hpp"

namespace sluice::plugins::rocksdb {
namespace {

bool is_head(const TenantRow& row, std::uint64_t at, std::uint64_t seq) {
  return row.has_head && row.head_at == at && row.head_seq == seq;
}

bool before(std::uint64_t at, std::uint64_t seq, const TenantRow& row) {
  return std::tie(at, seq) < std::tie(row.head_at, row.head_seq);
}

}  // namespace

TenantIndex::TenantIndex(QueueTxn& txn, const QueueHandle& queue, QueueState& state)
    : txn_(txn), queue_(queue), state_(state) {}

sdk::Error TenantIndex::corrupt(std::string_view what, std::string_view tenant) const {
  return sdk::make_error(sdk::ErrorCode::kInternal, "queue '" + queue_.name +
                                                        "': " + std::string(what) + " of tenant '" +
                                                        std::string(tenant) + "' is corrupt");
}

sdk::Result<TenantRow> TenantIndex::stored_row(std::string_view tenant) {
  SLUICE_RDB_ASSIGN_OR_RETURN(TenantWork * found, work(tenant));
  return found->stored;
}

sdk::Result<TenantWork*> TenantIndex::work(std::string_view tenant) {
  auto it = state_.tenants.find(tenant);
  if (it != state_.tenants.end()) return &it->second;
  SLUICE_RDB_ASSIGN_OR_RETURN(auto bytes,
                              txn_.get(txn_.db().index(), tenant_row_key(queue_.id, tenant)));
  TenantWork fresh;
  if (bytes) {
    auto row = decode_tenant_row(*bytes);
    if (!row) return corrupt("the row", tenant);
    fresh.stored = *row;
  }
  fresh.row = fresh.stored;
  return &state_.tenants.emplace(std::string(tenant), fresh).first->second;
}

sdk::Status TenantIndex::add_available(std::string_view tenant, std::uint64_t at, std::uint64_t seq,
                                       char flag) {
  auto& batch = txn_.batch();
  auto* index = txn_.db().index();
  batch.Put(index, ordered_key(queue_.id, Tag::kTenantReady, at, seq), rdb::Slice(&flag, 1));
  batch.Put(index, tenant_member_key(queue_.id, tenant, at, seq), rdb::Slice());
  state_.floors.note_insert(Floor::kTenantReady, {at, seq});
  SLUICE_RDB_ASSIGN_OR_RETURN(TenantWork * w, work(tenant));
  if (w->head_known) {
    if (!w->row.has_head || before(at, seq, w->row)) {
      w->row.has_head = true;
      w->row.head_at = at;
      w->row.head_seq = seq;
    }
  } else if (std::tie(at, seq) < std::tie(w->seek_at, w->seek_seq)) {
    w->seek_at = at;
    w->seek_seq = seq;
  }
  w->dirty = true;
  return sdk::Status::Ok();
}

sdk::Status TenantIndex::remove_available(std::string_view tenant, std::uint64_t at,
                                          std::uint64_t seq) {
  auto& batch = txn_.batch();
  auto* index = txn_.db().index();
  batch.Delete(index, ordered_key(queue_.id, Tag::kTenantReady, at, seq));
  batch.Delete(index, tenant_member_key(queue_.id, tenant, at, seq));
  SLUICE_RDB_ASSIGN_OR_RETURN(TenantWork * w, work(tenant));
  // Deleting the head leaves the tenant's new head to one seek at commit; any other entry is
  // behind the head, which stays.
  if (w->head_known && is_head(w->row, at, seq)) {
    w->head_known = false;
    w->seek_at = at;
    w->seek_seq = seq;
  }
  w->dirty = true;
  return sdk::Status::Ok();
}

sdk::Status TenantIndex::add_in_flight(std::string_view tenant) {
  SLUICE_RDB_ASSIGN_OR_RETURN(TenantWork * w, work(tenant));
  ++w->row.in_flight;
  w->dirty = true;
  return sdk::Status::Ok();
}

sdk::Status TenantIndex::remove_in_flight(std::string_view tenant) {
  SLUICE_RDB_ASSIGN_OR_RETURN(TenantWork * w, work(tenant));
  if (w->row.in_flight > 0) --w->row.in_flight;  // saturate, as the queue's counters do
  w->dirty = true;
  return sdk::Status::Ok();
}

sdk::Status TenantIndex::flush() {
  for (auto& [tenant, w] : state_.tenants) {
    if (w.dirty) SLUICE_RDB_RETURN_IF_ERROR(flush_one(tenant, w));
  }
  state_.tenants.clear();
  return sdk::Status::Ok();
}

sdk::Status TenantIndex::flush_one(const std::string& tenant, TenantWork& w) {
  auto& batch = txn_.batch();
  auto* index = txn_.db().index();
  TenantRow& row = w.row;
  if (!w.head_known) {
    // Sees this batch, so entries deleted (or filed again) by this transaction count as they will.
    const std::string prefix = tenant_member_prefix(queue_.id, tenant);
    const std::string lower = tenant_member_key(queue_.id, tenant, w.seek_at, w.seek_seq);
    SLUICE_RDB_ASSIGN_OR_RETURN(auto first, txn_.first_key(index, lower, prefix_successor(prefix)));
    row.has_head = false;
    if (first) {
      const auto position = member_position(*first, prefix.size());
      if (!position) return corrupt("a visible-message key", tenant);
      row.has_head = true;
      row.head_at = position->first;
      row.head_seq = position->second;
    }
    w.head_known = true;
  }
  if (!row.has_head) row.head_at = row.head_seq = 0;

  const TenantRow& old = w.stored;
  const bool head_moved =
      old.has_head != row.has_head || (row.has_head && !is_head(old, row.head_at, row.head_seq));
  if (head_moved) {
    if (old.has_head) {
      batch.Delete(index, ordered_key(queue_.id, Tag::kTenantHead, old.head_at, old.head_seq));
    }
    if (row.has_head) {
      batch.Put(index, ordered_key(queue_.id, Tag::kTenantHead, row.head_at, row.head_seq), tenant);
    }
  }
  // Also when the head stayed: a claim that took the head and filed it again under the same key
  // (visibility 0) has raised the floor past it.
  if (row.has_head) state_.floors.note_insert(Floor::kTenantHeads, {row.head_at, row.head_seq});

  constexpr std::uint64_t kHeavy = sdk::kNoisyTenantMinInFlight;
  const bool was_heavy = old.in_flight >= kHeavy;
  const bool is_heavy = row.in_flight >= kHeavy;
  if (was_heavy != is_heavy) {
    if (is_heavy) {
      batch.Put(index, heavy_tenant_key(queue_.id, tenant), rdb::Slice());
    } else {
      batch.Delete(index, heavy_tenant_key(queue_.id, tenant));
    }
  }
  if ((was_heavy || is_heavy) && old.in_flight != row.in_flight) {
    state_.heavy_changes.push_back({tenant, row.in_flight});
  }

  if (row.in_flight == 0 && !row.has_head) {
    batch.Delete(index, tenant_row_key(queue_.id, tenant));
  } else {
    batch.Put(index, tenant_row_key(queue_.id, tenant), encode(row));
  }
  return sdk::Status::Ok();
}

sdk::Status load_heavy_tenants(Database& db, QueueHandle& queue) {
  if (queue.state.heavy_loaded) return sdk::Status::Ok();
  queue.heavy.clear();
  const std::string lower = tag_prefix(queue.id, Tag::kHeavyTenant);
  const std::string upper = tag_limit(queue.id, Tag::kHeavyTenant);
  const rdb::Slice lower_slice(lower), upper_slice(upper);
  auto it = db.iterate(db.index(), &lower_slice, &upper_slice);
  for (it->Seek(lower_slice); it->Valid(); it->Next()) {
    const std::string tenant(
        tenant_of_named_key(std::string_view(it->key().data(), it->key().size())));
    SLUICE_RDB_ASSIGN_OR_RETURN(auto bytes, db.get(db.index(), tenant_row_key(queue.id, tenant)));
    const auto row = bytes ? decode_tenant_row(*bytes) : std::nullopt;
    if (!row) {
      return sdk::make_error(
          sdk::ErrorCode::kInternal,
          "queue '" + queue.name + "': heavy tenant '" + tenant + "' has no readable row");
    }
    queue.heavy.set(tenant, row->in_flight);
  }
  if (!it->status().ok()) return storage_error("scan", it->status());
  queue.state.heavy_loaded = true;
  return sdk::Status::Ok();
}

}  // namespace sluice::plugins::rocksdb
