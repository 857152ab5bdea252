// QueueState: one queue of the in-memory store: its record, its messages and the indexes that
// make every operation O(log n) per message touched.
//
// Threading: name(), fifo(), generation() and incarnation() are immutable and need no lock;
// record() and update_record() take the small record mutex themselves; every other method
// requires the caller to hold mutex(). MemoryQueueStore never takes its queue-map lock while
// holding a queue mutex, and takes two queue mutexes only in the order of lock_order_before().
//
// Time: every call gets `now` from the caller. Nothing happens when time passes; a message's
// state follows from its fields (see StoredMessage). The indexes are brought up to the newest
// `now` seen so far (the watermark) at the start of each call. Claims and receipt checks compare
// against the caller's own `now`, so they are exact even when calls arrive with slightly older
// times; counts() for a `now` just behind the watermark reports the watermark's state.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dedup_window.hpp"
#include "fair_tenants.hpp"
#include "fifo_groups.hpp"
#include "sluice/sdk/result.hpp"
#include "sluice/sdk/types.hpp"
#include "stored_message.hpp"

namespace sluice::plugins::memory {

// What claim() does with a candidate whose receive_count already reached spec.max_receives.
enum class DeadLetterMode : std::uint8_t {
  kDeliver,  // no usable dead-letter queue: deliver it like any other message
  kStop,     // the dead-letter queue is not locked yet: stop the claim before this message
  kMove,     // move it to the (locked) dead-letter queue
};

enum class ClaimOutcome : std::uint8_t {
  kDone,                  // claimed what there was, up to the budget
  kOverLimit,             // in-flight limit reached: nothing claimed
  kStoppedForDeadLetter,  // kStop met a message to dead-letter; deliveries so far are valid
};

class QueueState {
 public:
  QueueState(const sdk::QueueRecord& record, std::uint64_t incarnation, std::uint64_t receipt_key);
  QueueState(const QueueState&) = delete;
  QueueState& operator=(const QueueState&) = delete;

  const std::string& name() const { return name_; }
  bool fifo() const { return fifo_; }
  std::uint64_t generation() const { return generation_; }
  std::uint64_t incarnation() const { return incarnation_; }

  // --- Record (own mutex) ---------------------------------------------------------------------
  sdk::QueueRecord record() const;
  // Optimistic update: kConflict unless update.version is the current version.
  sdk::Result<sdk::QueueRecord> update_record(const sdk::QueueRecord& update);

  // --- Messages (caller holds mutex()) -------------------------------------------------------
  std::mutex& mutex() { return mutex_; }
  bool deleted() const { return deleted_; }
  // Marks the queue deleted and frees its messages; later calls see deleted() == true.
  void mark_deleted();

  std::vector<sdk::AppendOutcome> append(std::span<const sdk::NewMessage> messages,
                                         const sdk::AppendSpec& spec);
  // Appends to out.deliveries (at most spec.max_messages in total) and out.dead_lettered. With
  // kMove, `dead_letter_queue` is another queue whose mutex the caller also holds.
  ClaimOutcome claim(const sdk::ClaimSpec& spec, DeadLetterMode mode, QueueState* dead_letter_queue,
                     sdk::ClaimResult& out);
  sdk::Status remove(const std::string& receipt);
  sdk::Status set_visibility(const sdk::VisibilityChange& change, sdk::TimePoint now);
  std::uint64_t purge();
  sdk::QueueCounts counts(sdk::TimePoint now);
  std::uint64_t expire(sdk::TimePoint cutoff);

  // --- Moving messages between queues (caller holds the mutexes of both queues) --------------
  struct Candidate {
    std::uint64_t seq;
    const StoredMessage* message;
  };
  // The oldest (by arrival) available message, if any.
  std::optional<Candidate> oldest_visible(sdk::TimePoint now);
  // Removes message `seq` (from oldest_visible) and returns it.
  StoredMessage take(std::uint64_t seq);
  // Stores a message coming from another queue as a new arrival; its fields are kept as given.
  void admit(StoredMessage message, sdk::TimePoint now);

