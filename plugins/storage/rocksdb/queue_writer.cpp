#include "queue_writer.hpp"

#include <algorithm>

#include "key_codec.hpp"
#include "status_macros.hpp"

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

void QueueWriter::place(std::uint64_t seq, const MessageState& state, sdk::TimePoint now) {
  const std::uint64_t at = time_component(state.visible_at);
  const bool received = state.receive_count > 0;
  const char flag[1] = {received ? kFlagReceived : kFlagNeverReceived};
  const rdb::Slice value(flag, 1);
  if (state.visible_at <= now) {
    txn_.batch().Put(txn_.db().index(), ordered_key(queue_.id, Tag::kReady, at, seq), value);
    ++state_.counters.ready;
    state_.floors.note_insert(Floor::kReady, {at, seq});
  } else {
    txn_.batch().Put(txn_.db().index(), ordered_key(queue_.id, Tag::kPending, at, seq), value);
    ++(received ? state_.counters.pending_in_flight : state_.counters.pending_delayed);
    state_.floors.note_insert(Floor::kPending, {at, seq});
  }
}

sdk::Status QueueWriter::unplace(std::uint64_t seq, const MessageState& state, Placement where) {
  const std::uint64_t at = time_component(state.visible_at);
  const std::string pending = ordered_key(queue_.id, Tag::kPending, at, seq);
  const std::string ready = ordered_key(queue_.id, Tag::kReady, at, seq);
  if (where == Placement::kUnknown) {
    SLUICE_RDB_ASSIGN_OR_RETURN(auto in_pending, txn_.get(txn_.db().index(), pending));
    if (in_pending) {
      where = Placement::kPending;
    } else {
      SLUICE_RDB_ASSIGN_OR_RETURN(auto in_ready, txn_.get(txn_.db().index(), ready));
      if (!in_ready) return corrupt("the visibility index entry", seq);
      where = Placement::kReady;
    }
  }
  if (where == Placement::kPending) {
    txn_.batch().Delete(txn_.db().index(), pending);
    decrement(state.receive_count > 0 ? state_.counters.pending_in_flight
                                      : state_.counters.pending_delayed);
  } else {
    txn_.batch().Delete(txn_.db().index(), ready);
    decrement(state_.counters.ready);
  }
  return sdk::Status::Ok();
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
  place(seq, state, now);
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
  SLUICE_RDB_RETURN_IF_ERROR(unplace(seq, old, where));
  place(seq, updated, now);
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
