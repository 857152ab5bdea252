#include "queue_state.hpp"

#include <algorithm>
#include <charconv>
#include <functional>

#include "receipt_codec.hpp"

namespace sluice::plugins::memory {
namespace {

using sdk::ErrorCode;

// counts() for a `now` further behind the watermark than this (a test clock moved backwards, or
// the system clock stepped back) is computed exactly by a scan instead of from the indexes.
constexpr sdk::Millis kStaleNowTolerance{1000};

constexpr std::uint64_t kSequenceBase = 10'000'000'000'000'000'000ULL;

// Receipts can be arbitrary client input: quote at most this much of one in an error message.
constexpr std::size_t kMaxQuotedReceipt = 64;

std::string quote(const std::string& receipt) {
  if (receipt.size() <= kMaxQuotedReceipt) return "'" + receipt + "'";
  return "'" + receipt.substr(0, kMaxQuotedReceipt) + "...'";
}

}  // namespace

std::string sequence_text(std::uint64_t seq) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), kSequenceBase + seq);
  (void)ec;  // 20 digits always fit
  return std::string(buffer, end);
}

bool lock_order_before(const QueueState& a, const QueueState& b) {
  if (a.name() != b.name()) return a.name() < b.name();
  return std::less<const QueueState*>{}(&a, &b);
}

QueueState::QueueState(const sdk::QueueRecord& record, std::uint64_t incarnation,
                       std::uint64_t receipt_key)
    : name_(record.name),
      fifo_(record.fifo),
      generation_(record.generation),
      incarnation_(incarnation),
      receipt_key_(receipt_key),
      version_(record.version),
      metadata_(record.metadata) {}

sdk::QueueRecord QueueState::record() const {
  std::lock_guard lock(record_mutex_);
  return sdk::QueueRecord{name_, fifo_, generation_, version_, metadata_};
}

sdk::Result<sdk::QueueRecord> QueueState::update_record(const sdk::QueueRecord& update) {
  std::lock_guard lock(record_mutex_);
  if (update.version != version_) {
    return sdk::make_error(ErrorCode::kConflict,
                           "queue '" + name_ + "' was updated concurrently: expected version " +
                               std::to_string(update.version) + ", found version " +
                               std::to_string(version_));
  }
  metadata_ = update.metadata;
  ++version_;
  return sdk::QueueRecord{name_, fifo_, generation_, version_, metadata_};
}

void QueueState::mark_deleted() {
  deleted_ = true;
  purge();
  dedup_ = DedupWindow{};
}

// --- Index maintenance ------------------------------------------------------------------------

void QueueState::advance(sdk::TimePoint now) {
  if (now <= watermark_) return;
  watermark_ = now;
  while (!pending_.empty() && pending_.begin()->first <= now) {
    const std::uint64_t seq = pending_.begin()->second;
    const StoredMessage& message = messages_.at(seq);
    if (message.receive_count > 0) {
      --pending_in_flight_;
      note_in_flight(message, false);
    }
    ready_.insert(seq);
    note_available(seq, message, true);
    pending_.erase(pending_.begin());
  }
  if (fifo_) groups_.advance(now);
}

void QueueState::place(std::uint64_t seq, const StoredMessage& message) {
  if (message.visible_at > watermark_) {
    // Hints: new arrivals and fresh deliveries usually sort last; a wrong hint costs one compare.
    pending_.emplace_hint(pending_.end(), message.visible_at, seq);
    if (message.receive_count > 0) {
      ++pending_in_flight_;
      note_in_flight(message, true);
    }
  } else {
    ready_.insert(ready_.end(), seq);
    note_available(seq, message, true);
  }
}

void QueueState::unplace(std::uint64_t seq, const StoredMessage& message) {
  if (message.visible_at > watermark_) {
    pending_.erase({message.visible_at, seq});
    if (message.receive_count > 0) {
      --pending_in_flight_;
      note_in_flight(message, false);
    }
  } else {
    ready_.erase(seq);
    note_available(seq, message, false);
  }
}

void QueueState::note_available(std::uint64_t seq, const StoredMessage& message, bool available) {
  if (fifo_) return;
  if (available) {
    fair_.add_available(message.group_id, seq);
  } else {
    fair_.remove_available(message.group_id, seq);
  }
}

