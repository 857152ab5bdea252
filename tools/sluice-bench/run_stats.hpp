// RunStats: what one I/O thread counted during a run. Every loop on that thread writes into it
// (one writer, so counters are plain relaxed loads and stores of atomics, no read-modify-write);
// the progress printer reads the counters from the main thread while the run goes on; histograms
// and error codes are read only after the run, when the threads have been joined.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "latency_histogram.hpp"

namespace sluice::bench {

// A counter with a single writer and any number of readers.
class Counter {
 public:
  void add(std::uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void set(std::uint64_t v) { value_.store(v, std::memory_order_relaxed); }
  std::uint64_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

struct RunStats {
  Counter send_requests;
  Counter sent;         // messages acknowledged
  Counter send_failed;  // messages whose send failed (request or entry)
  Counter receive_requests;
  Counter empty_receives;
  Counter received;    // messages delivered, ours or not, duplicates included
  Counter distinct;    // first delivery of one of this run's messages
  Counter duplicates;  // another delivery of one of this run's messages
  Counter foreign;     // messages not sent by this run
  Counter delete_requests;
  Counter deleted;  // messages whose delete succeeded
  Counter delete_failed;
  Counter errors;  // failed requests plus failed entries
  // Nanoseconds since the run's start of the last completed send / receive-or-delete.
  Counter last_send_ns;
  Counter last_consume_ns;

  LatencyHistogram send_latency;
  LatencyHistogram receive_latency;
  LatencyHistogram delete_latency;
  LatencyHistogram end_to_end_latency;
  std::map<std::string, std::uint64_t, std::less<>> error_codes;

  void count_error(std::string_view code, std::uint64_t n = 1) {
    errors.add(n);
    auto it = error_codes.find(code);
    if (it == error_codes.end()) it = error_codes.emplace(std::string(code), 0).first;
    it->second += n;
  }
};

}  // namespace sluice::bench
