#include "storage_pool.hpp"

#include <algorithm>

namespace sluice::core {
namespace {
// The pool a thread belongs to, so in_pool_thread() needs no lookup.
thread_local const StoragePool* current_pool = nullptr;
}  // namespace

StoragePool::~StoragePool() { shutdown(); }

void StoragePool::start(std::uint32_t threads) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (started_) return;
  started_ = true;
  const std::uint32_t n = std::max<std::uint32_t>(threads, 1);
  thread_count_ = n;
  threads_.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) threads_.emplace_back([this] { worker_loop(); });
}

bool StoragePool::post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_ || closed_) return false;
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

void StoragePool::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_) {
      closed_ = true;
      return;
    }
    stopping_ = true;
    threads.swap(threads_);
  }
  wake_.notify_all();
  for (auto& t : threads) t.join();
}

bool StoragePool::in_pool_thread() const { return current_pool == this; }

void StoragePool::worker_loop() {
  current_pool = this;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    // A worker may leave only when nothing is queued and nothing is running: a running task may
    // still post follow-up work (the next coalesced append, a long poll's completion).
    wake_.wait(lock, [this] { return !tasks_.empty() || (stopping_ && active_ == 0); });
    if (tasks_.empty()) break;
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    ++active_;
    lock.unlock();
    task();
    task = nullptr;  // destroy captures outside the lock
    lock.lock();
    --active_;
    if (stopping_ && active_ == 0 && tasks_.empty()) wake_.notify_all();
  }
  if (++exited_ == thread_count_) closed_ = true;
  wake_.notify_all();
}

}  // namespace sluice::core
