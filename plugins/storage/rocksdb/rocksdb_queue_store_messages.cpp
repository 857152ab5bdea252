// RocksDbQueueStore: message operations (append, claim, remove, set_visibility, purge, counts).
#include <limits>
#include <mutex>

#include "key_codec.hpp"
#include "queue_advance.hpp"
#include "queue_claim.hpp"
#include "queue_handle.hpp"
#include "queue_txn.hpp"
#include "queue_writer.hpp"
#include "receipt_resolver.hpp"
#include "rocksdb_database.hpp"
#include "rocksdb_queue_store.hpp"
#include "status_macros.hpp"
#include "store_guard.hpp"

namespace sluice::plugins::rocksdb {
namespace {

using sdk::ErrorCode;
using sdk::make_error;

// Expired dedup keys forgotten per append at most, so one append never pays for a long quiet
// spell; the rest go with later appends (a lookup checks the window itself, so a key that is
// past its window but not yet pruned is never mistaken for a duplicate).
constexpr std::size_t kMaxPrunedPerAppend = 256;

// Forgets dedup keys whose window has passed, oldest first, inside the append's transaction.
sdk::Status prune_dedup(QueueWriter& writer, sdk::TimePoint now, sdk::Millis window) {
  QueueTxn& txn = writer.txn();
  Database& db = txn.db();
  const std::uint64_t id = writer.queue().id;
  QueueState& state = writer.state();
  const std::string lower = floor_seek(id, Tag::kDedupOrder, state.floors.get(Floor::kDedupOrder));
  const std::string upper = tag_limit(id, Tag::kDedupOrder);
  const rdb::Slice lower_slice(lower), upper_slice(upper);
  auto it = db.iterate(db.index(), &lower_slice, &upper_slice);
  std::size_t pruned = 0;
  for (it->Seek(lower_slice); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const auto at = component_of(key);
    const auto dedup = dedup_key_of_order_key(key);
    if (!at || !dedup) {
      return make_error(ErrorCode::kInternal, "queue '" + writer.queue().name +
                                                  "': malformed key in its dedup order index");
    }
    const sdk::TimePoint first_seen = time_from_component(*at);
    if (first_seen + window > now || pruned == kMaxPrunedPerAppend) {
      state.floors.raise(Floor::kDedupOrder, {*at, 0});
      return sdk::Status::Ok();
    }
    txn.batch().Delete(db.index(), it->key());
    ++pruned;
    // The key may have been remembered again since: only the record of this first_seen goes.
    const std::string record_key = dedup_key(id, *dedup);
    SLUICE_RDB_ASSIGN_OR_RETURN(auto bytes, txn.get(db.index(), record_key));
    const auto row = bytes ? decode_dedup_row(*bytes) : std::nullopt;
    if (!row || row->first_seen == first_seen) txn.batch().Delete(db.index(), record_key);
  }
  if (!it->status().ok()) return storage_error("scan", it->status());
  state.floors.raise(Floor::kDedupOrder, kPastEnd);
  return sdk::Status::Ok();
}

}  // namespace

sdk::Result<std::vector<sdk::AppendOutcome>> RocksDbQueueStore::append(
    std::string_view queue, std::span<const sdk::NewMessage> messages,
    const sdk::AppendSpec& spec) {
  return guarded("append", queue, [&]() -> sdk::Result<std::vector<sdk::AppendOutcome>> {
    SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr handle, require(queue));
    std::lock_guard lock(handle->mutex());
    SLUICE_RDB_RETURN_IF_ERROR(usable(*handle));
    handle->state.see(spec.now);
    QueueTxn txn(*db_);
    QueueWriter writer(txn, *handle);
    if (handle->fifo) SLUICE_RDB_RETURN_IF_ERROR(prune_dedup(writer, spec.now, spec.dedup_window));

    std::vector<sdk::AppendOutcome> outcomes;
    outcomes.reserve(messages.size());
    for (const sdk::NewMessage& incoming : messages) {
      const bool dedup = handle->fifo && !incoming.dedup_key.empty();
      const std::string record_key = dedup ? dedup_key(handle->id, incoming.dedup_key) : "";
      if (dedup) {
        // Reads through the batch, so a duplicate inside this very batch is caught too.
        SLUICE_RDB_ASSIGN_OR_RETURN(auto bytes, txn.get(db_->index(), record_key));
        const auto original = bytes ? decode_dedup_row(*bytes) : std::nullopt;
        // Within the window means strictly before first_seen + window.
        if (original && spec.now < original->first_seen + spec.dedup_window) {
          outcomes.push_back({original->message_id, sequence_text(original->seq), true});
          continue;
        }
      }
      const MessageBody body{incoming.message_id, incoming.dedup_key, "", incoming.envelope};
      MessageState state;
      state.visible_at = incoming.visible_at;
      state.sent_at = incoming.sent_at;
      state.group_id = incoming.group_id;
      SLUICE_RDB_ASSIGN_OR_RETURN(const std::uint64_t seq, writer.insert(body, state, spec.now));
      if (dedup) {
        txn.batch().Put(db_->index(), record_key,
                        encode(DedupRow{spec.now, seq, incoming.message_id}));
        txn.batch().Put(db_->index(), dedup_order_key(handle->id, spec.now, incoming.dedup_key),
                        rdb::Slice());
        writer.state().floors.note_insert(Floor::kDedupOrder, {time_component(spec.now), 0});
      }
      outcomes.push_back(
          {incoming.message_id, handle->fifo ? sequence_text(seq) : std::string(), false});
    }
    SLUICE_RDB_RETURN_IF_ERROR(txn.commit("append"));
    return outcomes;
  });
}

