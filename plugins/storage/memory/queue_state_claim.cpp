// QueueState::claim: handing out messages, FIFO group locks and dead-lettering.
#include <algorithm>

#include "queue_state.hpp"
#include "receipt_codec.hpp"

namespace sluice::plugins::memory {

ClaimOutcome QueueState::claim(const sdk::ClaimSpec& spec, DeadLetterMode mode,
                               QueueState* dead_letter_queue, sdk::ClaimResult& out) {
  advance(spec.now);
  std::uint64_t budget = spec.max_messages;
  budget -= std::min<std::uint64_t>(budget, out.deliveries.size());
  if (spec.in_flight_limit > 0) {
    if (pending_in_flight_ >= spec.in_flight_limit) return ClaimOutcome::kOverLimit;
    // Never let one claim push the queue past its limit either.
    budget = std::min(budget, spec.in_flight_limit - pending_in_flight_);
  }
  if (budget == 0) return ClaimOutcome::kDone;
  if (mode == DeadLetterMode::kMove && dead_letter_queue == nullptr)
    mode = DeadLetterMode::kDeliver;
  return fifo_ ? claim_fifo(spec, mode, dead_letter_queue, budget, out)
               : claim_standard(spec, mode, dead_letter_queue, budget, out);
}

bool QueueState::wants_dead_letter(const StoredMessage& message, const sdk::ClaimSpec& spec,
                                   DeadLetterMode mode) const {
  return mode != DeadLetterMode::kDeliver && spec.max_receives > 0 &&
         message.receive_count >= spec.max_receives;
}

void QueueState::dead_letter(std::uint64_t seq, const sdk::ClaimSpec& spec,
                             QueueState& dead_letter_queue, sdk::ClaimResult& out) {
  // The caller reindexes the message's group (it is iterating it).
  StoredMessage message = extract(seq);
  message.group = nullptr;
  message.dead_letter_source = name_;
  message.visible_at = spec.now;
  if (spec.dead_letter_resets_sent_at) message.sent_at = spec.now;
  dead_letter_queue.admit(std::move(message), spec.now);
  ++out.dead_lettered;
}

void QueueState::deliver(std::uint64_t seq, StoredMessage& message, const sdk::ClaimSpec& spec,
                         sdk::ClaimResult& out) {
  // The caller has unplaced the message and places it again afterwards.
  if (message.receive_count == 0) message.first_received_at = spec.now;
  ++message.receive_count;
  message.delivery_token = ++last_token_;
  message.visible_at = spec.now + spec.visibility;

  sdk::Delivery& delivery = out.deliveries.emplace_back();
  delivery.message_id = message.message_id;
  delivery.envelope = message.envelope;
  delivery.receipt =
      encode_receipt({generation_, incarnation_, seq, message.delivery_token}, receipt_key_);
  if (fifo_) delivery.sequence = sequence_text(seq);
  delivery.group_id = message.group_id;
  delivery.dedup_key = message.dedup_key;
  delivery.sent_at = message.sent_at;
  delivery.receive_count = message.receive_count;
  delivery.first_received_at = message.first_received_at;
  delivery.dead_letter_source = message.dead_letter_source;
}

ClaimOutcome QueueState::claim_standard(const sdk::ClaimSpec& spec, DeadLetterMode mode,
                                        QueueState* dead_letter_queue, std::uint64_t budget,
                                        sdk::ClaimResult& out) {
  ClaimOutcome outcome = ClaimOutcome::kDone;
  // Delivered messages go back into the indexes only after the scan, so a visibility of 0 cannot
  // make the same scan meet them twice (and the tenants' in-flight counts stay as they were when
  // the claim started).
  std::vector<std::uint64_t> taken;
  // Delivers or dead-letters one available message; false when the claim must stop.
  auto take = [&](std::uint64_t seq, StoredMessage& message) {
    if (wants_dead_letter(message, spec, mode)) {
      if (mode == DeadLetterMode::kStop) {
        outcome = ClaimOutcome::kStoppedForDeadLetter;
        return false;
      }
      dead_letter(seq, spec, *dead_letter_queue, out);
      return true;
    }
    unplace(seq, message);
    deliver(seq, message, spec, out);
    taken.push_back(seq);
    return true;
  };

  // Fair queues: quiet tenants first.
  const std::vector<std::string> noisy = fair_.noisy(pending_in_flight_);
  if (!noisy.empty()) {
    while (taken.size() < budget) {
      const std::optional<std::uint64_t> seq = fair_.oldest_quiet(noisy);
      if (!seq) break;
      StoredMessage& message = messages_.at(*seq);
      // Filed as available by a call with a later `now`: the scan below skips it.
      if (message.visible_at > spec.now) break;
      if (!take(*seq, message)) break;
    }
  }

  for (auto it = ready_.begin();
       it != ready_.end() && taken.size() < budget && outcome == ClaimOutcome::kDone;) {
    const std::uint64_t seq = *it;
    StoredMessage& message = messages_.at(seq);
    ++it;                                         // take() erases `seq` from ready_
    if (message.visible_at > spec.now) continue;  // filed as ready by a call with a later `now`
    if (!take(seq, message)) break;
  }
  for (std::uint64_t seq : taken) place(seq, messages_.at(seq));
  return outcome;
}

ClaimOutcome QueueState::claim_fifo(const sdk::ClaimSpec& spec, DeadLetterMode mode,
                                    QueueState* dead_letter_queue, std::uint64_t budget,
                                    sdk::ClaimResult& out) {
  ClaimOutcome outcome = ClaimOutcome::kDone;
  std::vector<FifoGroup*> touched;
  std::vector<std::uint64_t> taken;
  std::uint64_t cursor = 0;
  while (taken.size() < budget && outcome == ClaimOutcome::kDone) {
    FifoGroup* group = groups_.pop_claimable(spec.now, cursor);
    if (group == nullptr) break;
    touched.push_back(group);
    // The group is claimable, so everything it handed out before has expired.
    group->delivered.clear();
    for (auto it = group->seqs.begin(); it != group->seqs.end() && taken.size() < budget;) {
      const std::uint64_t seq = *it;
      StoredMessage& message = messages_.at(seq);
      if (message.visible_at > spec.now) break;  // a delayed message holds back the rest
      if (wants_dead_letter(message, spec, mode)) {
        if (mode == DeadLetterMode::kStop) {
          outcome = ClaimOutcome::kStoppedForDeadLetter;
          break;
        }
        ++it;  // extract() erases `seq` from the group
        dead_letter(seq, spec, *dead_letter_queue, out);
        continue;
      }
      unplace(seq, message);
      deliver(seq, message, spec, out);
      group->delivered.push_back(seq);
      taken.push_back(seq);
      ++it;
    }
  }
  for (std::uint64_t seq : taken) place(seq, messages_.at(seq));
  reindex_groups(touched);
  return outcome;
}

}  // namespace sluice::plugins::memory
