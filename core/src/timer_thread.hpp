// TimerThread: the broker's private Boost.Asio io_context and the one thread that runs it. It
// serves every real-time wait of the core: long-poll deadlines, the long-poll recheck tick, the
// retention sweeper period and move-task pacing. Timer callbacks run on this thread; they must be
// short and hand storage work to the StoragePool.
#pragma once

#include <utility>  // before Boost.Asio (Boost 1.74 under C++20)

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "sluice/sdk/types.hpp"

namespace sluice::core {

// A scheduled callback. Thread-safe; cancel() is a no-op once it ran.
class TimerHandle {
 public:
  virtual ~TimerHandle() = default;
  virtual void cancel() = 0;
};

class TimerThread {
 public:
  TimerThread();
  ~TimerThread();  // stops if needed
  TimerThread(const TimerThread&) = delete;
  TimerThread& operator=(const TimerThread&) = delete;

  void start();
  // Stops the thread; callbacks not yet run never run. Idempotent. Not from the timer thread.
  void stop();

  // Runs `fn` on the timer thread after `delay` (real time). Callable from any thread.
  std::shared_ptr<TimerHandle> after(sdk::Millis delay, std::function<void()> fn);
  // Runs `fn` every `period` until stop() or the returned handle is cancelled.
  std::shared_ptr<TimerHandle> every(sdk::Millis period, std::function<void()> fn);

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::mutex mutex_;
  bool started_ = false;
};

}  // namespace sluice::core
