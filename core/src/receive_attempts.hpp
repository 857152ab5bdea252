// ReceiveAttempts: the FIFO ReceiveRequestAttemptId cache (spec 8.4). A receive on a FIFO queue
// that carries an attempt id remembers what it returned; a retry with the same id on the same
// queue within the dedup window gets the same messages and receipt handles back (the broker
// resets their visibility), unless one of them was deleted or had its visibility changed since,
// in which case the entry is gone and the retry claims afresh.
//
// Per process: a retry that reaches another broker sharing the store claims afresh. Time is the
// injected clock's. Thread-safe.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sluice/sdk/message.hpp"
#include "sluice/sdk/types.hpp"

namespace sluice::core {

class ReceiveAttempts {
 public:
  struct Entry {
    std::vector<sdk::ReceivedMessage> messages;
    std::vector<std::string> store_receipts;  // parallel to messages
  };

  explicit ReceiveAttempts(sdk::Millis window) : window_(window) {}

  // The remembered answer for (queue, attempt_id) if it is younger than the window.
  std::optional<Entry> find(const std::string& queue, const std::string& attempt_id,
                            sdk::TimePoint now);
  // Remembers a non-empty answer (replacing any earlier one for the same key).
  void remember(const std::string& queue, const std::string& attempt_id, sdk::TimePoint now,
                Entry entry);
  // Forgets every answer that contains one of these store receipts of `queue` (a delete or a
  // visibility change touched it).
  void invalidate(const std::string& queue, const std::vector<std::string>& store_receipts);
  // Forgets one answer (its receipts could not be re-armed).
  void forget(const std::string& queue, const std::string& attempt_id);
  // Forgets every answer of a deleted queue.
  void drop_queue(const std::string& queue);

 private:
  using Key = std::pair<std::string, std::string>;  // queue, attempt id
  struct Stored {
    Entry entry;
    sdk::TimePoint created;
  };

  void erase_locked(const Key& key);
  void expire_locked(sdk::TimePoint now);

  sdk::Millis window_;
  std::mutex mutex_;
  std::map<Key, Stored> entries_;
  // queue + '\0' + store receipt -> the answer holding it
  std::unordered_map<std::string, Key> by_receipt_;
  std::deque<std::pair<sdk::TimePoint, Key>> by_age_;
};

}  // namespace sluice::core
