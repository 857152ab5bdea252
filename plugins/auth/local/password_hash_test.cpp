#include "password_hash.hpp"

#include <gtest/gtest.h>

namespace sluice::plugins::auth_local {
namespace {

// The minimum iteration count keeps these tests fast; the format is the same.
constexpr std::uint32_t kFast = kMinPasswordIterations;

TEST(PasswordHash, TheRightPasswordVerifies) {
  auto hash = hash_password("correct horse", kFast);
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(verify_password("correct horse", *hash));
}

TEST(PasswordHash, AWrongPasswordDoesNotVerify) {
  auto hash = hash_password("correct horse", kFast);
  ASSERT_TRUE(hash.ok());
  EXPECT_FALSE(verify_password("correct horsE", *hash));
  EXPECT_FALSE(verify_password("", *hash));
}

TEST(PasswordHash, EachHashHasItsOwnSalt) {
  auto a = hash_password("same", kFast);
  auto b = hash_password("same", kFast);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

TEST(PasswordHash, TheFormatNamesSchemeAndIterations) {
  auto hash = hash_password("pw", kFast);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("pbkdf2-sha256$10000$", 0), 0u) << *hash;
  EXPECT_TRUE(check_password_hash(*hash).ok());
}

// The expected key was computed independently with Python's
// hashlib.pbkdf2_hmac("sha256", b"passwd", b"saltsalt", 10000); the salt is "saltsalt" in hex.
TEST(PasswordHash, DerivesTheStandardPbkdf2Key) {
  EXPECT_TRUE(verify_password("passwd",
                              "pbkdf2-sha256$10000$73616c7473616c74$"
                              "5f5827cb98250099c43d94703b7105654d5968981b2b2aa97c3833d3f6ddcce5"));
}

TEST(PasswordHash, MalformedHashesAreRejectedWithoutEchoingThem) {
  for (const char* bad : {"", "sha1$1$00$00", "pbkdf2-sha256$12$0011223344556677$" /*key*/,
                          "pbkdf2-sha256$x$0011223344556677$00", "pbkdf2-sha256$10000$zz$00"}) {
    auto status = check_password_hash(bad);
    ASSERT_FALSE(status.ok()) << bad;
    if (*bad != '\0') {
      EXPECT_EQ(status.error().message.find(bad), std::string::npos);
    }
    EXPECT_FALSE(verify_password("x", bad));
  }
}

}  // namespace
}  // namespace sluice::plugins::auth_local
