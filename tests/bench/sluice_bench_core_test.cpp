// sluice-bench's bookkeeping: message stamps, the latency histogram and the delivery ledger.
#include <gtest/gtest.h>

#include "delivery_ledger.hpp"
#include "latency_histogram.hpp"
#include "payload.hpp"
#include "run_context.hpp"

namespace sluice::bench {
namespace {

TEST(SluiceBenchPayload, StampReadsBackWhatWasWritten) {
  std::string body = make_body(200);
  const Stamp stamp{0x12345678, 0xfedcba9876543210ULL, 1764025000123456};
  write_stamp(body.data(), stamp);
  const auto read = read_stamp(body);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->nonce, stamp.nonce);
  EXPECT_EQ(read->id, stamp.id);
  EXPECT_EQ(read->sent_us, stamp.sent_us);
  EXPECT_EQ(body.size(), 200u);
}

TEST(SluiceBenchPayload, BodyThatIsNotOursHasNoStamp) {
  EXPECT_FALSE(read_stamp("hello").has_value());
  EXPECT_FALSE(read_stamp(std::string(kStampSize, 'x')).has_value());
}

TEST(SluiceBenchPayload, BodyNeedsNoEscapingInAnyProtocol) {
  const std::string body = make_body(1000);
  EXPECT_EQ(
      body.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
      std::string::npos);
}

TEST(SluiceBenchHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.quantile(0.5), 50);
  EXPECT_EQ(h.quantile(0.99), 99);
  EXPECT_EQ(h.quantile(1.0), 100);
}

TEST(SluiceBenchHistogram, LargeValuesAreWithinTwoPercent) {
  LatencyHistogram h;
  for (int v = 1; v <= 100000; ++v) h.record(v);
  for (const double q : {0.5, 0.9, 0.99, 0.999}) {
    const double expected = q * 100000;
    EXPECT_NEAR(static_cast<double>(h.quantile(q)), expected, expected * 0.02) << q;
  }
  EXPECT_EQ(h.max(), 100000);
}

TEST(SluiceBenchHistogram, EmptyHistogramReportsZero) {
  const LatencyHistogram h;
  EXPECT_EQ(h.quantile(0.99), 0);
  EXPECT_EQ(h.count(), 0u);
}

TEST(SluiceBenchHistogram, MergeAddsTheCountsOfBoth) {
  LatencyHistogram a;
  LatencyHistogram b;
  for (int i = 0; i < 90; ++i) a.record(10);
  for (int i = 0; i < 10; ++i) b.record(5000);
  a.merge(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_EQ(a.quantile(0.9), 10);
  EXPECT_NEAR(static_cast<double>(a.quantile(0.95)), 5000, 100);
  EXPECT_EQ(a.max(), 5000);
}

TEST(SluiceBenchLedger, AcknowledgedMessageNeverReceivedIsMissing) {
  DeliveryLedger ledger(1, 1000);
  for (std::uint64_t id = 0; id < 10; ++id) ledger.mark_acked(id);
  for (std::uint64_t id = 0; id < 10; ++id) {
    if (id != 7) ledger.mark_received(id);
  }
  const auto check = ledger.verify();
  EXPECT_EQ(check.acked, 10u);
  EXPECT_EQ(check.received, 9u);
  EXPECT_EQ(check.missing, 1u);
}

TEST(SluiceBenchLedger, SecondReceiptOfAMessageIsNotNew) {
  DeliveryLedger ledger(1, 1000);
  EXPECT_TRUE(ledger.mark_received(5));
  EXPECT_FALSE(ledger.mark_received(5));
}

TEST(SluiceBenchLedger, ReceivedWithoutAcknowledgementIsCountedApart) {
  DeliveryLedger ledger(1, 1000);
  ledger.mark_received(3);
  const auto check = ledger.verify();
  EXPECT_EQ(check.missing, 0u);
  EXPECT_EQ(check.received_unacked, 1u);
}

TEST(SluiceBenchLedger, IdsAcrossChunksAreTrackedIndependently) {
  DeliveryLedger ledger(1, 1u << 20);
  const std::uint64_t far = IdBitmap::kChunkBits * 5 + 3;
  ledger.mark_acked(0);
  ledger.mark_acked(far);
  ledger.mark_received(far);
  const auto check = ledger.verify();
  EXPECT_EQ(check.acked, 2u);
  EXPECT_EQ(check.missing, 1u);
}

// Regression: the watchdog once aborted healthy requests that started just after it read the
// clock (an unsigned subtraction wrapped), reporting "transport:timeout".
TEST(SluiceBenchWatchdog, ARequestStartedAfterTheClockWasReadIsNotOverdue) {
  EXPECT_FALSE(request_overdue(/*since=*/1'000'001, /*now=*/1'000'000, /*timeout=*/50));
}

TEST(SluiceBenchWatchdog, ARequestOlderThanTheTimeoutIsOverdue) {
  EXPECT_TRUE(request_overdue(1'000, 2'000, 500));
  EXPECT_FALSE(request_overdue(1'000, 1'400, 500));
  EXPECT_FALSE(request_overdue(0, 2'000, 500));  // idle
}

}  // namespace
}  // namespace sluice::bench
