#include "timer_thread.hpp"

#include <atomic>

#include <boost/asio/post.hpp>

namespace sluice::core {
namespace {

// One asio timer plus the callback it runs. All timer operations happen on the io thread (cancel
// is posted there) because an asio timer must not be used from two threads at once.
class AsioTimer final : public TimerHandle, public std::enable_shared_from_this<AsioTimer> {
 public:
  AsioTimer(boost::asio::io_context& io, sdk::Millis period, bool repeat, std::function<void()> fn)
      : io_(io), timer_(io), period_(period), repeat_(repeat), fn_(std::move(fn)) {}

  void arm() {
    timer_.expires_after(period_);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->cancelled_.load()) return;
      self->fn_();
      if (self->repeat_ && !self->cancelled_.load()) self->arm();
    });
  }

  void cancel() override {
    if (cancelled_.exchange(true)) return;
    boost::asio::post(io_, [self = shared_from_this()] { self->timer_.cancel(); });
  }

 private:
  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  sdk::Millis period_;
  bool repeat_;
  std::function<void()> fn_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

TimerThread::TimerThread() : work_(boost::asio::make_work_guard(io_)) {}

TimerThread::~TimerThread() { stop(); }

void TimerThread::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { io_.run(); });
}

void TimerThread::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    work_.reset();
    io_.stop();
  }
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<TimerHandle> TimerThread::after(sdk::Millis delay, std::function<void()> fn) {
  auto timer = std::make_shared<AsioTimer>(io_, delay, false, std::move(fn));
  // Arm on the io thread: the timer object is then only ever touched there.
  boost::asio::post(io_, [timer] { timer->arm(); });
  return timer;
}

std::shared_ptr<TimerHandle> TimerThread::every(sdk::Millis period, std::function<void()> fn) {
  auto timer = std::make_shared<AsioTimer>(io_, period, true, std::move(fn));
  boost::asio::post(io_, [timer] { timer->arm(); });
  return timer;
}

}  // namespace sluice::core
