// QueueWriter: the message-level changes of one queue inside a QueueTxn. It keeps every index
// and counter consistent with the messages: a message is always in exactly one of the kReady,
// kTenantReady and kPending indexes (and the matching counter), in the retention index, on FIFO
// queues in its group, whose row and head entry it keeps filed, and on standard queues, if it has
// a tenant (group id), in its tenant's index (tenant_index.hpp).
//
// A message's tenant class is fixed when it enters the queue and carried by its index entries
// (kTenantReady, or the tenant in its kPending value), so messages stored before fair queues
// existed stay untenanted in kReady for good.
//
// Threading: as QueueTxn (the caller holds the queue's mutex).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "queue_handle.hpp"
#include "queue_txn.hpp"
#include "sluice/sdk/result.hpp"
#include "value_codec.hpp"

namespace sluice::plugins::rocksdb {

// Which visibility index holds a message, when the caller already knows.
enum class Placement : std::uint8_t { kUnknown, kReady, kPending, kTenantReady };

class QueueWriter {
 public:
  QueueWriter(QueueTxn& txn, QueueHandle& queue);

  QueueHandle& queue() { return queue_; }
  const QueueHandle& queue() const { return queue_; }
  QueueState& state() { return state_; }
  QueueTxn& txn() { return txn_; }

  sdk::Result<std::optional<MessageState>> read_state(std::uint64_t seq);
  sdk::Result<std::optional<MessageBody>> read_body(std::uint64_t seq);
  // The group's row, or an empty one (count 0) if the group has no messages.
  sdk::Result<GroupRow> read_group(std::string_view group);

  // Stores a new message under the next seq, filed as visible if state.visible_at <= now, and
  // (FIFO) appended to its group. Returns the seq.
  sdk::Result<std::uint64_t> insert(const MessageBody& body, const MessageState& state,
                                    sdk::TimePoint now);
  // Deletes message `seq` (whose stored state is `state`) with every index entry. On FIFO queues
  // `group` is its group's row: updated here (count, delivered), stored by the caller through
  // reindex_group() once it is done with the group.
  sdk::Status erase(std::uint64_t seq, const MessageState& state, Placement where, GroupRow* group);
  // Stores `updated` as the state of `seq` (whose stored state is `old`), re-filing its
  // visibility entry: visible if updated.visible_at <= now.
  sdk::Status update(std::uint64_t seq, const MessageState& old, const MessageState& updated,
                     Placement where, sdk::TimePoint now);
  // Re-files a FIFO group after its head, its delivered messages or their visibility changed:
  // claimable (a head entry) if it is ready at `now`, else waiting until it is; an empty group is
  // deleted. Stores the row.
  sdk::Status reindex_group(const std::string& group, GroupRow& row, sdk::TimePoint now);

 private:
  // Files the message as visible (if state.visible_at <= now) or pending; `tenant` is its tenant
  // class ("" = untenanted).
  sdk::Status place(std::uint64_t seq, const MessageState& state, sdk::TimePoint now,
                    std::string_view tenant);
  // Deletes the message's visibility entry; returns its tenant class.
  sdk::Result<std::string> unplace(std::uint64_t seq, const MessageState& state, Placement where);
  void put_state(std::uint64_t seq, const MessageState& state);
  sdk::Error corrupt(std::string_view what, std::uint64_t seq) const;

  QueueTxn& txn_;
  QueueHandle& queue_;
  QueueState& state_;
};

}  // namespace sluice::plugins::rocksdb
