#include "file_key_provider.hpp"

#include <gtest/gtest.h>

#include "test_key_files.hpp"

namespace sluice::plugins::local_crypto {
namespace {

using testing::KeyFolder;

const std::string kDataKey(32, '\x11');

TEST(FileKeyProvider, ReadsAKeyWrittenAsHexDigits) {
  KeyFolder keys;
  auto provider = FileKeyProvider::open(keys.write_hex_key("master.key", 0xab), {});
  ASSERT_TRUE(provider.ok()) << provider.error().message;
  EXPECT_EQ((*provider)->current_key_id(),
            FileKeyProvider::key_id_of(std::string(32, '\xab')).value());
}

TEST(FileKeyProvider, ReadsAKeyWrittenAsRawBytes) {
  KeyFolder keys;
  auto provider = FileKeyProvider::open(keys.write("master.key", std::string(32, '\xab')), {});
  ASSERT_TRUE(provider.ok()) << provider.error().message;
  EXPECT_EQ((*provider)->current_key_id(),
            FileKeyProvider::key_id_of(std::string(32, '\xab')).value());
}

TEST(FileKeyProvider, KeyIdsNameTheKeyNotTheFile) {
  KeyFolder keys;
  auto a = FileKeyProvider::open(keys.write_hex_key("a.key", 1), {});
  auto same = FileKeyProvider::open(keys.write_hex_key("b.key", 1), {});
  auto other = FileKeyProvider::open(keys.write_hex_key("c.key", 2), {});
  ASSERT_TRUE(a.ok() && same.ok() && other.ok());
  EXPECT_EQ((*a)->current_key_id(), (*same)->current_key_id());
  EXPECT_NE((*a)->current_key_id(), (*other)->current_key_id());
  EXPECT_EQ((*a)->current_key_id().rfind("local:", 0), 0u);
  EXPECT_EQ((*a)->current_key_id().size(), 6u + 16u);
}

TEST(FileKeyProvider, RefusesAMissingFileNamingIt) {
  KeyFolder keys;
  auto provider = FileKeyProvider::open(keys.path() / "nope.key", {});
  ASSERT_FALSE(provider.ok());
  EXPECT_EQ(provider.error().message,
            "master key file " + (keys.path() / "nope.key").string() + ": no such file");
}

TEST(FileKeyProvider, RefusesAFileEveryUserCanRead) {
  KeyFolder keys;
  const auto file = keys.write("open.key", std::string(64, 'a'), 0644);
  auto provider = FileKeyProvider::open(file, {});
  ASSERT_FALSE(provider.ok());
  EXPECT_NE(provider.error().message.find("readable by every user (mode 0644)"), std::string::npos)
      << provider.error().message;
}

TEST(FileKeyProvider, RefusesAFileThatIsNotAKey) {
  KeyFolder keys;
  auto provider = FileKeyProvider::open(keys.write("short.key", "0123456789abcdef\n"), {});
  ASSERT_FALSE(provider.ok());
  EXPECT_NE(provider.error().message.find("expected 32 raw bytes or 64 hex digits"),
            std::string::npos);
  auto not_hex = FileKeyProvider::open(keys.write("x.key", std::string(64, 'x')), {});
  EXPECT_FALSE(not_hex.ok());
}

TEST(FileKeyProvider, RefusesAMissingPreviousKeyFile) {
  KeyFolder keys;
  auto provider =
      FileKeyProvider::open(keys.write_hex_key("new.key", 2), {keys.path() / "old.key"});
  ASSERT_FALSE(provider.ok());
  EXPECT_NE(provider.error().message.find("old.key: no such file"), std::string::npos);
}

TEST(FileKeyProvider, WrapThenUnwrapReturnsTheKey) {
  KeyFolder keys;
  auto provider = FileKeyProvider::open(keys.write_hex_key("master.key", 3), {});
  ASSERT_TRUE(provider.ok());
  auto wrapped = (*provider)->wrap(kDataKey, "queue-a");
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(wrapped->size(), 61u);
  EXPECT_EQ(wrapped->find(kDataKey), std::string::npos);
  auto unwrapped = (*provider)->unwrap((*provider)->current_key_id(), *wrapped, "queue-a");
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.error().message;
  EXPECT_EQ(*unwrapped, kDataKey);
}

TEST(FileKeyProvider, UnwrapFailsUnderAnotherContext) {
  KeyFolder keys;
  auto provider = FileKeyProvider::open(keys.write_hex_key("master.key", 3), {});
  ASSERT_TRUE(provider.ok());
  auto wrapped = (*provider)->wrap(kDataKey, "queue-a");
  ASSERT_TRUE(wrapped.ok());
  auto unwrapped = (*provider)->unwrap((*provider)->current_key_id(), *wrapped, "queue-b");
  ASSERT_FALSE(unwrapped.ok());
  EXPECT_EQ(unwrapped.code(), sdk::ErrorCode::kInvalidMessageContents);
}

TEST(FileKeyProvider, UnwrapUnderAMasterKeyItDoesNotHoldIsAccessDenied) {
  KeyFolder keys;
  auto old_provider = FileKeyProvider::open(keys.write_hex_key("old.key", 4), {});
  auto new_provider = FileKeyProvider::open(keys.write_hex_key("new.key", 5), {});
  ASSERT_TRUE(old_provider.ok() && new_provider.ok());
  auto wrapped = (*old_provider)->wrap(kDataKey, "q");
  ASSERT_TRUE(wrapped.ok());
  auto unwrapped = (*new_provider)->unwrap((*old_provider)->current_key_id(), *wrapped, "q");
  ASSERT_FALSE(unwrapped.ok());
  EXPECT_EQ(unwrapped.code(), sdk::ErrorCode::kAccessDenied);
  EXPECT_NE(unwrapped.error().message.find((*new_provider)->current_key_id()), std::string::npos);
}

TEST(FileKeyProvider, PreviousKeysUnwrapButWrapUsesTheCurrentKey) {
  KeyFolder keys;
  const auto old_file = keys.write_hex_key("old.key", 6);
  auto old_provider = FileKeyProvider::open(old_file, {});
  ASSERT_TRUE(old_provider.ok());
  auto wrapped_old = (*old_provider)->wrap(kDataKey, "q");
  ASSERT_TRUE(wrapped_old.ok());

  auto rotating = FileKeyProvider::open(keys.write_hex_key("new.key", 7), {old_file});
  ASSERT_TRUE(rotating.ok());
  const auto old_id = (*old_provider)->current_key_id();
  EXPECT_NE((*rotating)->current_key_id(), old_id);
  EXPECT_EQ((*rotating)->key_ids().size(), 2u);
  auto unwrapped = (*rotating)->unwrap(old_id, *wrapped_old, "q");
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.error().message;
  EXPECT_EQ(*unwrapped, kDataKey);
  auto rewrapped = (*rotating)->wrap(*unwrapped, "q");
  ASSERT_TRUE(rewrapped.ok());
  EXPECT_EQ((*rotating)->unwrap((*rotating)->current_key_id(), *rewrapped, "q").value(), kDataKey);
  EXPECT_FALSE((*rotating)->unwrap(old_id, *rewrapped, "q").ok());
}

}  // namespace
}  // namespace sluice::plugins::local_crypto
