// Brute-force protection: a token bucket per source address that only failed authentications
// drain. Each address starts with `burst` tokens; every failure takes one; tokens come back at
// `refill_per_minute`. While an address has less than one token, every attempt from it is
// refused before any credential is checked (so guessing costs no CPU and gains nothing).
// Successful logins neither take nor return tokens.
//
// Each bucket is kept as the moment it will be full again (the "generic cell rate" form of a
// token bucket), in integer time, so refills are exact. Memory is bounded: at most
// `max_addresses` buckets are kept; a full (forgiven) bucket is dropped first, then the one
// closest to full. Thread-safe. Time is passed in, so tests drive it.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sluice::plugins::auth_local {

struct FailureLimiterOptions {
  double burst = 10;
  double refill_per_minute = 10;
  std::size_t max_addresses = 10'000;
};

class FailureLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit FailureLimiter(FailureLimiterOptions options);

  // True when `address` may attempt to authenticate now.
  bool admits(const std::string& address, TimePoint now);
  // Takes a token from `address`. Returns true when this failure used up the last one (the
  // moment to log that the address is now throttled, once).
  bool record_failure(const std::string& address, TimePoint now);

 private:
  using Nanos = std::chrono::nanoseconds;

  // A bucket full at `full_at` holds at least one token at `now` while the debt is within this.
  bool has_token(TimePoint full_at, TimePoint now) const { return full_at - now <= allowance_; }
  void make_room(TimePoint now);  // caller holds mu_

  const FailureLimiterOptions options_;
  const Nanos interval_;   // time to earn one token back
  const Nanos allowance_;  // (burst - 1) tokens' worth of time
  std::mutex mu_;
  std::unordered_map<std::string, TimePoint> full_at_;  // guarded by mu_
};

}  // namespace sluice::plugins::auth_local
