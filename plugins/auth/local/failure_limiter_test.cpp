#include "failure_limiter.hpp"

#include <gtest/gtest.h>

namespace sluice::plugins::auth_local {
namespace {

using std::chrono::seconds;
using TimePoint = FailureLimiter::TimePoint;

const TimePoint kStart{};

TEST(FailureLimiter, AnAddressWithoutFailuresIsAdmitted) {
  FailureLimiter limiter({3, 6, 100});
  EXPECT_TRUE(limiter.admits("10.0.0.1", kStart));
}

TEST(FailureLimiter, AnAddressIsRefusedOnceItsFailuresUseUpTheBurst) {
  FailureLimiter limiter({3, 6, 100});
  EXPECT_FALSE(limiter.record_failure("10.0.0.1", kStart));
  EXPECT_FALSE(limiter.record_failure("10.0.0.1", kStart));
  EXPECT_TRUE(limiter.admits("10.0.0.1", kStart));
  EXPECT_TRUE(limiter.record_failure("10.0.0.1", kStart));  // the third: now throttled
  EXPECT_FALSE(limiter.admits("10.0.0.1", kStart));
}

TEST(FailureLimiter, OtherAddressesAreNotAffected) {
  FailureLimiter limiter({1, 6, 100});
  limiter.record_failure("10.0.0.1", kStart);
  EXPECT_FALSE(limiter.admits("10.0.0.1", kStart));
  EXPECT_TRUE(limiter.admits("10.0.0.2", kStart));
}

TEST(FailureLimiter, AttemptsComeBackAtTheRefillRate) {
  FailureLimiter limiter({2, 6, 100});  // one token every 10 s
  limiter.record_failure("10.0.0.1", kStart);
  limiter.record_failure("10.0.0.1", kStart);
  EXPECT_FALSE(limiter.admits("10.0.0.1", kStart + seconds(9)));
  EXPECT_TRUE(limiter.admits("10.0.0.1", kStart + seconds(10)));
}

TEST(FailureLimiter, TheThrottledMomentIsReportedOnlyOnce) {
  FailureLimiter limiter({1, 6, 100});
  EXPECT_TRUE(limiter.record_failure("10.0.0.1", kStart));
  EXPECT_FALSE(limiter.record_failure("10.0.0.1", kStart));
}

TEST(FailureLimiter, TrackedAddressesStayWithinTheBound) {
  FailureLimiter limiter({1, 6, 2});
  limiter.record_failure("10.0.0.1", kStart);
  limiter.record_failure("10.0.0.2", kStart + seconds(5));
  // The map is full of punished addresses: the one closest to forgiven (10.0.0.1) goes.
  limiter.record_failure("10.0.0.3", kStart + seconds(6));
  EXPECT_TRUE(limiter.admits("10.0.0.1", kStart + seconds(6)));
  EXPECT_FALSE(limiter.admits("10.0.0.2", kStart + seconds(6)));
  EXPECT_FALSE(limiter.admits("10.0.0.3", kStart + seconds(6)));
}

}  // namespace
}  // namespace sluice::plugins::auth_local
