// RocksDbQueueStore's own tests: what the conformance kit cannot see. Durability across reopening
// the database, open errors reported as one line, and the cost of counts and claims measured
// with RocksDB's per-thread perf counters (the store runs on the calling thread).
#include "rocksdb_queue_store.hpp"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rocksdb_test_dir.hpp"

namespace sluice::plugins::rocksdb::testing {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

class RocksDbQueueStoreTest : public ::testing::Test {
 protected:
  static sdk::TimePoint at(std::int64_t ms) {
    return sdk::from_unix_millis(1'700'000'000'000 + ms);
  }

  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "cannot create a scratch directory";
    options_.path = dir_.sub("db");
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

  void create(const std::string& name, bool fifo = false) {
    auto created = store_->create_queue(sdk::QueueRecord{name, fifo, 0, 0, "meta"});
    ASSERT_TRUE(created.ok()) << created.error().message;
  }
  static sdk::NewMessage message(const std::string& id, sdk::TimePoint sent = at(0),
                                 sdk::Millis delay = sdk::Millis(0), std::string group = "",
                                 std::string dedup = "") {
    return sdk::NewMessage{id,           "body of " + id,  sent,
                           sent + delay, std::move(group), std::move(dedup)};
  }
  std::vector<sdk::AppendOutcome> append(const std::string& queue,
                                         std::vector<sdk::NewMessage> messages,
                                         sdk::TimePoint now = at(0)) {
    sdk::AppendSpec spec;
    spec.now = now;
    auto outcomes = store_->append(queue, std::span<const sdk::NewMessage>(messages), spec);
    EXPECT_TRUE(outcomes.ok()) << outcomes.error().message;
    return outcomes.ok() ? *outcomes : std::vector<sdk::AppendOutcome>{};
  }
  std::vector<sdk::Delivery> claim(const std::string& queue, sdk::TimePoint now,
                                   std::uint32_t max = 10, sdk::Millis visibility = seconds(30)) {
    sdk::ClaimSpec spec;
    spec.now = now;
    spec.max_messages = max;
    spec.visibility = visibility;
    auto claimed = store_->claim(queue, spec);
    EXPECT_TRUE(claimed.ok()) << claimed.error().message;
    return claimed.ok() ? claimed->deliveries : std::vector<sdk::Delivery>{};
  }
  sdk::Status remove(const std::string& queue, const std::string& receipt) {
    std::vector<std::string> receipts{receipt};
    auto statuses = store_->remove(queue, std::span<const std::string>(receipts));
    if (!statuses.ok()) return statuses.error();
    return statuses->at(0);
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

// --- Durability across reopening ---------------------------------------------------------------

TEST_F(RocksDbQueueStoreTest, AppendedMessagesAreClaimableAfterTheStoreIsReopened) {
  create("q");
  append("q", {message("a"), message("b", at(1)), message("c", at(2))});
  ASSERT_NO_FATAL_FAILURE(reopen());
  const auto claimed = claim("q", at(10));
  EXPECT_EQ(ids(claimed), (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(claimed.size(), 3u);
  EXPECT_EQ(claimed[0].envelope, "body of a");
  EXPECT_EQ(claimed[0].receive_count, 1u);
}

TEST_F(RocksDbQueueStoreTest, CountsAreTheSameAfterTheStoreIsReopened) {
  create("q");
  append("q", {message("visible"), message("held"), message("later", at(0), hours(1))});
  ASSERT_EQ(claim("q", at(1), 1).size(), 1u);
  ASSERT_NO_FATAL_FAILURE(reopen());
  const auto after = counts("q", at(2));
  EXPECT_EQ(after.visible, 1u);
  EXPECT_EQ(after.in_flight, 1u);
  EXPECT_EQ(after.delayed, 1u);
}

TEST_F(RocksDbQueueStoreTest, ReceiptIssuedBeforeAReopenStillRemovesTheMessage) {
  create("q");
  append("q", {message("m")});
  const auto claimed = claim("q", at(0));
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_NO_FATAL_FAILURE(reopen());
  EXPECT_TRUE(remove("q", claimed[0].receipt).ok());
  const auto after = counts("q", at(1));
  EXPECT_EQ(after.visible + after.in_flight + after.delayed, 0u);
}

TEST_F(RocksDbQueueStoreTest, InFlightMessageStaysInvisibleAcrossAReopenUntilItsVisibilityEnds) {
  create("q");
  append("q", {message("m")});
  ASSERT_EQ(claim("q", at(0), 1, seconds(30)).size(), 1u);
  ASSERT_NO_FATAL_FAILURE(reopen());
  EXPECT_TRUE(claim("q", at(29'999)).empty());
  const auto again = claim("q", at(30'000));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].receive_count, 2u);
}

TEST_F(RocksDbQueueStoreTest, FifoGroupStaysLockedAcrossAReopen) {
  create("q.fifo", true);
  append("q.fifo", {message("a1", at(0), {}, "a", "k1"), message("a2", at(0), {}, "a", "k2")});
  ASSERT_EQ(ids(claim("q.fifo", at(1), 1)), std::vector<std::string>{"a1"});
  ASSERT_NO_FATAL_FAILURE(reopen());
  EXPECT_TRUE(claim("q.fifo", at(2)).empty());
  EXPECT_EQ(ids(claim("q.fifo", at(30'001), 1)), std::vector<std::string>{"a1"});
}

TEST_F(RocksDbQueueStoreTest, DedupKeyIsRememberedAcrossAReopen) {
  create("q.fifo", true);
  const auto first = append("q.fifo", {message("m", at(0), {}, "g", "key")});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_NO_FATAL_FAILURE(reopen());
  const auto second = append("q.fifo", {message("m-again", at(1), {}, "g", "key")}, at(1));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_TRUE(second[0].duplicate);
  EXPECT_EQ(second[0].message_id, "m");
  EXPECT_EQ(second[0].sequence, first[0].sequence);
}

TEST_F(RocksDbQueueStoreTest, SequenceNumbersKeepIncreasingAfterAReopen) {
  create("q.fifo", true);
  const auto before = append("q.fifo", {message("a", at(0), {}, "g", "k1")});
  ASSERT_NO_FATAL_FAILURE(reopen());
  const auto after = append("q.fifo", {message("b", at(1), {}, "g", "k2")}, at(1));
  ASSERT_EQ(before.size(), 1u);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_LT(before[0].sequence, after[0].sequence);  // equal-length decimals
}

TEST_F(RocksDbQueueStoreTest, UpdatedQueueRecordSurvivesAReopen) {
  create("q");
  auto updated = store_->update_queue(sdk::QueueRecord{"q", false, 0, 1, "new metadata"});
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  ASSERT_NO_FATAL_FAILURE(reopen());
  auto record = store_->get_queue("q");
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->version, 2u);
  EXPECT_EQ(record->metadata, "new metadata");
  EXPECT_EQ(record->generation, updated->generation);
}

TEST_F(RocksDbQueueStoreTest, DeletedQueueStaysDeletedAfterAReopen) {
  create("q");
  append("q", {message("m")});
  ASSERT_TRUE(store_->delete_queue("q").ok());
  ASSERT_NO_FATAL_FAILURE(reopen());
  EXPECT_EQ(store_->get_queue("q").code(), sdk::ErrorCode::kQueueDoesNotExist);
  create("q");
  EXPECT_TRUE(claim("q", at(1)).empty());
}

TEST_F(RocksDbQueueStoreTest, PurgedQueueStaysEmptyAfterAReopenAndTakesNewMessages) {
  create("q");
  append("q", {message("a"), message("b"), message("c", at(0), hours(1))});
  auto purged = store_->purge("q");
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_EQ(*purged, 3u);
  ASSERT_NO_FATAL_FAILURE(reopen());
  const auto empty = counts("q", at(7'200'000));
  EXPECT_EQ(empty.visible + empty.in_flight + empty.delayed, 0u);
  append("q", {message("d", at(10))}, at(10));
  EXPECT_EQ(ids(claim("q", at(10))), std::vector<std::string>{"d"});
}

// --- FIFO paths the conformance kit does not reach
// ------------------------------------------------

TEST_F(RocksDbQueueStoreTest, ExpiringAnInFlightFifoHeadUnlocksItsGroup) {
  create("q.fifo", true);
  append("q.fifo", {message("a1", at(0), {}, "a", "k1")});
  append("q.fifo", {message("a2", at(10), {}, "a", "k2")}, at(10));
  ASSERT_EQ(ids(claim("q.fifo", at(11), 1, hours(1))), std::vector<std::string>{"a1"});
  auto expired = store_->expire("q.fifo", at(5));
  ASSERT_TRUE(expired.ok()) << expired.error().message;
  EXPECT_EQ(*expired, 1u);
  EXPECT_EQ(ids(claim("q.fifo", at(12))), std::vector<std::string>{"a2"});
}

TEST_F(RocksDbQueueStoreTest, FifoMessagesMovedBackFromTheirDeadLetterQueueKeepTheirGroupOrder) {
  create("src.fifo", true);
  create("dlq.fifo", true);
  append("src.fifo", {message("g1", at(0), {}, "g", "k1"), message("g2", at(0), {}, "g", "k2")});
  sdk::ClaimSpec spec;
  spec.now = at(0);
  spec.max_messages = 10;
  spec.visibility = sdk::Millis(0);
  spec.max_receives = 1;
  spec.dead_letter_queue = "dlq.fifo";
  ASSERT_TRUE(store_->claim("src.fifo", spec).ok());  // delivers g1 and g2 once
  spec.now = at(1);
  auto second = store_->claim("src.fifo", spec);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->dead_lettered, 2u);

  sdk::MoveSpec move;
  move.now = at(2);
  move.max_messages = 10;
  auto moved = store_->move("dlq.fifo", move);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(moved->moved, 2u);
  const auto back = claim("src.fifo", at(3), 10);
  EXPECT_EQ(ids(back), (std::vector<std::string>{"g1", "g2"}));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].group_id, "g");
  EXPECT_EQ(back[0].receive_count, 1u);
  EXPECT_TRUE(back[0].dead_letter_source.empty());
}

// --- Open errors ------------------------------------------------------------------------------

void expect_one_line_open_error(const sdk::Result<std::unique_ptr<RocksDbQueueStore>>& opened,
                                const std::string& path) {
  ASSERT_FALSE(opened.ok()) << "opening " << path << " should have failed";
  const std::string& message = opened.error().message;
  EXPECT_EQ(message.rfind("cannot open RocksDB at " + path + ": ", 0), 0u) << message;
  EXPECT_GT(message.size(), ("cannot open RocksDB at " + path + ": ").size()) << "no reason given";
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST_F(RocksDbQueueStoreTest, OpeningADatabaseThatIsAlreadyOpenFailsWithOneLineNamingTheLock) {
  auto second = RocksDbQueueStore::open(options_);
  expect_one_line_open_error(second, options_.path);
  if (!second.ok()) {
    EXPECT_NE(second.error().message.find("lock"), std::string::npos) << second.error().message;
  }
}

TEST_F(RocksDbQueueStoreTest, OpeningAPathBelowARegularFileFailsWithOneLine) {
  std::ofstream(dir_.sub("file")) << "not a directory";
  RocksDbStoreOptions options = options_;
  options.path = dir_.sub("file") + "/db";
  expect_one_line_open_error(RocksDbQueueStore::open(options), options.path);
}

TEST_F(RocksDbQueueStoreTest, OpeningADatabaseWithCorruptFilesFailsWithOneLine) {
  store_.reset();
  std::ofstream(options_.path + "/CURRENT", std::ios::trunc) << "MANIFEST-999999\n";
  expect_one_line_open_error(RocksDbQueueStore::open(options_), options_.path);
}

TEST_F(RocksDbQueueStoreTest, OpeningSomeoneElsesDatabaseFailsAndNamesTheUnknownFamily) {
  RocksDbStoreOptions options = options_;
  options.path = dir_.sub("foreign");
  {
    ::rocksdb::Options raw;
    raw.create_if_missing = true;
    ::rocksdb::DB* db = nullptr;
    ASSERT_TRUE(::rocksdb::DB::Open(raw, options.path, &db).ok());
    ::rocksdb::ColumnFamilyHandle* family = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily(::rocksdb::ColumnFamilyOptions(), "orders", &family).ok());
    ASSERT_TRUE(db->DestroyColumnFamilyHandle(family).ok());
    delete db;
  }
  auto opened = RocksDbQueueStore::open(options);
  expect_one_line_open_error(opened, options.path);
  if (!opened.ok()) {
    EXPECT_NE(opened.error().message.find("'orders'"), std::string::npos) << opened.error().message;
  }
}

// --- Cost: counts read counters, claims step over tombstones -------------------------------------

// RocksDB's per-thread perf counters around one call.
class PerfCounters {
 public:
  PerfCounters() {
    ::rocksdb::SetPerfLevel(::rocksdb::PerfLevel::kEnableCount);
    ::rocksdb::get_perf_context()->Reset();
  }
  ~PerfCounters() { ::rocksdb::SetPerfLevel(::rocksdb::PerfLevel::kDisable); }
  // Entries an iterator stepped over or onto, live or deleted.
  static std::uint64_t entries_walked() {
    const auto* perf = ::rocksdb::get_perf_context();
    return perf->next_on_memtable_count + perf->internal_key_skipped_count +
           perf->internal_delete_skipped_count;
  }
  static std::uint64_t tombstones_skipped() {
    return ::rocksdb::get_perf_context()->internal_delete_skipped_count;
  }
};

TEST_F(RocksDbQueueStoreTest, CountsReadTheCounterRecordInsteadOfScanningTheQueue) {
  create("big");
  for (int batch = 0; batch < 6; ++batch) {
    std::vector<sdk::NewMessage> messages;
    for (int i = 0; i < 500; ++i) {
      const std::string id = "m" + std::to_string(batch * 500 + i);
      messages.push_back(batch < 2 ? message(id, at(0), hours(1)) : message(id));
    }
    append("big", std::move(messages));
  }
  ASSERT_EQ(claim("big", at(1), 100, hours(1)).size(), 100u);

  PerfCounters perf;
  const auto result = counts("big", at(2));
  EXPECT_LT(PerfCounters::entries_walked(), 20u) << "counts walked the queue";
  EXPECT_EQ(result.visible, 1900u);
  EXPECT_EQ(result.in_flight, 100u);
  EXPECT_EQ(result.delayed, 1000u);
}

TEST_F(RocksDbQueueStoreTest, ClaimSeeksPastRemovedMessagesInsteadOfWalkingTheirTombstones) {
  options_.sync = false;  // 400 writes; durability is not what this test is about
  ASSERT_NO_FATAL_FAILURE(reopen());
  create("busy");
  for (int batch = 0; batch < 6; ++batch) {
    std::vector<sdk::NewMessage> messages;
    for (int i = 0; i < 500; ++i)
      messages.push_back(message("m" + std::to_string(batch * 500 + i)));
    append("busy", std::move(messages));
  }
  // All 3000 share one visible_at: only the seq part of a floor can skip the consumed ones.
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> receipts;
    for (const auto& delivery : claim("busy", at(round), 10)) receipts.push_back(delivery.receipt);
    auto removed = store_->remove("busy", std::span<const std::string>(receipts));
    ASSERT_TRUE(removed.ok() && removed->size() == 10u && removed->back().ok()) << round;
  }
  PerfCounters perf;
  const auto claimed = claim("busy", at(200), 10);
  EXPECT_EQ(claimed.size(), 10u);
  EXPECT_LT(PerfCounters::tombstones_skipped(), 100u) << "the claim walked over removed messages";
}

TEST_F(RocksDbQueueStoreTest, CountsAreExactForANowEarlierThanAnotherCallers) {
  create("q");
  append("q", {message("now"), message("soon", at(0), sdk::Millis(5))});
  ASSERT_EQ(counts("q", at(10)).visible, 2u);  // files "soon" as visible
  const auto earlier = counts("q", at(1));
  EXPECT_EQ(earlier.visible, 1u);
  EXPECT_EQ(earlier.delayed, 1u);
}

TEST_F(RocksDbQueueStoreTest, ManyMessagesBecomingVisibleAtOnceAreAllCounted) {
  create("q");
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<sdk::NewMessage> messages;
    for (int i = 0; i < 500; ++i) {
      messages.push_back(message("d" + std::to_string(batch * 500 + i), at(0), seconds(60)));
    }
    append("q", std::move(messages));
  }
  const auto later = counts("q", at(60'000));
  EXPECT_EQ(later.visible, 5000u);
  EXPECT_EQ(later.delayed, 0u);
}

// Bytes of the database's data and WAL files.
std::uintmax_t database_bytes(const std::string& path) {
  std::uintmax_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    const auto ext = entry.path().extension();
    if (ext == ".sst" || ext == ".log") total += entry.file_size();
  }
  return total;
}

TEST_F(RocksDbQueueStoreTest, AQueueEmptiedByDeletesIsCompactedByTheNextSweep) {
  options_.sync = false;  // 2,000 writes; durability is not what this test is about
  ASSERT_NO_FATAL_FAILURE(reopen());
  create("q");
  const std::string body(1024, 'x');
  for (int batch = 0; batch < 20; ++batch) {
    std::vector<sdk::NewMessage> messages;
    for (int i = 0; i < 500; ++i) {
      auto m = message("m" + std::to_string(batch * 500 + i));
      m.envelope = body;
      messages.push_back(std::move(m));
    }
    append("q", std::move(messages));
  }
  for (int round = 0; round < 1000; ++round) {
    std::vector<std::string> receipts;
    for (const auto& delivery : claim("q", at(1), 10)) receipts.push_back(delivery.receipt);
    ASSERT_EQ(receipts.size(), 10u) << round;
    ASSERT_TRUE(store_->remove("q", std::span<const std::string>(receipts)).ok());
  }
  ASSERT_EQ(counts("q", at(2)).visible + counts("q", at(2)).in_flight, 0u);
  const auto drained = database_bytes(options_.path);
  ASSERT_GT(drained, 10'000'000u) << "the messages should still take their space here";

  // The sweep expires nothing (every message is gone) but finds the queue emptied by deletes.
  auto expired = store_->expire("q", at(0) - hours(1));
  ASSERT_TRUE(expired.ok()) << expired.error().message;
  EXPECT_LT(database_bytes(options_.path), drained / 4);
  // Still a working queue.
  append("q", {message("after")});
  EXPECT_EQ(ids(claim("q", at(3))), std::vector<std::string>{"after"});
}

TEST_F(RocksDbQueueStoreTest, ExpiringMoreMessagesThanOneBatchHoldsRemovesThemAll) {
  create("q");
  for (int batch = 0; batch < 5; ++batch) {
    std::vector<sdk::NewMessage> messages;
    for (int i = 0; i < 500; ++i)
      messages.push_back(message("e" + std::to_string(batch * 500 + i)));
    append("q", std::move(messages));
  }
  append("q", {message("young", at(100))});
  auto expired = store_->expire("q", at(50));
  ASSERT_TRUE(expired.ok()) << expired.error().message;
  EXPECT_EQ(*expired, 2500u);
  EXPECT_EQ(ids(claim("q", at(200))), std::vector<std::string>{"young"});
}

}  // namespace
}  // namespace sluice::plugins::rocksdb::testing
