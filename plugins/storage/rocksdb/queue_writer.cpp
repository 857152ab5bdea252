#include "queue_writer.hpp"

#include <algorithm>

#include "key_codec.hpp"
#include "status_macros.hpp"
#include "tenant_index.hpp"

namespace sluice::plugins::rocksdb {
namespace {

void decrement(std::uint64_t& counter) {
  if (counter > 0) --counter;  // saturate: a counter never wraps, even over a corrupt entry
}

}  // namespace

QueueWriter::QueueWriter(QueueTxn& txn, QueueHandle& queue)
    : txn_(txn), queue_(queue), state_(txn.stage(queue)) {}

sdk::Error QueueWriter::corrupt(std::string_view what, std::uint64_t seq) const {
  return sdk::make_error(sdk::ErrorCode::kInternal,
                         "queue '" + queue_.name + "': " + std::string(what) + " of message seq " +
                             std::to_string(seq) + " is corrupt");
}

sdk::Result<std::optional<MessageState>> QueueWriter::read_state(std::uint64_t seq) {
  SLUICE_RDB_ASSIGN_OR_RETURN(auto bytes, txn_.get(txn_.db().index(), state_key(queue_.id, seq)));
  if (!bytes) return std::optional<MessageState>();
  auto state = decode_message_state(*bytes);
  if (!state) return corrupt("the state", seq);
  return std::optional<MessageState>(std::move(*state));
}

sdk::Result<std::optional<MessageBody>> QueueWriter::read_body(std::uint64_t seq) {
  SLUICE_RDB_ASSIGN_OR_RETURN(auto bytes,
                              txn_.get(txn_.db().messages(), message_key(queue_.id, seq)));
  if (!bytes) return std::optional<MessageBody>();
  auto body = decode_message_body(*bytes);
  if (!body) return corrupt("the body", seq);
  return std::optional<MessageBody>(std::move(*body));
}

sdk::Result<GroupRow> QueueWriter::read_group(std::string_view group) {
  SLUICE_RDB_ASSIGN_OR_RETURN(auto bytes,
                              txn_.get(txn_.db().index(), group_row_key(queue_.id, group)));
  if (!bytes) return GroupRow{};
  auto row = decode_group_row(*bytes);
  if (!row) {
    return sdk::make_error(
        sdk::ErrorCode::kInternal,
        "queue '" + queue_.name + "': the row of group '" + std::string(group) + "' is corrupt");
  }
  return std::move(*row);
}

void QueueWriter::put_state(std::uint64_t seq, const MessageState& state) {
  txn_.batch().Put(txn_.db().index(), state_key(queue_.id, seq), encode(state));
}

sdk::Status QueueWriter::place(std::uint64_t seq, const MessageState& state, sdk::TimePoint now,
                               std::string_view tenant) {
  const std::uint64_t at = time_component(state.visible_at);
  const bool received = state.receive_count > 0;
  const char flag = received ? kFlagReceived : kFlagNeverReceived;
  if (state.visible_at <= now) {
    ++state_.counters.ready;
    if (!tenant.empty()) {
      return TenantIndex(txn_, queue_, state_).add_available(tenant, at, seq, flag);
    }
    txn_.batch().Put(txn_.db().index(), ordered_key(queue_.id, Tag::kReady, at, seq),
                     rdb::Slice(&flag, 1));
    state_.floors.note_insert(Floor::kReady, {at, seq});
    return sdk::Status::Ok();
  }
  txn_.batch().Put(txn_.db().index(), ordered_key(queue_.id, Tag::kPending, at, seq),
                   visibility_value(received, tenant));
  ++(received ? state_.counters.pending_in_flight : state_.counters.pending_delayed);
  state_.floors.note_insert(Floor::kPending, {at, seq});
  if (received && !tenant.empty()) return TenantIndex(txn_, queue_, state_).add_in_flight(tenant);
  return sdk::Status::Ok();
}

sdk::Result<std::string> QueueWriter::unplace(std::uint64_t seq, const MessageState& state,
                                              Placement where) {
  const std::uint64_t at = time_component(state.visible_at);
  auto* index = txn_.db().index();
  const std::string pending = ordered_key(queue_.id, Tag::kPending, at, seq);
  std::optional<std::string> pending_value;
  if (where == Placement::kUnknown || where == Placement::kPending) {
    SLUICE_RDB_ASSIGN_OR_RETURN(pending_value, txn_.get(index, pending));
    if (pending_value) {
      where = Placement::kPending;
    } else if (where == Placement::kPending) {
      return corrupt("the pending index entry", seq);
    }
  }
  // Only a standard queue's message with a group id can be a tenant's; older ones are in kReady.
  const bool may_have_tenant = !queue_.fifo && !state.group_id.empty();
  if (where == Placement::kUnknown && may_have_tenant) {
    SLUICE_RDB_ASSIGN_OR_RETURN(
        auto in_tenant_ready, txn_.get(index, ordered_key(queue_.id, Tag::kTenantReady, at, seq)));
    if (in_tenant_ready) where = Placement::kTenantReady;
  }
  const std::string ready = ordered_key(queue_.id, Tag::kReady, at, seq);
  if (where == Placement::kUnknown) {
    SLUICE_RDB_ASSIGN_OR_RETURN(auto in_ready, txn_.get(index, ready));
    if (!in_ready) return corrupt("the visibility index entry", seq);
    where = Placement::kReady;
  }
  switch (where) {
    case Placement::kPending: {
      txn_.batch().Delete(index, pending);
      const bool received = state.receive_count > 0;
      decrement(received ? state_.counters.pending_in_flight : state_.counters.pending_delayed);
      std::string tenant(value_tenant(*pending_value));
      if (received && !tenant.empty()) {
        SLUICE_RDB_RETURN_IF_ERROR(TenantIndex(txn_, queue_, state_).remove_in_flight(tenant));
      }
      return tenant;
    }
    case Placement::kTenantReady:
      decrement(state_.counters.ready);
      SLUICE_RDB_RETURN_IF_ERROR(
          TenantIndex(txn_, queue_, state_).remove_available(state.group_id, at, seq));
      return state.group_id;
    default:
      txn_.batch().Delete(index, ready);
      decrement(state_.counters.ready);
      return std::string();
  }
}

sdk::Result<std::uint64_t> QueueWriter::insert(const MessageBody& body, const MessageState& state,
                                               sdk::TimePoint now) {
  const std::uint64_t seq = state_.counters.next_seq++;
  auto& batch = txn_.batch();
  batch.Put(txn_.db().messages(), message_key(queue_.id, seq), encode(body));
  put_state(seq, state);
  const std::uint64_t sent = time_component(state.sent_at);
  batch.Put(txn_.db().index(), ordered_key(queue_.id, Tag::kSent, sent, seq), rdb::Slice());
  state_.floors.note_insert(Floor::kSent, {sent, seq});
  // A standard queue's message with a group id is its tenant's (fair queues).
  const std::string_view tenant = queue_.fifo ? std::string_view() : state.group_id;
  SLUICE_RDB_RETURN_IF_ERROR(place(seq, state, now, tenant));
  if (queue_.fifo) {
    SLUICE_RDB_ASSIGN_OR_RETURN(GroupRow row, read_group(state.group_id));
    batch.Put(txn_.db().index(), group_member_key(queue_.id, state.group_id, seq), rdb::Slice());
    ++row.count;
    if (row.count == 1) {
      SLUICE_RDB_RETURN_IF_ERROR(reindex_group(state.group_id, row, now));
    } else {
      // Appended behind others: neither the head nor the lock of the group changes.
      batch.Put(txn_.db().index(), group_row_key(queue_.id, state.group_id), encode(row));
    }
  }
  return seq;
}

sdk::Status QueueWriter::erase(std::uint64_t seq, const MessageState& state, Placement where,
                               GroupRow* group) {
  auto& batch = txn_.batch();
  SLUICE_RDB_RETURN_IF_ERROR(unplace(seq, state, where));
  batch.Delete(txn_.db().messages(), message_key(queue_.id, seq));
  batch.Delete(txn_.db().index(), state_key(queue_.id, seq));
  batch.Delete(txn_.db().index(),
               ordered_key(queue_.id, Tag::kSent, time_component(state.sent_at), seq));
  if (queue_.fifo) {
    if (group == nullptr) {
      return sdk::make_error(sdk::ErrorCode::kInternal,
                             "erase on FIFO queue '" + queue_.name + "' without its group row");
    }
    batch.Delete(txn_.db().index(), group_member_key(queue_.id, state.group_id, seq));
    decrement(group->count);
    std::erase(group->delivered, seq);
  }
  return sdk::Status::Ok();
}

sdk::Status QueueWriter::update(std::uint64_t seq, const MessageState& old,
                                const MessageState& updated, Placement where, sdk::TimePoint now) {
  SLUICE_RDB_ASSIGN_OR_RETURN(const std::string tenant, unplace(seq, old, where));
  SLUICE_RDB_RETURN_IF_ERROR(place(seq, updated, now, tenant));
  put_state(seq, updated);
  return sdk::Status::Ok();
}

sdk::Status QueueWriter::reindex_group(const std::string& group, GroupRow& row,
                                       sdk::TimePoint now) {
  auto& batch = txn_.batch();
  auto* index = txn_.db().index();
  if (row.slot == GroupSlot::kHead) {
    batch.Delete(index, head_key(queue_.id, row.indexed_head));
  } else if (row.slot == GroupSlot::kWaiting) {
    batch.Delete(index, ordered_key(queue_.id, Tag::kWaiting, time_component(row.ready_at),
                                    row.indexed_head));
  }
  row.slot = GroupSlot::kNone;
  if (row.count == 0) {
    batch.Delete(index, group_row_key(queue_.id, group));
    return sdk::Status::Ok();
  }
  const std::string members = group_member_prefix(queue_.id, group);
  SLUICE_RDB_ASSIGN_OR_RETURN(auto first,
                              txn_.first_key(index, members, prefix_successor(members)));
  if (!first || first->size() != members.size() + 8) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           "queue '" + queue_.name + "': group '" + group + "' counts " +
                               std::to_string(row.count) + " messages but has none");
  }
  const std::uint64_t head = read_u64(std::string_view(*first).substr(members.size()));
  SLUICE_RDB_ASSIGN_OR_RETURN(auto head_state, read_state(head));
  if (!head_state) return corrupt("the state (group head)", head);
  // Locked until the head and every message of the latest claim are visible again.
  sdk::TimePoint ready_at = head_state->visible_at;
  for (std::uint64_t seq : row.delivered) {
    SLUICE_RDB_ASSIGN_OR_RETURN(auto delivered, read_state(seq));
    if (delivered) ready_at = std::max(ready_at, delivered->visible_at);
  }
  row.indexed_head = head;
  row.ready_at = ready_at;
  if (ready_at <= now) {
    row.slot = GroupSlot::kHead;
    batch.Put(index, head_key(queue_.id, head), group);
    state_.floors.note_insert(Floor::kHeads, {head, 0});
  } else {
    row.slot = GroupSlot::kWaiting;
    const std::uint64_t at = time_component(ready_at);
    batch.Put(index, ordered_key(queue_.id, Tag::kWaiting, at, head), group);
    state_.floors.note_insert(Floor::kWaiting, {at, head});
  }
  batch.Put(index, group_row_key(queue_.id, group), encode(row));
  return sdk::Status::Ok();
}

}  // namespace sluice::plugins::rocksdb
