// LongPollWaiters: who is waiting for messages on which queue. Long-poll receives and push
// consumers with an empty queue register here; sends, releases (visibility 0), store watch
// callbacks and the periodic recheck tick wake them.
//
// A registration is one-shot: waking removes it and runs its callback once, outside the lock.
// The callback must be quick (it posts a claim to the pool); a woken waiter that then finds the
// queue empty (it lost the race) simply registers again. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sluice::core {

enum class WakeReason : std::uint8_t {
  kMessages,  // messages may be available: claim again
  kClosed,    // the queue was deleted or the broker is stopping: finish now
};

class LongPollWaiters {
 public:
  using Id = std::uint64_t;
  using Wake = std::function<void(WakeReason)>;

  // Registers `wake` for `queue`. Returns 0 (and never calls `wake`) once close() has run.
  Id add(const std::string& queue, Wake wake);
  // Removes a registration that has not been woken yet. True if it was still registered; the
  // caller then owns the waiter's completion.
  bool cancel(Id id);
  // Wakes up to `count` waiters of `queue`, oldest first, with kMessages.
  void notify(const std::string& queue, std::size_t count);
  // Wakes every waiter of every queue with kMessages (the recheck tick).
  void notify_all();
  // Wakes every waiter of `queue` with kClosed.
  void close_queue(const std::string& queue);
  // Wakes everyone with kClosed and refuses later registrations.
  void close();

  std::size_t size() const;

 private:
  struct Entry {
    Id id;
    std::string queue;
    Wake wake;
  };
  using List = std::list<Entry>;

  mutable std::mutex mutex_;
  std::map<std::string, List> by_queue_;
  std::unordered_map<Id, List::iterator> by_id_;
  Id next_id_ = 1;
  bool closed_ = false;
};

}  // namespace sluice::core
