// check_and_rewrap_data_keys: the start-up check of the store's data keys against the configured
// master keys, and master-key rotation.
#include "sluice/core/data_key_rotation.hpp"

#include <gtest/gtest.h>

#include <map>

#include "broker_test_support.hpp"
#include "data_key_ring.hpp"
#include "encryption_test_support.hpp"
#include "envelope_codec.hpp"
#include "envelope_sealer.hpp"
#include "queue_metadata_codec.hpp"

namespace sluice::core::testing {
namespace {

const std::string kBody = "rotation marker body";

class DataKeyRotationTest : public ::testing::Test {
 protected:
  DataKeyRotationTest() {
    for (const char* name : {"a", "b", "dlq", "plain"}) {
      sdk::QueueRecord record;
      record.name = name;
      record.generation = 7;
      record.metadata = encode_queue_metadata(QueueMetadata{});
      EXPECT_TRUE(store_->create_queue(record).ok());
    }
  }

  static QueueSettings settings(const std::string& name) {
    QueueSettings s;
    s.name = name;
    s.generation = 7;
    return s;
  }

  EnvelopeSealer sealer(std::shared_ptr<sdk::PayloadCipher> cipher) {
    return EnvelopeSealer(std::move(cipher), store_, clock_, logger_);
  }

  // Seals one message into each of a and b under master key A, and copies a's key to dlq.
  void seal_under_old_master() {
    auto old_sealer = sealer(local_cipher(old_master_));
    for (const char* queue : {"a", "b"}) {
      sdk::SendEntry entry;
      entry.body = kBody;
      EnvelopeStamp stamp;
      stamp.message_id = std::string("m-") + queue;
      auto sealed = old_sealer.seal(settings(queue), encode_envelope(entry, stamp));
      ASSERT_TRUE(sealed.ok()) << sealed.error().message;
      sealed_[queue] = *sealed;
    }
    ASSERT_TRUE(old_sealer.share_keys("a", "dlq").ok());
  }

  std::vector<std::string> master_ids_in_store() {
    std::vector<std::string> ids;
    for (const char* queue : {"a", "b", "dlq", "plain"}) {
      auto ring = read_key_ring(*store_, queue);
      EXPECT_TRUE(ring.ok());
      if (!ring.ok()) continue;
      for (const auto& key : ring->keys) ids.push_back(key.master_key_id);
    }
    return ids;
  }

  KeyFolder keys_;
  std::filesystem::path old_master_ = keys_.write_hex_key("old.key", 0x41);
  std::filesystem::path new_master_ = keys_.write_hex_key("new.key", 0x42);
  std::shared_ptr<plugins::memory::MemoryQueueStore> store_ =
      std::make_shared<plugins::memory::MemoryQueueStore>();
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::shared_ptr<RecordingLogger> logger_ = std::make_shared<RecordingLogger>();
  std::map<std::string, std::string> sealed_;
};

TEST_F(DataKeyRotationTest, AStoreWithoutDataKeysPassesTheCheck) {
  auto report = check_and_rewrap_data_keys(*store_, *local_cipher(new_master_));
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->queues, 4u);
  EXPECT_EQ(report->keys, 0u);
  EXPECT_EQ(report->rewrapped, 0u);
}

TEST_F(DataKeyRotationTest, TheCheckRefusesKeysOfAMasterKeyThatIsNotConfigured) {
  seal_under_old_master();
  auto old_id = local_cipher(old_master_)->current_master_key_id();
  auto report = check_and_rewrap_data_keys(*store_, *local_cipher(new_master_));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.code(), sdk::ErrorCode::kAccessDenied);
  EXPECT_NE(report.error().message.find("queue a: data key dk-"), std::string::npos)
      << report.error().message;
  EXPECT_NE(report.error().message.find("(master key " + old_id + ")"), std::string::npos);
}

TEST_F(DataKeyRotationTest, TheCheckWithTheRightMasterKeyChangesNothing) {
  seal_under_old_master();
  const auto before = master_ids_in_store();
  auto report = check_and_rewrap_data_keys(*store_, *local_cipher(old_master_));
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->keys, 3u);
  EXPECT_EQ(report->rewrapped, 0u);
  EXPECT_EQ(master_ids_in_store(), before);
}

TEST_F(DataKeyRotationTest, RotationRewrapsEveryDataKeyUnderTheNewMasterKey) {
  seal_under_old_master();
  auto rotating = local_cipher(new_master_, {old_master_});
  auto report = check_and_rewrap_data_keys(*store_, *rotating);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->keys, 3u);
  EXPECT_EQ(report->rewrapped, 3u);
  const auto ids = master_ids_in_store();
  ASSERT_EQ(ids.size(), 3u);
  for (const auto& id : ids) EXPECT_EQ(id, rotating->current_master_key_id());
}

TEST_F(DataKeyRotationTest, AfterRotationOldMessagesOpenWithoutTheOldMasterKey) {
  seal_under_old_master();
  ASSERT_TRUE(check_and_rewrap_data_keys(*store_, *local_cipher(new_master_, {old_master_})).ok());

  auto new_only = local_cipher(new_master_);
  auto report = check_and_rewrap_data_keys(*store_, *new_only);
  ASSERT_TRUE(report.ok()) << report.error().message;
  auto opener = sealer(new_only);
  for (const char* queue : {"a", "b"}) {
    sdk::Delivery delivery;
    delivery.message_id = std::string("m-") + queue;
    delivery.envelope = sealed_[queue];
    auto opened = opener.open_delivery(settings(queue), delivery);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(opened->body, kBody);
  }
  sdk::Delivery dead_lettered;
  dead_lettered.message_id = "m-a";
  dead_lettered.envelope = sealed_["a"];
  dead_lettered.dead_letter_source = "a";
  auto opened = opener.open_delivery(settings("dlq"), dead_lettered);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
}

TEST_F(DataKeyRotationTest, AnAlteredWrappedKeyStopsTheCheck) {
  seal_under_old_master();
  ASSERT_TRUE(update_key_ring(*store_, "b", [](std::vector<StoredDataKey>& keys) {
                keys.at(0).wrapped[20] = static_cast<char>(keys.at(0).wrapped[20] ^ 0x01);
                return sdk::Result<bool>(true);
              }).ok());
  auto report = check_and_rewrap_data_keys(*store_, *local_cipher(old_master_));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.code(), sdk::ErrorCode::kInvalidMessageContents);
  EXPECT_NE(report.error().message.find("queue b: data key"), std::string::npos);
}

}  // namespace
}  // namespace sluice::core::testing
