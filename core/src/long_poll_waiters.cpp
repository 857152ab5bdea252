#include "long_poll_waiters.hpp"

#include <vector>

namespace sluice::core {

LongPollWaiters::Id LongPollWaiters::add(const std::string& queue, Wake wake) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return 0;
  const Id id = next_id_++;
  auto& list = by_queue_[queue];
  list.push_back(Entry{id, queue, std::move(wake)});
  by_id_.emplace(id, std::prev(list.end()));
  return id;
}

bool LongPollWaiters::cancel(Id id) {
  Wake dropped;  // destroyed outside the lock: it may own the last reference to a big operation
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  auto entry = it->second;
  auto list = by_queue_.find(entry->queue);
  dropped = std::move(entry->wake);
  list->second.erase(entry);
  if (list->second.empty()) by_queue_.erase(list);
  by_id_.erase(it);
  return true;
}

void LongPollWaiters::notify(const std::string& queue, std::size_t count) {
  std::vector<Wake> woken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto list = by_queue_.find(queue);
    if (list == by_queue_.end()) return;
    while (count > 0 && !list->second.empty()) {
      auto& entry = list->second.front();
      woken.push_back(std::move(entry.wake));
      by_id_.erase(entry.id);
      list->second.pop_front();
      --count;
    }
    if (list->second.empty()) by_queue_.erase(list);
  }
  for (auto& wake : woken) wake(WakeReason::kMessages);
}

void LongPollWaiters::notify_all() {
  std::map<std::string, List> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    all.swap(by_queue_);
    by_id_.clear();
  }
  for (auto& [queue, list] : all) {
    for (auto& entry : list) entry.wake(WakeReason::kMessages);
  }
}

void LongPollWaiters::close_queue(const std::string& queue) {
  List list;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = by_queue_.find(queue);
    if (it == by_queue_.end()) return;
    list.swap(it->second);
    by_queue_.erase(it);
    for (const auto& entry : list) by_id_.erase(entry.id);
  }
  for (auto& entry : list) entry.wake(WakeReason::kClosed);
}

void LongPollWaiters::close() {
  std::map<std::string, List> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    all.swap(by_queue_);
    by_id_.clear();
  }
  for (auto& [queue, list] : all) {
    for (auto& entry : list) entry.wake(WakeReason::kClosed);
  }
}

std::size_t LongPollWaiters::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return by_id_.size();
}

}  // namespace sluice::core
