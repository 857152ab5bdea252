#include "queue_claim.hpp"

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "key_codec.hpp"
#include "queue_advance.hpp"
#include "queue_writer.hpp"
#include "receipt_codec.hpp"
#include "standard_candidates.hpp"
#include "status_macros.hpp"
#include "tenant_index.hpp"

namespace sluice::plugins::rocksdb {
namespace {

// Delivery tokens are random rather than counted, so a token can never be issued twice, not even
// after a crash rolled back the record of an earlier delivery.
std::uint64_t new_token() {
  thread_local std::mt19937_64 engine{(static_cast<std::uint64_t>(std::random_device{}()) << 32) ^
                                      std::random_device{}()};
  std::uint64_t token = 0;
  while (token == 0) token = engine();
  return token;
}

class ClaimRun {
 public:
  ClaimRun(Database& db, QueueHandle& source, QueueHandle* dead_letter, const sdk::ClaimSpec& spec,
           DeadLetterMode mode, std::uint64_t budget, std::vector<std::string> noisy)
      : db_(db),
        txn_(db),
        source_(txn_, source),
        spec_(spec),
        mode_(mode),
        budget_(budget),
        noisy_(std::move(noisy)) {
    if (mode_ == DeadLetterMode::kMove) dead_letter_.emplace(txn_, *dead_letter);
  }

  sdk::Result<ClaimOutcome> run() {
    sdk::Result<ClaimOutcome> outcome = source_.queue().fifo ? claim_fifo() : claim_standard();
    if (!outcome.ok()) return outcome;
    SLUICE_RDB_RETURN_IF_ERROR(txn_.commit("claim"));
    return outcome;
  }

  std::vector<sdk::Delivery>& deliveries() { return deliveries_; }
  std::uint32_t dead_lettered() const { return dead_lettered_; }

 private:
  std::uint64_t id() const { return source_.queue().id; }

  bool wants_dead_letter(const MessageState& state) const {
    return mode_ != DeadLetterMode::kDeliver && spec_.max_receives > 0 &&
           state.receive_count >= spec_.max_receives;
  }

  sdk::Result<MessageState> require_state(std::uint64_t seq) {
    SLUICE_RDB_ASSIGN_OR_RETURN(auto state, source_.read_state(seq));
    if (!state) {
      return sdk::make_error(sdk::ErrorCode::kInternal,
                             "queue '" + source_.queue().name + "': index entry of message seq " +
                                 std::to_string(seq) + " has no message");
    }
    return std::move(*state);
  }

  sdk::Result<MessageBody> require_body(std::uint64_t seq) {
    SLUICE_RDB_ASSIGN_OR_RETURN(auto body, source_.read_body(seq));
    if (!body) {
      return sdk::make_error(sdk::ErrorCode::kInternal, "queue '" + source_.queue().name +
                                                            "': message seq " +
                                                            std::to_string(seq) + " has no body");
    }
    return std::move(*body);
  }

  sdk::Status deliver(std::uint64_t seq, const MessageState& state, Placement where) {
    SLUICE_RDB_ASSIGN_OR_RETURN(MessageBody body, require_body(seq));
    MessageState next = state;
    if (next.receive_count == 0) next.first_received_at = spec_.now;
    ++next.receive_count;
    next.token = new_token();
    next.visible_at = spec_.now + spec_.visibility;
    SLUICE_RDB_RETURN_IF_ERROR(source_.update(seq, state, next, where, spec_.now));

    const QueueHandle& queue = source_.queue();
    sdk::Delivery& delivery = deliveries_.emplace_back();
    delivery.message_id = std::move(body.message_id);
    delivery.envelope = std::move(body.envelope);
    delivery.receipt =
        encode_receipt({queue.generation, queue.id, seq, next.token}, db_.receipt_key());
    if (queue.fifo) delivery.sequence = sequence_text(seq);
    delivery.group_id = next.group_id;
    delivery.dedup_key = std::move(body.dedup_key);
    delivery.sent_at = next.sent_at;
    delivery.receive_count = next.receive_count;
    delivery.first_received_at = next.first_received_at;
    delivery.dead_letter_source = std::move(body.dead_letter_source);
    return sdk::Status::Ok();
  }

