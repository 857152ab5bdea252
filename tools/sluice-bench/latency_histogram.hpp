// LatencyHistogram: a fixed-size log-linear histogram of microsecond values (exact below 128 us,
// then 64 sub-buckets per power of two: within 1.6% above that), so recording is one increment
// and no allocation. Not thread-safe: each I/O thread records into its own and they are merged
// at the end.
#pragma once

#include <array>
#include <cstdint>

namespace sluice::bench {

class LatencyHistogram {
 public:
  void record(std::int64_t micros);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  std::int64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_; }
  // The value at quantile q in [0, 1] (bucket midpoint, clamped to the recorded max); 0 if empty.
  std::int64_t quantile(double q) const;

 private:
  static constexpr int kLinear = 128;  // values below this are exact
  static constexpr int kSubBuckets = 64;
  static constexpr int kMaxShift = 40;  // covers values up to 2^47 us
  static constexpr int kBuckets = kLinear + kMaxShift * kSubBuckets;

  static int index_of(std::uint64_t value);
  static std::int64_t value_of(int index);

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::int64_t sum_ = 0;
  std::int64_t max_ = 0;
};

}  // namespace sluice::bench
