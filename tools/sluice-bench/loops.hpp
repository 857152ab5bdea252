// The workload's loops. A ProducerLoop sends batch after batch (paced when a rate is set); a
// ConsumerLoop receives with long polling and deletes what it got. Each loop owns one Channel
// (one connection) and runs entirely on the thread of its io_context, so its state needs no
// locks; it counts into that thread's RunStats.
//
// The coordinator (main thread) only: reads busy_since_ns(), and posts interrupt() / timeout()
// onto the loop's io_context.
#pragma once

#include <utility>  // before Asio under C++20 with Boost 1.74

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "driver.hpp"
#include "run_context.hpp"
#include "run_stats.hpp"

namespace sluice::bench {

class Loop {
 public:
  Loop(boost::asio::io_context& io, std::unique_ptr<Channel> channel, RunContext& ctx,
       RunStats& stats);
  virtual ~Loop() = default;
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Posts the loop's first step.
  void start();
  boost::asio::io_context& io() { return io_; }
  // Start of the request in progress (ns since the run's start), or 0 when idle.
  std::uint64_t busy_since_ns() const { return busy_since_ns_.load(std::memory_order_relaxed); }
  // On the loop's thread: abort the request in progress if it started at `started_ns` (so a
  // later request is never hit), and report it as "transport:timeout".
  void timeout(std::uint64_t started_ns);

 protected:
  static constexpr std::size_t kMaxBatch = 10;
  virtual void next() = 0;
  void mark_busy(SteadyClock::time_point t) {
    busy_since_ns_.store(ctx_.nanos_since_start(t) | 1, std::memory_order_relaxed);
  }
  void mark_idle() { busy_since_ns_.store(0, std::memory_order_relaxed); }
  // The code to count for a failed request: a timeout we caused reads as one.
  std::string_view error_code(std::string_view reported);
  // Waits a little after a transport error (a server that is down must not make us spin).
  void retry_later(std::string_view error);

  boost::asio::io_context& io_;
  std::unique_ptr<Channel> channel_;
  RunContext& ctx_;
  RunStats& stats_;
  boost::asio::steady_timer timer_;
  std::atomic<std::uint64_t> busy_since_ns_{0};
  bool timed_out_ = false;
};

class ProducerLoop final : public Loop {
 public:
  using Loop::Loop;

 private:
  void next() override;
  void fire();
  void on_sent(const SendReply& reply);
  void finish();

  std::array<OutgoingMessage, kMaxBatch> batch_{};
  std::uint64_t first_id_ = 0;
  std::size_t count_ = 0;
  SteadyClock::time_point started_;
};

class ConsumerLoop final : public Loop {
 public:
  using Loop::Loop;
  // On the loop's thread, once ctx.stop_consumers is set: ends a long poll in progress.
  void interrupt();

 private:
  enum class Phase { kIdle, kReceiving, kDeleting };
  void next() override;
  bool should_stop(SteadyClock::time_point now) const;
  void on_received(const ReceiveReply& reply);
  void on_deleted(const AckReply& reply);
  void finish();

  Phase phase_ = Phase::kIdle;
  std::array<std::string_view, kMaxBatch> receipts_{};
  std::size_t count_ = 0;
  SteadyClock::time_point started_;
};

}  // namespace sluice::bench
