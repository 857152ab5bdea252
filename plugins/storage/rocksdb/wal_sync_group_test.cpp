// WalSyncGroup: durable writes made without sync wait for one shared WAL sync, and a wait never
// returns before a sync that started after its write.
#include "wal_sync_group.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "rocksdb_test_dir.hpp"

namespace sluice::plugins::rocksdb {
namespace {

class WalSyncGroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    rdb::Options options;
    options.create_if_missing = true;
    rdb::DB* db = nullptr;
    ASSERT_TRUE(rdb::DB::Open(options, dir_.path(), &db).ok());
    db_.reset(db);
    group_ = std::make_unique<WalSyncGroup>(*db_);
  }

  // An unsynced write followed by its ticket, as Database::write_deferred does.
  std::uint64_t write(const std::string& key) {
    rdb::WriteOptions unsynced;
    unsynced.sync = false;
    EXPECT_TRUE(db_->Put(unsynced, key, "v").ok());
    return group_->note_write();
  }

  testing::ScratchDirectory dir_;
  std::unique_ptr<rdb::DB> db_;
  std::unique_ptr<WalSyncGroup> group_;
};

TEST_F(WalSyncGroupTest, AWaitRunsASyncForAWriteNotYetCovered) {
  EXPECT_TRUE(group_->wait(write("a")).ok());
  EXPECT_EQ(group_->syncs(), 1u);
  EXPECT_TRUE(group_->wait(write("b")).ok());
  EXPECT_EQ(group_->syncs(), 2u);
}

TEST_F(WalSyncGroupTest, OneSyncCoversEveryWriteNotedBeforeItStarted) {
  const auto first = write("a");
  const auto second = write("b");
  EXPECT_TRUE(group_->wait(second).ok());
  EXPECT_TRUE(group_->wait(first).ok());
  EXPECT_EQ(group_->syncs(), 1u);
}

TEST_F(WalSyncGroupTest, ConcurrentWritersShareSyncs) {
  constexpr int kThreads = 8;
  constexpr int kWrites = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        if (!group_->wait(write(std::to_string(t) + "/" + std::to_string(i))).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LT(group_->syncs(), static_cast<std::uint64_t>(kThreads * kWrites));  // shared
  EXPECT_GE(group_->syncs(), 1u);
  std::string value;
  EXPECT_TRUE(db_->Get(rdb::ReadOptions(), "7/39", &value).ok());
}

}  // namespace
}  // namespace sluice::plugins::rocksdb