  // Moves the message to the dead-letter queue as a new arrival there, visible at once.
  sdk::Status dead_letter(std::uint64_t seq, const MessageState& state, Placement where,
                          GroupRow* group) {
    SLUICE_RDB_ASSIGN_OR_RETURN(MessageBody body, require_body(seq));
    SLUICE_RDB_RETURN_IF_ERROR(source_.erase(seq, state, where, group));
    body.dead_letter_source = source_.queue().name;
    MessageState moved = state;
    moved.visible_at = spec_.now;
    moved.token = 0;
    if (spec_.dead_letter_resets_sent_at) moved.sent_at = spec_.now;
    SLUICE_RDB_RETURN_IF_ERROR(dead_letter_->insert(body, moved, spec_.now));
    ++dead_lettered_;
    return sdk::Status::Ok();
  }

  // Visible messages in (visible_at, seq) order, quiet tenants before noisy ones
  // (standard_candidates.hpp).
  sdk::Result<ClaimOutcome> claim_standard() {
    StandardCandidates candidates(db_, source_.queue(), source_.state(), noisy_,
                                  TenantIndex(txn_, source_.queue(), source_.state()), spec_.now);
    ClaimOutcome outcome = ClaimOutcome::kDone;
    while (deliveries_.size() < budget_) {
      SLUICE_RDB_ASSIGN_OR_RETURN(const Candidate* next, candidates.peek());
      if (next == nullptr) break;
      const std::uint64_t seq = next->seq;
      const Placement where = next->where;
      SLUICE_RDB_ASSIGN_OR_RETURN(MessageState message, require_state(seq));
      if (where == Placement::kTenantReady && message.group_id != next->tenant) {
        return corrupt_index("tenant index");
      }
      if (wants_dead_letter(message)) {
        if (mode_ == DeadLetterMode::kStop) {
          outcome = ClaimOutcome::kStoppedForDeadLetter;
          break;
        }
        SLUICE_RDB_RETURN_IF_ERROR(dead_letter(seq, message, where, nullptr));
      } else {
        SLUICE_RDB_RETURN_IF_ERROR(deliver(seq, message, where));
      }
      SLUICE_RDB_RETURN_IF_ERROR(candidates.pop());
    }
    candidates.finish();
    return outcome;
  }

  // Claimable groups by head sequence; consecutive visible messages of each.
  sdk::Result<ClaimOutcome> claim_fifo() {
    QueueState& state = source_.state();
    const std::string lower = floor_seek(id(), Tag::kHead, state.floors.get(Floor::kHeads));
    const std::string upper = tag_limit(id(), Tag::kHead);
    const rdb::Slice lower_slice(lower), upper_slice(upper);
    auto it = db_.iterate(db_.index(), &lower_slice, &upper_slice);
    ClaimOutcome outcome = ClaimOutcome::kDone;
    FloorKey unconsumed = kPastEnd;  // the first head entry this claim leaves in place
    for (it->Seek(lower_slice); it->Valid(); it->Next()) {
      const auto head = component_of(std::string_view(it->key().data(), it->key().size()));
      if (!head) return corrupt_index("head index");
      if (deliveries_.size() >= budget_ || outcome != ClaimOutcome::kDone) {
        unconsumed = std::min(unconsumed, FloorKey{*head, 0});
        break;
      }
      const std::string group = it->value().ToString();
      SLUICE_RDB_ASSIGN_OR_RETURN(GroupRow row, source_.read_group(group));
      if (row.count == 0 || row.slot != GroupSlot::kHead || row.indexed_head != *head) {
        txn_.batch().Delete(db_.index(), it->key());  // stale: its group was refiled
        continue;
      }
      if (row.ready_at > spec_.now) {  // filed as claimable by a call with a later `now`
        unconsumed = std::min(unconsumed, FloorKey{*head, 0});
        continue;
      }
      // Claimable, so everything the group handed out before has expired.
      row.delivered.clear();
      SLUICE_RDB_ASSIGN_OR_RETURN(outcome, claim_group(group, row));
      SLUICE_RDB_RETURN_IF_ERROR(source_.reindex_group(group, row, spec_.now));
    }
    if (!it->status().ok()) return storage_error("scan", it->status());
    state.floors.raise(Floor::kHeads, unconsumed);
    return outcome;
  }

