// The core's only source of time. Production uses SystemClock; tests use ManualClock and move
// time by hand, so visibility timeouts, delays and retention are tested without sleeping.
#pragma once

#include <atomic>
#include <chrono>

#include "sluice/sdk/types.hpp"

namespace sluice::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // Thread-safe.
  virtual sdk::TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  sdk::TimePoint now() const override {
    return std::chrono::time_point_cast<sdk::Millis>(std::chrono::system_clock::now());
  }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(sdk::TimePoint start = sdk::from_unix_millis(1'700'000'000'000))
      : now_ms_(sdk::to_unix_millis(start)) {}
  sdk::TimePoint now() const override { return sdk::from_unix_millis(now_ms_.load()); }
  void advance(sdk::Millis by) { now_ms_ += by.count(); }
  void set(sdk::TimePoint t) { now_ms_ = sdk::to_unix_millis(t); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace sluice::core
