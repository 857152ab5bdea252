#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace sluice::bench {

int LatencyHistogram::index_of(std::uint64_t value) {
  if (value < kLinear) return static_cast<int>(value);
  // value has bit_width w >= 8; keep its top 7 bits (64..127) and the shift that removed the rest.
  const int shift = std::bit_width(value) - 7;
  const auto mantissa = static_cast<int>(value >> shift);  // in [64, 128)
  const int index = kLinear + (shift - 1) * kSubBuckets + (mantissa - kSubBuckets);
  return std::min(index, kBuckets - 1);
}

std::int64_t LatencyHistogram::value_of(int index) {
  if (index < kLinear) return index;
  const int shift = (index - kLinear) / kSubBuckets + 1;
  const std::int64_t mantissa = (index - kLinear) % kSubBuckets + kSubBuckets;
  const std::int64_t low = mantissa << shift;
  const std::int64_t high = ((mantissa + 1) << shift) - 1;
  return low + (high - low) / 2;
}

void LatencyHistogram::record(std::int64_t micros) {
  const std::int64_t v = std::max<std::int64_t>(micros, 0);
  ++buckets_[static_cast<std::size_t>(index_of(static_cast<std::uint64_t>(v)))];
  ++count_;
  sum_ += v;
  max_ = std::max(max_, v);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

std::int64_t LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const double clamped = std::clamp(q, 0.0, 1.0);
  // The rank of the value wanted, 1-based: ceil(q * n), at least 1.
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(clamped * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[static_cast<std::size_t>(i)];
    if (seen >= rank) return std::min(value_of(i), max_);
  }
  return max_;
}

}  // namespace sluice::bench
