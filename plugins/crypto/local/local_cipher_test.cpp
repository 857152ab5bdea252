#include "local_cipher.hpp"

#include <gtest/gtest.h>

#include "file_key_provider.hpp"
#include "test_key_files.hpp"

namespace sluice::plugins::local_crypto {
namespace {

using testing::KeyFolder;

const std::string kBody = "the quick brown fox: a secret marker 7f3a";

class LocalCipherTest : public ::testing::Test {
 protected:
  // A cipher whose master key is `current`, with `previous` for rotation.
  std::unique_ptr<LocalCipher> cipher(const std::filesystem::path& current,
                                      std::vector<std::filesystem::path> previous = {}) {
    auto provider = FileKeyProvider::open(current, previous);
    EXPECT_TRUE(provider.ok()) << provider.error().message;
    if (!provider.ok()) return nullptr;
    return std::make_unique<LocalCipher>(std::move(provider).value());
  }

  std::shared_ptr<const sdk::DataKey> new_key(LocalCipher& c) {
    auto key = c.generate_data_key();
    EXPECT_TRUE(key.ok());
    return key.ok() ? *key : nullptr;
  }

  KeyFolder keys_;
  std::filesystem::path master_ = keys_.write_hex_key("master.key", 0x21);
};

TEST_F(LocalCipherTest, ASealedPayloadOpensWithTheSameKeyAndContext) {
  auto c = cipher(master_);
  auto key = new_key(*c);
  auto sealed = c->seal(*key, "queue-a/msg-1", kBody);
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;
  auto opened = c->open(*key, "queue-a/msg-1", *sealed);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, kBody);
}

TEST_F(LocalCipherTest, AnEmptyPayloadRoundTrips) {
  auto c = cipher(master_);
  auto key = new_key(*c);
  auto sealed = c->seal(*key, "ctx", "");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), 49u);
  EXPECT_EQ(c->open(*key, "ctx", *sealed).value(), "");
}

TEST_F(LocalCipherTest, ASealedPayloadDoesNotContainThePlaintext) {
  auto c = cipher(master_);
  auto key = new_key(*c);
  auto sealed = c->seal(*key, "ctx", kBody);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->find("secret marker"), std::string::npos);
  EXPECT_EQ(sealed->size(), kBody.size() + 49u);
}

TEST_F(LocalCipherTest, SealingTheSamePlaintextTwiceGivesDifferentBytes) {
  auto c = cipher(master_);
  auto key = new_key(*c);
  EXPECT_NE(c->seal(*key, "ctx", kBody).value(), c->seal(*key, "ctx", kBody).value());
}

TEST_F(LocalCipherTest, FlippingAnyByteOfASealedPayloadMakesOpenFail) {
  auto c = cipher(master_);
  auto key = new_key(*c);
  const std::string sealed = c->seal(*key, "ctx", "short body").value();
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x80);
    auto opened = c->open(*key, "ctx", tampered);
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    EXPECT_EQ(opened.code(), sdk::ErrorCode::kInvalidMessageContents);
  }
}

TEST_F(LocalCipherTest, ATruncatedPayloadFailsToOpen) {
  auto c = cipher(master_);
  auto key = new_key(*c);
  const std::string sealed = c->seal(*key, "ctx", kBody).value();
  EXPECT_FALSE(c->open(*key, "ctx", sealed.substr(0, sealed.size() - 1)).ok());
  EXPECT_FALSE(c->open(*key, "ctx", sealed.substr(0, 20)).ok());
}

TEST_F(LocalCipherTest, APayloadSealedForOneQueueFailsToOpenForAnother) {
  auto c = cipher(master_);
  auto key = new_key(*c);
  const std::string sealed = c->seal(*key, std::string("queue-a\0msg-1", 13), kBody).value();
  auto opened = c->open(*key, std::string("queue-b\0msg-1", 13), sealed);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.code(), sdk::ErrorCode::kInvalidMessageContents);
}

TEST_F(LocalCipherTest, APayloadFailsToOpenWithAnotherDataKey) {
  auto c = cipher(master_);
  auto key = new_key(*c);
  auto other = new_key(*c);
  const std::string sealed = c->seal(*key, "ctx", kBody).value();
  EXPECT_EQ(c->open(*other, "ctx", sealed).code(), sdk::ErrorCode::kInvalidMessageContents);
}

TEST_F(LocalCipherTest, AWrappedDataKeyUnwrapsToTheSameKey) {
  auto c = cipher(master_);
  auto key = new_key(*c);
  auto wrapped = c->wrap(*key, "holder");
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(wrapped->master_key_id, c->current_master_key_id());
  auto unwrapped = c->unwrap(*wrapped, "holder");
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.error().message;
  const std::string sealed = c->seal(*key, "ctx", kBody).value();
  EXPECT_EQ(c->open(**unwrapped, "ctx", sealed).value(), kBody);
}

TEST_F(LocalCipherTest, AWrappedDataKeyDoesNotUnwrapUnderTheWrongMasterKey) {
  auto right = cipher(master_);
  auto wrong = cipher(keys_.write_hex_key("wrong.key", 0x22));
  auto key = new_key(*right);
  auto wrapped = right->wrap(*key, "holder").value();
  EXPECT_FALSE(wrong->has_master_key(wrapped.master_key_id));
  EXPECT_EQ(wrong->unwrap(wrapped, "holder").code(), sdk::ErrorCode::kAccessDenied);
  // Relabelled as if the wrong key had wrapped it: authentication still fails.
  wrapped.master_key_id = wrong->current_master_key_id();
  EXPECT_EQ(wrong->unwrap(wrapped, "holder").code(), sdk::ErrorCode::kInvalidMessageContents);
}

TEST_F(LocalCipherTest, AWrappedDataKeyDoesNotUnwrapInAnotherContext) {
  auto c = cipher(master_);
  auto wrapped = c->wrap(*new_key(*c), "queue-a").value();
  EXPECT_EQ(c->unwrap(wrapped, "queue-b").code(), sdk::ErrorCode::kInvalidMessageContents);
}

TEST_F(LocalCipherTest, RotationRewrapKeepsOldMessagesReadableWithoutTheOldMasterKey) {
  // Before: master A wraps the data key that sealed a message.
  auto before = cipher(master_);
  auto key = new_key(*before);
  const auto wrapped_a = before->wrap(*key, "holder").value();
  const std::string sealed = before->seal(*key, "ctx", kBody).value();

  // Rotation: master B with A as a previous key re-wraps the data key; the message is untouched.
  const auto master_b = keys_.write_hex_key("b.key", 0x23);
  auto rotating = cipher(master_b, {master_});
  ASSERT_TRUE(rotating->has_master_key(wrapped_a.master_key_id));
  auto unwrapped = rotating->unwrap(wrapped_a, "holder");
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.error().message;
  const auto wrapped_b = rotating->wrap(**unwrapped, "holder").value();
  EXPECT_NE(wrapped_b.master_key_id, wrapped_a.master_key_id);

  // After: B alone opens the old message; A's wrapping is no longer usable.
  auto after = cipher(master_b);
  auto key_after = after->unwrap(wrapped_b, "holder");
  ASSERT_TRUE(key_after.ok()) << key_after.error().message;
  EXPECT_EQ(after->open(**key_after, "ctx", sealed).value(), kBody);
  EXPECT_FALSE(after->has_master_key(wrapped_a.master_key_id));
  EXPECT_EQ(after->unwrap(wrapped_a, "holder").code(), sdk::ErrorCode::kAccessDenied);
}

}  // namespace
}  // namespace sluice::plugins::local_crypto
