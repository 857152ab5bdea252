// A RocksDB store in a scratch directory for the fair-queue tests (tests only), with helpers that
// append a tenant's messages, claim, remove and reopen the database.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rocksdb_queue_store.hpp"
#include "rocksdb_test_dir.hpp"

namespace sluice::plugins::rocksdb::testing {

class FairQueueTest : public ::testing::Test {
 protected:
  static sdk::TimePoint at(std::int64_t ms) {
    return sdk::from_unix_millis(1'700'000'000'000 + ms);
  }

  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "cannot create a scratch directory";
    options_.path = dir_.sub("db");
    options_.sync = false;  // thousands of small writes; a clean close keeps them all
    reopen();
  }
  void TearDown() override { store_.reset(); }

  // Closes the store (if open) and opens the same directory again.
  void reopen() {
    store_.reset();
    auto opened = RocksDbQueueStore::open(options_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
  }

  void create(const std::string& name) {
    auto created = store_->create_queue(sdk::QueueRecord{name, false, 0, 0, "meta"});
    ASSERT_TRUE(created.ok()) << created.error().message;
  }

  // Appends `count` messages of `tenant` ("" = none) with ids <prefix>0, <prefix>1, ... sent at
  // `sent`, visible after `delay`.
  void append_tenant(const std::string& queue, const std::string& prefix, int count,
                     const std::string& tenant, sdk::TimePoint sent,
                     sdk::Millis delay = sdk::Millis(0)) {
    std::vector<sdk::NewMessage> messages;
    for (int i = 0; i < count; ++i) {
      const std::string id = prefix + std::to_string(i);
      messages.push_back(sdk::NewMessage{id, "body of " + id, sent, sent + delay, tenant, ""});
    }
    sdk::AppendSpec spec;
    spec.now = sent;
    auto outcomes = store_->append(queue, std::span<const sdk::NewMessage>(messages), spec);
    ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  }

  std::vector<sdk::Delivery> claim(const std::string& queue, sdk::TimePoint now,
                                   std::uint32_t max = 10,
                                   sdk::Millis visibility = std::chrono::seconds(30)) {
    sdk::ClaimSpec spec;
    spec.now = now;
    spec.max_messages = max;
    spec.visibility = visibility;
    auto claimed = store_->claim(queue, spec);
    EXPECT_TRUE(claimed.ok()) << claimed.error().message;
    return claimed.ok() ? claimed->deliveries : std::vector<sdk::Delivery>{};
  }

  // Claims `count` messages in batches of 10; fails the test if fewer come.
  std::vector<sdk::Delivery> claim_many(const std::string& queue, int count, sdk::TimePoint now) {
    std::vector<sdk::Delivery> all;
    while (static_cast<int>(all.size()) < count) {
      const auto batch = claim(queue, now, 10);
      if (batch.empty()) break;
      all.insert(all.end(), batch.begin(), batch.end());
    }
    EXPECT_EQ(static_cast<int>(all.size()), count);
    return all;
  }

  void remove_all(const std::string& queue, const std::vector<sdk::Delivery>& deliveries) {
    std::vector<std::string> receipts;
    for (const auto& delivery : deliveries) receipts.push_back(delivery.receipt);
    auto statuses = store_->remove(queue, std::span<const std::string>(receipts));
    ASSERT_TRUE(statuses.ok()) << statuses.error().message;
    for (const auto& status : *statuses) ASSERT_TRUE(status.ok()) << status.error().message;
  }

  sdk::QueueCounts counts(const std::string& queue, sdk::TimePoint now) {
    auto result = store_->counts(queue, now);
    EXPECT_TRUE(result.ok()) << result.error().message;
    return result.ok() ? *result : sdk::QueueCounts{};
  }

  static std::vector<std::string> ids(const std::vector<sdk::Delivery>& deliveries) {
    std::vector<std::string> out;
    for (const auto& d : deliveries) out.push_back(d.message_id);
    return out;
  }

  ScratchDirectory dir_;
  RocksDbStoreOptions options_;
  std::unique_ptr<RocksDbQueueStore> store_;
};

// RocksDB's per-thread perf counters around one call (the store runs on the calling thread).
class ReadCounters {
 public:
  ReadCounters() {
    ::rocksdb::SetPerfLevel(::rocksdb::PerfLevel::kEnableCount);
    ::rocksdb::get_perf_context()->Reset();
  }
  ~ReadCounters() { ::rocksdb::SetPerfLevel(::rocksdb::PerfLevel::kDisable); }
  ReadCounters(const ReadCounters&) = delete;
  ReadCounters& operator=(const ReadCounters&) = delete;

  // Entries iterators stepped over or onto, live or deleted.
  static std::uint64_t entries_walked() {
    const auto* perf = ::rocksdb::get_perf_context();
    return perf->next_on_memtable_count + perf->internal_key_skipped_count +
           perf->internal_delete_skipped_count;
  }
  static std::uint64_t tombstones_skipped() {
    return ::rocksdb::get_perf_context()->internal_delete_skipped_count;
  }
  // Iterator seeks and point reads, counted on the memtable (tests keep all data in one).
  static std::uint64_t seeks() { return ::rocksdb::get_perf_context()->seek_on_memtable_count; }
  static std::uint64_t point_reads() {
    return ::rocksdb::get_perf_context()->get_from_memtable_count;
  }
};

}  // namespace sluice::plugins::rocksdb::testing
