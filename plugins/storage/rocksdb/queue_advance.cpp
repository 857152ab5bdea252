#include "queue_advance.hpp"

#include <algorithm>
#include <limits>
#include <memory>

#include "key_codec.hpp"
#include "queue_txn.hpp"
#include "status_macros.hpp"
#include "tenant_index.hpp"

namespace sluice::plugins::rocksdb {
namespace {

// Entries moved per batch, so a million messages becoming visible at once never build one
// enormous batch.
constexpr std::size_t kChunk = 4096;

sdk::Error corrupt_key(const QueueHandle& queue, std::string_view index) {
  return sdk::make_error(sdk::ErrorCode::kInternal,
                         "queue '" + queue.name + "': malformed key in its " + std::string(index));
}

// One chunk of a time-ordered index whose entries have come due (time <= now): each due entry is
// deleted and handed to `move_one`, up to kChunk of them, in one transaction. Sets *more if the
// chunk filled up with due entries left; raises the index's floor past what it consumed.
template <typename MoveOne>
sdk::Status advance_due(Database& db, QueueHandle& queue, sdk::TimePoint now, Tag tag, Floor floor,
                        std::string_view index_name, const char* what, bool* more,
                        MoveOne&& move_one) {
  QueueTxn txn(db);
  QueueState& state = txn.stage(queue);
  const std::string lower = floor_seek(queue.id, tag, state.floors.get(floor));
  const std::string upper = tag_limit(queue.id, tag);
  const rdb::Slice lower_slice(lower), upper_slice(upper);
  auto it = db.iterate(db.index(), &lower_slice, &upper_slice);
  std::size_t moved = 0;
  *more = false;
  for (it->Seek(lower_slice); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const auto at = component_of(key);
    const auto seq = ordered_seq_of(key);
    if (!at || !seq) return corrupt_key(queue, index_name);
    if (time_from_component(*at) > now || moved == kChunk) {
      *more = moved == kChunk && time_from_component(*at) <= now;
      state.floors.raise(floor, {*at, *seq});
      break;
    }
    txn.batch().Delete(db.index(), it->key());
    ++moved;
    if (auto status = move_one(txn, state, it->value(), *at, *seq); !status.ok()) return status;
  }
  if (!it->status().ok()) return storage_error("scan", it->status());
  if (!it->Valid()) state.floors.raise(floor, kPastEnd);
  return txn.commit(what, false);
}

// One chunk of kPending -> kReady moves (delays and visibility timeouts that have passed); a
// tenant's messages (the tenant is in the entry's value) move to its index instead, and stop
// counting as its messages in flight.
sdk::Status advance_pending(Database& db, QueueHandle& queue, sdk::TimePoint now, bool* more) {
  return advance_due(
      db, queue, now, Tag::kPending, Floor::kPending, "pending index", "advancing visibility", more,
      [&](QueueTxn& txn, QueueState& state, const rdb::Slice& value, auto at,
          auto seq) -> sdk::Status {
        const std::string_view bytes(value.data(), value.size());
        const bool received = value_received(bytes);
        auto& counter =
            received ? state.counters.pending_in_flight : state.counters.pending_delayed;
        if (counter > 0) --counter;
        ++state.counters.ready;
        const std::string_view tenant = value_tenant(bytes);
        if (tenant.empty()) {
          txn.batch().Put(db.index(), ordered_key(queue.id, Tag::kReady, at, seq), value);
          state.floors.note_insert(Floor::kReady, {at, seq});
          return sdk::Status::Ok();
        }
        TenantIndex tenants(txn, queue, state);
        SLUICE_RDB_RETURN_IF_ERROR(tenants.add_available(tenant, at, seq, bytes.front()));
        if (received) SLUICE_RDB_RETURN_IF_ERROR(tenants.remove_in_flight(tenant));
        return sdk::Status::Ok();
      });
}

// One chunk of waiting FIFO groups -> claimable heads.
sdk::Status advance_waiting(Database& db, QueueHandle& queue, sdk::TimePoint now, bool* more) {
  return advance_due(db, queue, now, Tag::kWaiting, Floor::kWaiting, "waiting-group index",
                     "advancing FIFO groups", more,
                     [&](QueueTxn& txn, QueueState& state, const rdb::Slice& value, auto at,
                         auto head) -> sdk::Status {
                       const std::string group = value.ToString();
                       SLUICE_RDB_ASSIGN_OR_RETURN(
                           auto bytes, txn.get(db.index(), group_row_key(queue.id, group)));
                       auto row = bytes ? decode_group_row(*bytes) : std::nullopt;
                       // An entry that no longer matches its group's row is stale: dropping it is
                       // the repair.
                       if (!row || row->slot != GroupSlot::kWaiting || row->indexed_head != head ||
                           time_component(row->ready_at) != at) {
                         return sdk::Status::Ok();
                       }
                       row->slot = GroupSlot::kHead;
                       txn.batch().Put(db.index(), head_key(queue.id, head), group);
                       txn.batch().Put(db.index(), group_row_key(queue.id, group), encode(*row));
                       state.floors.note_insert(Floor::kHeads, {head, 0});
                       return sdk::Status::Ok();
                     });
}

// Counts the entries of a visible index (kReady, kTenantReady) from `component` on, which calls
// with a later `now` filed, as what they are at this call's `now`: in flight or delayed.
sdk::Status uncount_later(Database& db, const QueueHandle& queue, Tag tag, std::uint64_t component,
                          sdk::QueueCounts& counts) {
  const std::string lower = ordered_seek(queue.id, tag, component);
  const std::string upper = tag_limit(queue.id, tag);
  const rdb::Slice lower_slice(lower), upper_slice(upper);
  auto it = db.iterate(db.index(), &lower_slice, &upper_slice);
  for (it->Seek(lower_slice); it->Valid(); it->Next()) {
    if (counts.visible > 0) --counts.visible;
    ++(value_received(std::string_view(it->value().data(), it->value().size())) ? counts.in_flight
                                                                                : counts.delayed);
  }
  if (!it->status().ok()) return storage_error("scan", it->status());
  return sdk::Status::Ok();
}

// Whether kTenantReady holds nothing at or above its floor; if so raises the floor past the end,
// so later counts of a queue without tenants skip the index without reading it. Otherwise raises
// the floor to the first live entry.
sdk::Result<bool> tenant_ready_empty(Database& db, QueueHandle& queue) {
  IndexFloors& floors = queue.state.floors;
  const std::string lower =
      floor_seek(queue.id, Tag::kTenantReady, floors.get(Floor::kTenantReady));
  const std::string upper = tag_limit(queue.id, Tag::kTenantReady);
  const rdb::Slice lower_slice(lower), upper_slice(upper);
  auto it = db.iterate(db.index(), &lower_slice, &upper_slice);
  it->Seek(lower_slice);
  if (!it->status().ok()) return storage_error("scan", it->status());
  floors.begin();  // no transaction is open: nothing this call did not see was inserted
  if (!it->Valid()) {
    floors.raise(Floor::kTenantReady, kPastEnd);
    return true;
  }
  const std::string_view key(it->key().data(), it->key().size());
  const auto at = component_of(key);
  const auto seq = ordered_seq_of(key);
  if (!at || !seq) return corrupt_key(queue, "tenants' ready index");
  floors.raise(Floor::kTenantReady, {*at, *seq});
  return false;
}

}  // namespace

sdk::Status advance_queue(Database& db, QueueHandle& queue, sdk::TimePoint now) {
  queue.state.see(now);
  bool more = true;
  while (more) SLUICE_RDB_RETURN_IF_ERROR(advance_pending(db, queue, now, &more));
  if (!queue.fifo) return sdk::Status::Ok();
  more = true;
  while (more) SLUICE_RDB_RETURN_IF_ERROR(advance_waiting(db, queue, now, &more));
  return sdk::Status::Ok();
}

sdk::Result<sdk::QueueCounts> count_queue(Database& db, QueueHandle& queue, sdk::TimePoint now) {
  SLUICE_RDB_RETURN_IF_ERROR(advance_queue(db, queue, now));
  const QueueCounters& counters = queue.state.counters;
  sdk::QueueCounts counts{counters.ready, counters.pending_in_flight, counters.pending_delayed};
  const std::uint64_t now_at = time_component(now);
  if (now_at == std::numeric_limits<std::uint64_t>::max()) return counts;
  SLUICE_RDB_RETURN_IF_ERROR(uncount_later(db, queue, Tag::kReady, now_at + 1, counts));
  // Tenants' visible messages: skipped without a read once that index is known to be empty.
  QueueState& state = queue.state;
  const FloorKey floor = state.floors.get(Floor::kTenantReady);
  if (floor == kPastEnd) return counts;
  if (floor.component <= now_at) {
    SLUICE_RDB_ASSIGN_OR_RETURN(const bool empty, tenant_ready_empty(db, queue));
    if (empty) return counts;
  }
  SLUICE_RDB_RETURN_IF_ERROR(
      uncount_later(db, queue, Tag::kTenantReady, std::max(now_at + 1, floor.component), counts));
  return counts;
}

}  // namespace sluice::plugins::rocksdb
