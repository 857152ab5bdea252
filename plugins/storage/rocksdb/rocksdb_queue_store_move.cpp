// RocksDbQueueStore::move: redriving messages out of a (dead-letter) queue. Each run of messages
// bound for one destination moves in one transaction under both queue locks, so a message is
// never in both queues and never in none.
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "key_codec.hpp"
#include "queue_advance.hpp"
#include "queue_handle.hpp"
#include "queue_txn.hpp"
#include "queue_writer.hpp"
#include "rocksdb_database.hpp"
#include "rocksdb_queue_store.hpp"
#include "status_macros.hpp"
#include "store_guard.hpp"

namespace sluice::plugins::rocksdb {
namespace {

using sdk::ErrorCode;
using sdk::make_error;

// Messages moved per transaction at most.
constexpr std::uint32_t kMaxPerTransaction = 256;

sdk::Error move_onto_itself(std::string_view from) {
  return make_error(ErrorCode::kInvalidParameterValue,
                    "cannot move messages from queue '" + std::string(from) + "' onto itself");
}

sdk::Error missing(std::string_view what, const QueueHandle& queue, std::uint64_t seq) {
  return make_error(ErrorCode::kInternal, "queue '" + queue.name + "': message seq " +
                                              std::to_string(seq) + " has no " + std::string(what));
}

struct Oldest {
  std::string dead_letter_source;
  std::string message_id;
};

// A queue's visible messages oldest first: the untenanted ones (kReady) merged with the tenants'
// (kTenantReady), each index read from its floor. Moves take messages in plain age order; fair
// scheduling is for claims.
class VisibleInOrder {
 public:
  struct Entry {
    std::uint64_t at = 0;
    std::uint64_t seq = 0;
    Placement where = Placement::kReady;
  };

  VisibleInOrder(Database& db, const QueueHandle& queue, const IndexFloors& floors)
      : queue_(queue) {
    open(db, Tag::kReady, floors.get(Floor::kReady), ready_);
    open(db, Tag::kTenantReady, floors.get(Floor::kTenantReady), tenants_);
  }

  // The oldest entry not yet popped; nullopt when both indexes are exhausted.
  sdk::Result<std::optional<Entry>> peek() {
    std::optional<Entry> best;
    SLUICE_RDB_RETURN_IF_ERROR(consider(ready_, Placement::kReady, best));
    SLUICE_RDB_RETURN_IF_ERROR(consider(tenants_, Placement::kTenantReady, best));
    return best;
  }
  void pop(const Entry& entry) {
    (entry.where == Placement::kReady ? ready_ : tenants_).it->Next();
  }

 private:
  struct Index {
    std::string lower, upper;
    rdb::Slice lower_slice, upper_slice;
    std::unique_ptr<rdb::Iterator> it;  // null: the index is empty (floor past its end)
  };

  void open(Database& db, Tag tag, FloorKey floor, Index& index) {
    if (floor == kPastEnd) return;
    index.lower = floor_seek(queue_.id, tag, floor);
    index.upper = tag_limit(queue_.id, tag);
    index.lower_slice = index.lower;
    index.upper_slice = index.upper;
    index.it = db.iterate(db.index(), &index.lower_slice, &index.upper_slice);
    index.it->Seek(index.lower_slice);
  }

  sdk::Status consider(Index& index, Placement where, std::optional<Entry>& best) {
    if (!index.it) return sdk::Status::Ok();
    if (!index.it->status().ok()) return storage_error("scan", index.it->status());
    if (!index.it->Valid()) return sdk::Status::Ok();
    const std::string_view key(index.it->key().data(), index.it->key().size());
    const auto at = component_of(key);
    const auto seq = ordered_seq_of(key);
    if (!at || !seq) {
      return make_error(ErrorCode::kInternal,
                        "queue '" + queue_.name + "': malformed key in its visible indexes");
    }
    if (!best || std::tie(*at, *seq) < std::tie(best->at, best->seq))
      best = Entry{*at, *seq, where};
    return sdk::Status::Ok();
  }