sdk::Result<sdk::ClaimResult> RocksDbQueueStore::claim(std::string_view queue,
                                                       const sdk::ClaimSpec& spec) {
  return guarded("claim", queue, [&] { return claim_unguarded(queue, spec); });
}

// A claim first runs with only its own queue locked, so a queue with a redrive policy does not
// contend with the other sources of its dead-letter queue. Only when it meets a message to
// dead-letter does it lock both queues (in queue-id order) and continue from there.
sdk::Result<sdk::ClaimResult> RocksDbQueueStore::claim_unguarded(std::string_view queue,
                                                                 const sdk::ClaimSpec& spec) {
  if (auto checked = sdk::check_claim_spec(queue, spec); !checked.ok()) return checked.error();
  SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr source, require(queue));
  HandlePtr dead_letter;
  if (spec.max_receives > 0 && spec.dead_letter_queue != queue) {
    SLUICE_RDB_ASSIGN_OR_RETURN(dead_letter, find(spec.dead_letter_queue));
  }
  const auto over_limit = [&] {
    return make_error(ErrorCode::kOverLimit, "queue '" + std::string(queue) + "' already has " +
                                                 std::to_string(spec.in_flight_limit) +
                                                 " messages in flight, its limit");
  };

  sdk::ClaimResult result;
  {
    std::lock_guard lock(source->mutex());
    SLUICE_RDB_RETURN_IF_ERROR(usable(*source));
    const auto mode = dead_letter ? DeadLetterMode::kStop : DeadLetterMode::kDeliver;
    SLUICE_RDB_ASSIGN_OR_RETURN(auto outcome,
                                claim_phase(*db_, *source, nullptr, spec, mode, result));
    if (outcome == ClaimOutcome::kOverLimit) return over_limit();
    if (outcome == ClaimOutcome::kDone) return result;
  }

  QueuePairLock locks(*source, *dead_letter);
  // Deliveries of the first phase are committed: they are returned whatever happens next.
  if (sdk::Status usable_source = usable(*source); !usable_source.ok()) {
    if (result.deliveries.empty()) return usable_source.error();
    return result;
  }
  // A dead-letter queue deleted meanwhile counts as absent: deliver as if no limit were set.
  const sdk::Status dead_letter_status = usable(*dead_letter);
  if (!dead_letter_status.ok() && dead_letter_status.code() != ErrorCode::kQueueDoesNotExist) {
    if (result.deliveries.empty()) return dead_letter_status.error();
    return result;
  }
  const bool dead_letter_usable = dead_letter_status.ok();
  const auto mode = dead_letter_usable ? DeadLetterMode::kMove : DeadLetterMode::kDeliver;
  auto outcome = claim_phase(*db_, *source, dead_letter_usable ? dead_letter.get() : nullptr, spec,
                             mode, result);
  if (!outcome.ok()) {
    if (result.deliveries.empty() && result.dead_lettered == 0) return outcome.error();
    return result;
  }
  if (*outcome == ClaimOutcome::kOverLimit && result.deliveries.empty() &&
      result.dead_lettered == 0) {
    return over_limit();
  }
  return result;
}

sdk::Result<std::vector<sdk::Status>> RocksDbQueueStore::remove(
    std::string_view queue, std::span<const std::string> receipts) {
  return guarded("remove", queue, [&]() -> sdk::Result<std::vector<sdk::Status>> {
    SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr handle, require(queue));
    std::lock_guard lock(handle->mutex());
    SLUICE_RDB_RETURN_IF_ERROR(usable(*handle));
    QueueTxn txn(*db_);
    QueueWriter writer(txn, *handle);
    std::vector<sdk::Status> statuses;
    statuses.reserve(receipts.size());
    for (const std::string& receipt : receipts) {
      SLUICE_RDB_ASSIGN_OR_RETURN(auto resolved,
                                  resolve_receipt(writer, receipt, db_->receipt_key()));
      if (resolved.match == ReceiptMatch::kInvalid) {
        statuses.push_back(make_error(ErrorCode::kReceiptHandleIsInvalid, resolved.why));
        continue;
      }
      statuses.push_back(sdk::Status::Ok());  // a message already gone was removed before
      if (resolved.match == ReceiptMatch::kGone) continue;
      const std::string& group = resolved.state.group_id;
      GroupRow row;
      if (handle->fifo) {
        SLUICE_RDB_ASSIGN_OR_RETURN(row, writer.read_group(group));
      }
      SLUICE_RDB_RETURN_IF_ERROR(writer.erase(resolved.seq, resolved.state, Placement::kUnknown,
                                              handle->fifo ? &row : nullptr));
      if (handle->fifo) {
        SLUICE_RDB_RETURN_IF_ERROR(writer.reindex_group(group, row, writer.state().latest_now));
      }
    }
    SLUICE_RDB_RETURN_IF_ERROR(txn.commit("remove"));
    handle->removed_since_compaction += receipts.size();
    return statuses;
  });
}

