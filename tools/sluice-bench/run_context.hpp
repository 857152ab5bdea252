// RunContext: the state every loop of a run shares: the options, the delivery ledger, the id
// counter, the clock origin and deadline, the pacing schedule and the stop flags. All of it is
// safe to use from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>

#include "bench_options.hpp"
#include "delivery_ledger.hpp"

namespace sluice::bench {

using SteadyClock = std::chrono::steady_clock;

// Wall-clock microseconds since the Unix epoch (what message stamps carry).
inline std::int64_t wall_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::int64_t micros_between(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

// Whether a request that started at `since` (ns since the run's start; 0: idle) has run past
// `timeout` at `now`. A loop may mark itself busy after the caller read `now`: that request is
// not late (an unsigned `now - since` would wrap and say it was).
inline bool request_overdue(std::uint64_t since, std::uint64_t now, std::uint64_t timeout) {
  return since != 0 && now > since && now - since > timeout;
}

struct RunContext {
  explicit RunContext(const BenchOptions& o)
      : options(o),
        ledger(o.nonce, ledger_capacity(o)),
        id_limit(o.mode == Mode::kDrain || o.messages == 0
                     ? std::numeric_limits<std::uint64_t>::max() / 2
                     : o.messages) {}

  // Fixes the clock origin (and the deadline, in duration mode). Call once, before any loop runs.
  void begin() {
    start = SteadyClock::now();
    if (options.messages == 0) {
      deadline = start + std::chrono::duration_cast<SteadyClock::duration>(
                             std::chrono::duration<double>(options.duration_seconds));
    }
  }

  std::uint64_t nanos_since_start(SteadyClock::time_point t) const {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(t - start).count());
  }
  bool past_deadline(SteadyClock::time_point t) const { return deadline && t >= *deadline; }

  // Paced runs: when a send of `count` messages is due. Slots are handed out in order over all
  // producers, at options.rate messages per second from the start.
  SteadyClock::time_point slot_for(std::uint64_t count) {
    const std::uint64_t first = paced.fetch_add(count, std::memory_order_relaxed);
    return start + std::chrono::duration_cast<SteadyClock::duration>(
                       std::chrono::duration<double>(static_cast<double>(first) / options.rate));
  }

  const BenchOptions& options;
  DeliveryLedger ledger;
  const std::uint64_t id_limit;  // ids below this may be sent
  SteadyClock::time_point start;
  std::optional<SteadyClock::time_point> deadline;

  std::atomic<std::uint64_t> next_id{0};
  std::atomic<std::uint64_t> paced{0};
  std::atomic<std::uint64_t> drained{0};  // drain mode: messages received so far
  std::atomic<bool> stop_producers{false};
  std::atomic<bool> stop_consumers{false};
  std::atomic<std::uint32_t> producers_running{0};
  std::atomic<std::uint32_t> consumers_running{0};

 private:
  static std::uint64_t ledger_capacity(const BenchOptions& o) {
    // Duration runs cannot know their count: room for 2^32 ids (a 512 KiB directory per bitmap;
    // chunks are only allocated as ids are used).
    return o.messages > 0 && o.mode != Mode::kDrain ? o.messages : (std::uint64_t{1} << 32);
  }
};

}  // namespace sluice::bench