void QueueState::note_in_flight(const StoredMessage& message, bool in_flight) {
  if (fifo_) return;
  if (in_flight) {
    fair_.add_in_flight(message.group_id);
  } else {
    fair_.remove_in_flight(message.group_id);
  }
}

std::uint64_t QueueState::insert(StoredMessage message) {
  const std::uint64_t seq = next_seq_++;
  message.delivery_token = 0;
  message.group = nullptr;
  FifoGroup* group = nullptr;
  if (fifo_) {
    group = &groups_.get_or_add(message.group_id);
    group->seqs.insert(group->seqs.end(), seq);
    message.group = group;
  }
  by_sent_.emplace_hint(by_sent_.end(), message.sent_at, seq);
  auto [it, inserted] = messages_.emplace(seq, std::move(message));
  (void)inserted;  // sequences are never reused
  place(seq, it->second);
  // A message appended behind others changes neither the head nor the lock of its group.
  if (group != nullptr && group->seqs.size() == 1) reindex_group(*group);
  return seq;
}

StoredMessage QueueState::extract(std::uint64_t seq) {
  auto node = messages_.extract(seq);
  StoredMessage& message = node.mapped();
  unplace(seq, message);
  by_sent_.erase({message.sent_at, seq});
  if (FifoGroup* group = message.group) {
    group->seqs.erase(seq);
    std::erase(group->delivered, seq);
  }
  return std::move(message);
}

void QueueState::reindex_group(FifoGroup& group) {
  sdk::TimePoint ready_at{};
  if (!group.seqs.empty()) {
    ready_at = messages_.at(*group.seqs.begin()).visible_at;
    for (std::uint64_t seq : group.delivered) {
      ready_at = std::max(ready_at, messages_.at(seq).visible_at);
    }
  }
  groups_.reindex(group, ready_at, watermark_);
}

void QueueState::reindex_groups(std::vector<FifoGroup*>& groups) {
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  for (FifoGroup* group : groups) reindex_group(*group);
}

// --- Messages ---------------------------------------------------------------------------------

std::vector<sdk::AppendOutcome> QueueState::append(std::span<const sdk::NewMessage> messages,
                                                   const sdk::AppendSpec& spec) {
  advance(spec.now);
  if (fifo_) dedup_.prune(spec.now, spec.dedup_window);
  std::vector<sdk::AppendOutcome> outcomes;
  outcomes.reserve(messages.size());
  for (const sdk::NewMessage& incoming : messages) {
    const bool dedup = fifo_ && !incoming.dedup_key.empty();
    if (dedup) {
      if (const auto* original = dedup_.find(incoming.dedup_key, spec.now, spec.dedup_window)) {
        outcomes.push_back({original->message_id, sequence_text(original->seq), true});
        continue;
      }
    }
    StoredMessage message;
    message.message_id = incoming.message_id;
    message.envelope = incoming.envelope;
    message.group_id = incoming.group_id;
    message.dedup_key = incoming.dedup_key;
    message.sent_at = incoming.sent_at;
    message.visible_at = incoming.visible_at;
    const std::uint64_t seq = insert(std::move(message));
    if (dedup) dedup_.remember(incoming.dedup_key, spec.now, incoming.message_id, seq);
    outcomes.push_back({incoming.message_id, fifo_ ? sequence_text(seq) : std::string(), false});
  }
  return outcomes;
}

QueueState::Resolved QueueState::resolve(const std::string& receipt) {
  const auto fields = decode_receipt(receipt, receipt_key_);
  if (!fields) {
    return {ReceiptMatch::kInvalid, 0, nullptr,
            "receipt handle " + quote(receipt) + " is malformed"};
  }
  if (fields->generation != generation_ || fields->incarnation != incarnation_) {
    return {
        ReceiptMatch::kInvalid, 0, nullptr,
        "receipt handle " + quote(receipt) + " belongs to another queue, not to '" + name_ + "'"};
  }
  if (fields->seq >= next_seq_ || fields->token == 0 || fields->token > last_token_) {
    return {ReceiptMatch::kInvalid, 0, nullptr,
            "receipt handle " + quote(receipt) + " was never issued by queue '" + name_ + "'"};
  }
  auto it = messages_.find(fields->seq);
  if (it == messages_.end()) return {ReceiptMatch::kGone, fields->seq, nullptr, {}};
  if (it->second.delivery_token != fields->token) {
    return {ReceiptMatch::kInvalid, fields->seq, &it->second,
            "receipt handle " + quote(receipt) + " was superseded by a later receive of message " +
                it->second.message_id};
  }
  return {ReceiptMatch::kCurrent, fields->seq, &it->second, {}};
}