  const QueueHandle& queue_;
  Index ready_;
  Index tenants_;
};

// The oldest visible message of `source` (advanced to `now`), if any.
sdk::Result<std::optional<Oldest>> peek_oldest(Database& db, QueueHandle& source,
                                               sdk::TimePoint now) {
  SLUICE_RDB_RETURN_IF_ERROR(advance_queue(db, source, now));
  VisibleInOrder visible(db, source, source.state.floors);
  SLUICE_RDB_ASSIGN_OR_RETURN(const auto oldest, visible.peek());
  if (!oldest || time_from_component(oldest->at) > now) return std::optional<Oldest>();
  SLUICE_RDB_ASSIGN_OR_RETURN(auto bytes,
                              db.get(db.messages(), message_key(source.id, oldest->seq)));
  auto body = bytes ? decode_message_body(*bytes) : std::nullopt;
  if (!body) return missing("body", source, oldest->seq);
  return std::optional<Oldest>(Oldest{std::move(body->dead_letter_source), body->message_id});
}

// Moves the oldest visible messages of `source` to `destination`, up to `budget`, in one
// transaction; unless `fixed`, only the leading run whose dead_letter_source names
// `destination`. Sets *source_empty once no visible message is left.
sdk::Result<std::uint32_t> move_run(Database& db, QueueHandle& source, QueueHandle& destination,
                                    bool fixed, const sdk::MoveSpec& spec, std::uint32_t budget,
                                    bool* source_empty) {
  SLUICE_RDB_RETURN_IF_ERROR(advance_queue(db, source, spec.now));
  QueueTxn txn(db);
  QueueWriter from(txn, source);
  QueueWriter to(txn, destination);
  VisibleInOrder visible(db, source, from.state().floors);
  std::map<std::string, GroupRow> groups;  // FIFO source: rows of the groups touched
  std::uint32_t moved = 0;
  *source_empty = false;
  while (moved < budget) {
    SLUICE_RDB_ASSIGN_OR_RETURN(const auto next, visible.peek());
    if (!next || time_from_component(next->at) > spec.now) {
      *source_empty = true;
      break;
    }
    const std::uint64_t seq = next->seq;
    SLUICE_RDB_ASSIGN_OR_RETURN(auto state, from.read_state(seq));
    SLUICE_RDB_ASSIGN_OR_RETURN(auto body, from.read_body(seq));
    if (!state) return missing("state", source, seq);
    if (!body) return missing("body", source, seq);
    if (!fixed && body->dead_letter_source != destination.name) break;
    GroupRow* row = nullptr;
    if (source.fifo) {
      auto [group, fresh] = groups.try_emplace(state->group_id);
      if (fresh) {
        SLUICE_RDB_ASSIGN_OR_RETURN(group->second, from.read_group(state->group_id));
      }
      row = &group->second;
    }
    SLUICE_RDB_RETURN_IF_ERROR(from.erase(seq, *state, next->where, row));
    body->dead_letter_source.clear();
    MessageState arriving = *state;
    arriving.receive_count = 0;
    arriving.first_received_at = sdk::TimePoint{};
    arriving.token = 0;
    arriving.visible_at = spec.now;
    SLUICE_RDB_RETURN_IF_ERROR(to.insert(*body, arriving, spec.now));
    ++moved;
    visible.pop(*next);
  }
  for (auto& [group, row] : groups) {
    SLUICE_RDB_RETURN_IF_ERROR(from.reindex_group(group, row, spec.now));
  }
  SLUICE_RDB_RETURN_IF_ERROR(txn.commit("move"));
  return moved;
}

}  // namespace

sdk::Result<sdk::MoveResult> RocksDbQueueStore::move(std::string_view from,
                                                     const sdk::MoveSpec& spec) {
  return guarded("move", from, [&] { return move_unguarded(from, spec); });
}

sdk::Result<sdk::MoveResult> RocksDbQueueStore::move_unguarded(std::string_view from,
                                                               const sdk::MoveSpec& spec) {
  SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr source, require(from));
  // Without spec.destination, each message goes back to its own dead_letter_source.
  HandlePtr fixed_destination;
  if (!spec.destination.empty()) {
    SLUICE_RDB_ASSIGN_OR_RETURN(fixed_destination, find(spec.destination));
    if (!fixed_destination) return no_such_queue(spec.destination);
    if (fixed_destination == source) return move_onto_itself(from);
  }

  sdk::MoveResult result;
  bool source_empty = false;
  while (result.moved < spec.max_messages && !source_empty) {
    HandlePtr destination = fixed_destination;
    if (!destination) {
      // Peek at the oldest message to learn where it goes, then lock that queue too.
      std::optional<Oldest> oldest;
      {
        std::lock_guard lock(source->mutex());
        SLUICE_RDB_RETURN_IF_ERROR(usable(*source));
        SLUICE_RDB_ASSIGN_OR_RETURN(oldest, peek_oldest(*db_, *source, spec.now));
      }
      if (!oldest) break;
      if (oldest->dead_letter_source.empty()) {
        return make_error(ErrorCode::kInvalidParameterValue,
                          "message " + oldest->message_id + " in queue '" + std::string(from) +
                              "' was not dead-lettered, so it has no source queue to return to");
      }
      SLUICE_RDB_ASSIGN_OR_RETURN(destination, find(oldest->dead_letter_source));
      if (!destination) return no_such_queue(oldest->dead_letter_source);
      if (destination == source) return move_onto_itself(from);
    }

    QueuePairLock locks(*source, *destination);
    SLUICE_RDB_RETURN_IF_ERROR(usable(*source));
    SLUICE_RDB_RETURN_IF_ERROR(usable(*destination));
    const std::uint32_t budget = std::min(spec.max_messages - result.moved, kMaxPerTransaction);
    SLUICE_RDB_ASSIGN_OR_RETURN(const std::uint32_t moved,
                                move_run(*db_, *source, *destination, fixed_destination != nullptr,
                                         spec, budget, &source_empty));
    result.moved += moved;
  }

  std::lock_guard lock(source->mutex());
  SLUICE_RDB_RETURN_IF_ERROR(usable(*source));
  SLUICE_RDB_ASSIGN_OR_RETURN(const sdk::QueueCounts counts, count_queue(*db_, *source, spec.now));
  result.remaining = static_cast<std::uint32_t>(counts.visible);
  return result;
}

}  // namespace sluice::plugins::rocksdb