 private:
  enum class ReceiptMatch : std::uint8_t { kCurrent, kGone, kInvalid };
  struct Resolved {
    ReceiptMatch match;
    std::uint64_t seq = 0;
    StoredMessage* message = nullptr;
    std::string why;  // for kInvalid
  };
  Resolved resolve(const std::string& receipt);

  // Index maintenance. A message is in pending_ iff visible_at > watermark_, else in ready_.
  void advance(sdk::TimePoint now);
  void place(std::uint64_t seq, const StoredMessage& message);
  void unplace(std::uint64_t seq, const StoredMessage& message);
  // Fair-queue bookkeeping of standard queues (no-ops on FIFO queues).
  void note_available(std::uint64_t seq, const StoredMessage& message, bool available);
  void note_in_flight(const StoredMessage& message, bool in_flight);
  std::uint64_t insert(StoredMessage message);
  // Removes a message from every index; its group (if any) must be reindexed by the caller.
  StoredMessage extract(std::uint64_t seq);
  void reindex_group(FifoGroup& group);
  void reindex_groups(std::vector<FifoGroup*>& groups);
  sdk::QueueCounts count_by_scan(sdk::TimePoint now) const;

  // Claim helpers (queue_state_claim.cpp).
  bool wants_dead_letter(const StoredMessage& message, const sdk::ClaimSpec& spec,
                         DeadLetterMode mode) const;
  void dead_letter(std::uint64_t seq, const sdk::ClaimSpec& spec, QueueState& dead_letter_queue,
                   sdk::ClaimResult& out);
  void deliver(std::uint64_t seq, StoredMessage& message, const sdk::ClaimSpec& spec,
               sdk::ClaimResult& out);
  ClaimOutcome claim_standard(const sdk::ClaimSpec& spec, DeadLetterMode mode,
                              QueueState* dead_letter_queue, std::uint64_t budget,
                              sdk::ClaimResult& out);
  ClaimOutcome claim_fifo(const sdk::ClaimSpec& spec, DeadLetterMode mode,
                          QueueState* dead_letter_queue, std::uint64_t budget,
                          sdk::ClaimResult& out);

  const std::string name_;
  const bool fifo_;
  const std::uint64_t generation_;
  const std::uint64_t incarnation_;
  const std::uint64_t receipt_key_;

  mutable std::mutex record_mutex_;
  std::uint64_t version_;  // guarded by record_mutex_
  std::string metadata_;   // guarded by record_mutex_

  std::mutex mutex_;  // guards everything below
  bool deleted_ = false;
  std::unordered_map<std::uint64_t, StoredMessage> messages_;  // by arrival sequence
  std::set<std::uint64_t> ready_;  // available as of watermark_, oldest arrival first
  std::set<std::pair<sdk::TimePoint, std::uint64_t>> pending_;  // delayed or in flight
  std::uint64_t pending_in_flight_ = 0;                         // received members of pending_
  std::set<std::pair<sdk::TimePoint, std::uint64_t>> by_sent_;  // for expire()
  sdk::TimePoint watermark_ = sdk::TimePoint::min();
  std::uint64_t next_seq_ = 1;
  std::uint64_t last_token_ = 0;
  FifoGroups groups_;  // FIFO only
  FairTenants fair_;   // standard only
  DedupWindow dedup_;  // FIFO only
};

// The fixed order in which two queue mutexes are taken (by name, then address) so that claims
// dead-lettering and moves in opposite directions never deadlock.
bool lock_order_before(const QueueState& a, const QueueState& b);

// Holds the mutexes of two distinct queues, taken in lock_order_before() order.
class QueuePairLock {
 public:
  QueuePairLock(QueueState& a, QueueState& b)
      : first_(lock_order_before(a, b) ? a.mutex() : b.mutex()),
        second_(lock_order_before(a, b) ? b.mutex() : a.mutex()) {}

 private:
  std::unique_lock<std::mutex> first_;
  std::unique_lock<std::mutex> second_;
};

// The FIFO sequence number of arrival `seq`: a 20-digit decimal (10^19 + seq), so the strings
// compare the same way as numbers and look like AWS values.
std::string sequence_text(std::uint64_t seq);

}  // namespace sluice::plugins::memory