sdk::Status QueueState::remove(const std::string& receipt) {
  Resolved resolved = resolve(receipt);
  switch (resolved.match) {
    case ReceiptMatch::kInvalid:
      return sdk::make_error(ErrorCode::kReceiptHandleIsInvalid, std::move(resolved.why));
    case ReceiptMatch::kGone:
      return sdk::Status::Ok();  // already deleted, expired, purged or dead-lettered
    case ReceiptMatch::kCurrent:
      break;
  }
  StoredMessage message = extract(resolved.seq);
  if (message.group != nullptr) reindex_group(*message.group);
  return sdk::Status::Ok();
}

sdk::Status QueueState::set_visibility(const sdk::VisibilityChange& change, sdk::TimePoint now) {
  advance(now);
  Resolved resolved = resolve(change.receipt);
  switch (resolved.match) {
    case ReceiptMatch::kInvalid:
      return sdk::make_error(ErrorCode::kReceiptHandleIsInvalid, std::move(resolved.why));
    case ReceiptMatch::kGone:
      return sdk::make_error(ErrorCode::kReceiptHandleIsInvalid,
                             "receipt handle " + quote(change.receipt) +
                                 " names a message that is no longer in queue '" + name_ + "'");
    case ReceiptMatch::kCurrent:
      break;
  }
  StoredMessage& message = *resolved.message;
  if (now >= message.visible_at) {
    return sdk::make_error(ErrorCode::kMessageNotInflight,
                           "message " + message.message_id + " in queue '" + name_ +
                               "' is not in flight: its visibility timeout already expired");
  }
  unplace(resolved.seq, message);
  message.visible_at = change.visible_at;
  place(resolved.seq, message);
  if (message.group != nullptr) reindex_group(*message.group);
  return sdk::Status::Ok();
}

std::uint64_t QueueState::purge() {
  const std::uint64_t count = messages_.size();
  groups_.clear();
  messages_.clear();
  ready_.clear();
  pending_.clear();
  pending_in_flight_ = 0;
  fair_.clear();
  by_sent_.clear();
  // next_seq_ and last_token_ keep counting, so receipts of purged messages read as gone.
  return count;
}

sdk::QueueCounts QueueState::counts(sdk::TimePoint now) {
  advance(now);
  if (now + kStaleNowTolerance < watermark_) return count_by_scan(now);
  return sdk::QueueCounts{ready_.size(), pending_in_flight_, pending_.size() - pending_in_flight_};
}

sdk::QueueCounts QueueState::count_by_scan(sdk::TimePoint now) const {
  sdk::QueueCounts counts;
  for (const auto& [seq, message] : messages_) {
    if (message.visible_at <= now) {
      ++counts.visible;
    } else if (message.receive_count > 0) {
      ++counts.in_flight;
    } else {
      ++counts.delayed;
    }
  }
  return counts;
}

std::uint64_t QueueState::expire(sdk::TimePoint cutoff) {
  std::uint64_t count = 0;
  std::vector<FifoGroup*> touched;
  while (!by_sent_.empty() && by_sent_.begin()->first < cutoff) {
    StoredMessage message = extract(by_sent_.begin()->second);
    if (message.group != nullptr) touched.push_back(message.group);
    ++count;
  }
  reindex_groups(touched);
  return count;
}

// --- Moving messages between queues -----------------------------------------------------------

std::optional<QueueState::Candidate> QueueState::oldest_visible(sdk::TimePoint now) {
  advance(now);
  for (std::uint64_t seq : ready_) {
    const StoredMessage& message = messages_.at(seq);
    if (message.visible_at <= now) return Candidate{seq, &message};
  }
  return std::nullopt;
}

StoredMessage QueueState::take(std::uint64_t seq) {
  StoredMessage message = extract(seq);
  if (message.group != nullptr) reindex_group(*message.group);
  message.group = nullptr;
  return message;
}

void QueueState::admit(StoredMessage message, sdk::TimePoint now) {
  advance(now);
  insert(std::move(message));
}

}  // namespace sluice::plugins::memory