sdk::Result<std::vector<sdk::Status>> RocksDbQueueStore::set_visibility(
    std::string_view queue, std::span<const sdk::VisibilityChange> changes, sdk::TimePoint now) {
  return guarded("set_visibility", queue, [&]() -> sdk::Result<std::vector<sdk::Status>> {
    SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr handle, require(queue));
    std::lock_guard lock(handle->mutex());
    SLUICE_RDB_RETURN_IF_ERROR(usable(*handle));
    handle->state.see(now);
    QueueTxn txn(*db_);
    QueueWriter writer(txn, *handle);
    std::vector<sdk::Status> statuses;
    statuses.reserve(changes.size());
    for (const sdk::VisibilityChange& change : changes) {
      SLUICE_RDB_ASSIGN_OR_RETURN(auto resolved,
                                  resolve_receipt(writer, change.receipt, db_->receipt_key()));
      if (resolved.match == ReceiptMatch::kInvalid) {
        statuses.push_back(make_error(ErrorCode::kReceiptHandleIsInvalid, resolved.why));
        continue;
      }
      if (resolved.match == ReceiptMatch::kGone) {
        statuses.push_back(make_error(ErrorCode::kReceiptHandleIsInvalid,
                                      "receipt handle " + quote_receipt(change.receipt) +
                                          " names a message that is no longer in queue '" +
                                          handle->name + "'"));
        continue;
      }
      if (now >= resolved.state.visible_at) {
        statuses.push_back(make_error(
            ErrorCode::kMessageNotInflight,
            "the message of receipt handle " + quote_receipt(change.receipt) + " in queue '" +
                handle->name + "' is not in flight: its visibility timeout already expired"));
        continue;
      }
      MessageState updated = resolved.state;
      updated.visible_at = change.visible_at;
      SLUICE_RDB_RETURN_IF_ERROR(
          writer.update(resolved.seq, resolved.state, updated, Placement::kUnknown, now));
      if (handle->fifo) {
        SLUICE_RDB_ASSIGN_OR_RETURN(GroupRow row, writer.read_group(updated.group_id));
        SLUICE_RDB_RETURN_IF_ERROR(writer.reindex_group(updated.group_id, row, now));
      }
      statuses.push_back(sdk::Status::Ok());
    }
    SLUICE_RDB_RETURN_IF_ERROR(txn.commit("set_visibility"));
    return statuses;
  });
}

sdk::Result<std::uint64_t> RocksDbQueueStore::purge(std::string_view queue) {
  return guarded("purge", queue, [&]() -> sdk::Result<std::uint64_t> {
    SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr handle, require(queue));
    std::uint64_t purged = 0;
    {
      std::lock_guard lock(handle->mutex());
      SLUICE_RDB_RETURN_IF_ERROR(usable(*handle));
      const std::uint64_t id = handle->id;
      QueueCounters counters = handle->state.counters;
      purged = counters.total();
      counters.ready = counters.pending_in_flight = counters.pending_delayed = 0;
      // Range deletes: one tombstone per key family, whatever the queue held. Dedup keys stay
      // (they outlive purges), and next_seq keeps counting so old receipts read as gone.
      rdb::WriteBatch batch;
      batch.DeleteRange(db_->messages(), queue_prefix(id), queue_limit(id));
      for (Tag tag : {Tag::kState, Tag::kReady, Tag::kPending, Tag::kSent, Tag::kGroupMember,
                      Tag::kGroupRow, Tag::kHead, Tag::kWaiting, Tag::kTenantReady,
                      Tag::kTenantMember, Tag::kTenantHead, Tag::kTenantRow, Tag::kHeavyTenant}) {
        batch.DeleteRange(db_->index(), tag_prefix(id, tag), tag_limit(id, tag));
      }
      batch.Put(db_->index(), counters_key(id), encode(counters));
      sdk::Status written = db_->write(&batch, true, "purge");
      if (!written.ok()) {
        handle->needs_reload = true;
        return written.error();
      }
      handle->state.counters = counters;
      handle->heavy.clear();  // no tenant is left, so none is heavy
    }
    compact_queue(handle->id);
    return purged;
  });
}

sdk::Result<sdk::QueueCounts> RocksDbQueueStore::counts(std::string_view queue,
                                                        sdk::TimePoint now) {
  return guarded("counts", queue, [&]() -> sdk::Result<sdk::QueueCounts> {
    SLUICE_RDB_ASSIGN_OR_RETURN(HandlePtr handle, require(queue));
    std::lock_guard lock(handle->mutex());
    SLUICE_RDB_RETURN_IF_ERROR(usable(*handle));
    return count_queue(*db_, *handle, now);
  });
}

}  // namespace sluice::plugins::rocksdb