  // Takes consecutive visible messages of one group from its head, up to the budget.
  sdk::Result<ClaimOutcome> claim_group(const std::string& group, GroupRow& row) {
    const std::string lower = group_member_prefix(id(), group);
    const std::string upper = prefix_successor(lower);
    const rdb::Slice lower_slice(lower), upper_slice(upper);
    auto it = db_.iterate(db_.index(), &lower_slice, &upper_slice);
    for (it->Seek(lower_slice); it->Valid() && deliveries_.size() < budget_; it->Next()) {
      if (it->key().size() != lower.size() + 8) return corrupt_index("group index");
      const std::uint64_t seq = read_u64(std::string_view(it->key().data() + lower.size(), 8));
      SLUICE_RDB_ASSIGN_OR_RETURN(MessageState message, require_state(seq));
      if (message.visible_at > spec_.now) break;  // a delayed message holds back the rest
      if (wants_dead_letter(message)) {
        if (mode_ == DeadLetterMode::kStop) return ClaimOutcome::kStoppedForDeadLetter;
        SLUICE_RDB_RETURN_IF_ERROR(dead_letter(seq, message, Placement::kUnknown, &row));
        continue;
      }
      SLUICE_RDB_RETURN_IF_ERROR(deliver(seq, message, Placement::kUnknown));
      row.delivered.push_back(seq);
    }
    if (!it->status().ok()) return storage_error("scan", it->status());
    return ClaimOutcome::kDone;
  }

  sdk::Error corrupt_index(std::string_view index) const {
    return sdk::make_error(
        sdk::ErrorCode::kInternal,
        "queue '" + source_.queue().name + "': malformed key in its " + std::string(index));
  }

  Database& db_;
  QueueTxn txn_;
  QueueWriter source_;
  std::optional<QueueWriter> dead_letter_;
  const sdk::ClaimSpec& spec_;
  const DeadLetterMode mode_;
  const std::uint64_t budget_;
  const std::vector<std::string> noisy_;  // standard queues: tenants noisy when the claim started
  std::vector<sdk::Delivery> deliveries_;
  std::uint32_t dead_lettered_ = 0;
};

}  // namespace

sdk::Result<ClaimOutcome> claim_phase(Database& db, QueueHandle& source, QueueHandle* dead_letter,
                                      const sdk::ClaimSpec& spec, DeadLetterMode mode,
                                      sdk::ClaimResult& out) {
  if (mode == DeadLetterMode::kMove && dead_letter == nullptr) mode = DeadLetterMode::kDeliver;
  SLUICE_RDB_RETURN_IF_ERROR(advance_queue(db, source, spec.now));
  std::uint64_t budget = spec.max_messages;
  budget -= std::min<std::uint64_t>(budget, out.deliveries.size());
  if (spec.in_flight_limit > 0) {
    const std::uint64_t in_flight = source.state.counters.pending_in_flight;
    if (in_flight >= spec.in_flight_limit) return ClaimOutcome::kOverLimit;
    // Never let one claim push the queue past its limit either.
    budget = std::min(budget, spec.in_flight_limit - in_flight);
  }
  if (budget == 0) return ClaimOutcome::kDone;

  // Fair queues: which tenants are noisy as the claim starts. Nobody can be while the whole queue
  // holds fewer than kNoisyTenantMinInFlight in flight, which spares most claims the lookup.
  std::vector<std::string> noisy;
  const std::uint64_t queue_in_flight = source.state.counters.pending_in_flight;
  if (!source.fifo && queue_in_flight >= sdk::kNoisyTenantMinInFlight) {
    SLUICE_RDB_RETURN_IF_ERROR(load_heavy_tenants(db, source));
    noisy = source.heavy.noisy(queue_in_flight);
  }

  ClaimRun run(db, source, dead_letter, spec, mode, budget, std::move(noisy));
  SLUICE_RDB_ASSIGN_OR_RETURN(ClaimOutcome outcome, run.run());
  for (sdk::Delivery& delivery : run.deliveries()) out.deliveries.push_back(std::move(delivery));
  out.dead_lettered += run.dead_lettered();
  return outcome;
}

}  // namespace sluice::plugins::rocksdb
