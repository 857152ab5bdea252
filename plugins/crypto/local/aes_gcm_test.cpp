#include "aes_gcm.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::plugins::local_crypto {
namespace {

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

const std::string kKey(32, '\x42');
const std::string kNonce(12, '\x07');

std::string seal(const std::string& key, const std::string& nonce, const std::string& aad,
                 const std::string& plaintext) {
  std::string out;
  EXPECT_TRUE(gcm_seal(key, nonce, aad, plaintext, out).ok());
  return out;
}

TEST(AesGcm, MatchesTheGcmSpecificationTestCase14) {
  // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 14: AES-256, zero key and
  // IV, one zero block.
  const std::string out =
      seal(std::string(32, '\0'), std::string(12, '\0'), "", std::string(16, '\0'));
  EXPECT_EQ(to_hex(out), "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919");
}

TEST(AesGcm, SealThenOpenReturnsThePlaintext) {
  const std::string sealed = seal(kKey, kNonce, "context", "hello, world");
  auto opened = gcm_open(kKey, kNonce, "context", sealed);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, "hello, world");
}

TEST(AesGcm, AppendsToWhatTheOutputAlreadyHolds) {
  std::string out = "header";
  ASSERT_TRUE(gcm_seal(kKey, kNonce, "", "abc", out).ok());
  EXPECT_EQ(out.substr(0, 6), "header");
  EXPECT_EQ(out.size(), 6u + 3u + kGcmTagBytes);
}

TEST(AesGcm, OpenFailsWhenAnyByteIsFlipped) {
  const std::string sealed = seal(kKey, kNonce, "context", "some secret text");
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    auto opened = gcm_open(kKey, kNonce, "context", tampered);
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    EXPECT_EQ(opened.code(), sdk::ErrorCode::kInvalidMessageContents);
  }
}

TEST(AesGcm, OpenFailsWithOtherAssociatedData) {
  const std::string sealed = seal(kKey, kNonce, "queue-a", "text");
  EXPECT_EQ(gcm_open(kKey, kNonce, "queue-b", sealed).code(),
            sdk::ErrorCode::kInvalidMessageContents);
}

TEST(AesGcm, OpenFailsWithAnotherKey) {
  const std::string sealed = seal(kKey, kNonce, "", "text");
  EXPECT_EQ(gcm_open(std::string(32, '\x43'), kNonce, "", sealed).code(),
            sdk::ErrorCode::kInvalidMessageContents);
}

TEST(AesGcm, RefusesAKeyThatIsNot32Bytes) {
  std::string out;
  EXPECT_FALSE(gcm_seal(std::string(16, 'k'), kNonce, "", "text", out).ok());
}

TEST(Hkdf, MatchesRfc5869TestCase1) {
  auto okm = hkdf_sha256(std::string(22, '\x0b'), from_hex("000102030405060708090a0b0c"),
                         from_hex("f0f1f2f3f4f5f6f7f8f9"), 42);
  ASSERT_TRUE(okm.ok());
  EXPECT_EQ(to_hex(*okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(RandomBytes, TwoDrawsDiffer) {
  auto a = random_bytes(32);
  auto b = random_bytes(32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace sluice::plugins::local_crypto
