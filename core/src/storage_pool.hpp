// StoragePool: the core-owned threads that run every QueueStore and QueueRegistry call, so no
// front-end thread ever blocks on storage. A plain FIFO work queue served by N threads.
//
// Shutdown is graceful: after shutdown() starts, tasks already queued and tasks posted by running
// tasks still run; shutdown() returns once the queue is empty and every thread has exited. Only
// then does post() start refusing work (returns false), so a task is never silently dropped.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice::core {

class StoragePool {
 public:
  StoragePool() = default;
  ~StoragePool();  // shuts down if needed
  StoragePool(const StoragePool&) = delete;
  StoragePool& operator=(const StoragePool&) = delete;

  // Starts `threads` (>= 1) workers. Call once.
  void start(std::uint32_t threads);
  // Queues `task`; thread-safe. Returns false (and drops nothing: the task was never accepted)
  // when the pool is not started or has finished shutting down.
  bool post(std::function<void()> task);
  // Drains the queue, then joins the workers. Must not be called from a pool thread. Idempotent.
  void shutdown();
  // True when called from one of this pool's threads.
  bool in_pool_thread() const;

 private:
  void worker_loop();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  std::uint32_t thread_count_ = 0;
  std::uint32_t active_ = 0;  // tasks running right now
  std::uint32_t exited_ = 0;  // workers that left their loop
  bool started_ = false;
  bool stopping_ = false;
  bool closed_ = false;  // every worker exited: post() refuses
};

}  // namespace sluice::core
