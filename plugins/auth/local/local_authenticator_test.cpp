#include "local_authenticator.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "capturing_logger.hpp"
#include "password_hash.hpp"
#include "sigv4_signer.hpp"

namespace sluice::plugins::auth_local {
namespace {

using sdk::ErrorCode;
using std::chrono::seconds;

constexpr const char* kAliceSecret = "alice-secret-0000000001";
constexpr const char* kOrders = "arn:aws:sqs:us-east-1:000000000000:orders";
constexpr const char* kOwner = "000000000000";
constexpr const char* kStringToSign =
    "AWS4-HMAC-SHA256\n20261124T120000Z\n20261124/us-east-1/sqs/aws4_request\nabc";

std::string users_text() {
  const std::string hash = *hash_password("bob-password", kMinPasswordIterations);
  return R"(
[[user]]
name = "alice"
account = "000000000000"
access_keys = [
  { id = "AKIDALICE", secret = "alice-secret-0000000001" },
  { id = "AKIDOLD", secret = "old-secret-000000000001", active = false },
]
statement = [
  { effect = "Allow", action = "sqs:*", resource = "*" },
  { effect = "Deny", action = "sqs:DeleteQueue", resource = "*" },
]

[[user]]
name = "bob"
account = "111111111111"
password_hash = ")" +
         hash + R"("
access_keys = [ { id = "AKIDBOB", secret = "bob-secret-00000000001" } ]
statement = [ { effect = "Allow", action = "sqs:SendMessage", resource = "*" } ]

[[user]]
name = "carol"
account = "000000000000"
access_keys = [ { id = "AKIDCAROL", secret = "carol-secret-000000001" } ]
)";
}

class LocalAuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("sluice-users-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml");
    write(users_text());
    LocalAuthOptions options;
    options.users_file = path_;
    options.limiter = {3, 6, 100};
    auto made = LocalAuthenticator::create(options, logger_, [this] { return now_; });
    ASSERT_TRUE(made.ok()) << made.error().message;
    auth_ = std::move(made).value();
  }
  void TearDown() override { std::filesystem::remove(path_); }

  void write(const std::string& text) {
    std::ofstream out(path_, std::ios::trunc);
    out << text;
  }

  static sdk::Credentials sigv4(const std::string& key, const std::string& secret,
                                const std::string& peer = "10.0.0.1") {
    sdk::Credentials c;
    c.mechanism = "AWS4-HMAC-SHA256";
    c.identity = key;
    c.peer_address = peer;
    c.parts = {
        {"string_to_sign", kStringToSign},
        {"signature", sigv4_signature(secret, {"20261124", "us-east-1", "sqs"}, kStringToSign)},
        {"date", "20261124"},
        {"region", "us-east-1"},
        {"service", "sqs"}};
    return c;
  }
  static sdk::Credentials plain(const std::string& user, const std::string& password) {
    return sdk::Credentials{"PLAIN", user, password, {}, "10.0.0.2"};
  }
  sdk::Principal principal(const std::string& key) {
    auto p = auth_->authenticate(sigv4(key, key == "AKIDBOB"     ? "bob-secret-00000000001"
                                            : key == "AKIDCAROL" ? "carol-secret-000000001"
                                                                 : kAliceSecret));
    EXPECT_TRUE(p.ok());
    return p.ok() ? *p : sdk::Principal{};
  }
  sdk::Status access(const sdk::Principal& who, const std::string& action,
                     const std::string& queue_policy = "") {
    sdk::AccessRequest request;
    request.principal = who;
    request.action = action;
    request.resource = kOrders;
    request.resource_owner = kOwner;
    request.resource_policy = queue_policy;
    return auth_->authorize_access(request);
  }

  std::filesystem::path path_;
  testing::CapturingLogger logger_;
  std::chrono::steady_clock::time_point now_{};
  std::unique_ptr<LocalAuthenticator> auth_;
};

TEST_F(LocalAuthenticatorTest, AGoodSignatureYieldsTheUsersPrincipal) {
  auto p = auth_->authenticate(sigv4("AKIDALICE", kAliceSecret));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->id, "alice");
  EXPECT_EQ(p->account, "000000000000");
  EXPECT_EQ(p->arn, "arn:aws:iam::000000000000:user/alice");
}

TEST_F(LocalAuthenticatorTest, AnUnknownKeyFailsAuthentication) {
  EXPECT_EQ(auth_->authenticate(sigv4("AKIDNOBODY", kAliceSecret)).code(),
            ErrorCode::kAuthenticationFailed);
}

TEST_F(LocalAuthenticatorTest, AWrongSecretIsASignatureMismatch) {
  EXPECT_EQ(auth_->authenticate(sigv4("AKIDALICE", "not-alices-secret-000")).code(),
            ErrorCode::kSignatureMismatch);
}

TEST_F(LocalAuthenticatorTest, AnInactiveKeyIsRefusedLikeAnUnknownOne) {
  EXPECT_EQ(auth_->authenticate(sigv4("AKIDOLD", "old-secret-000000000001")).code(),
            ErrorCode::kAuthenticationFailed);
}

TEST_F(LocalAuthenticatorTest, APlainPasswordIsCheckedAgainstItsHash) {
  auto good = auth_->authenticate(plain("bob", "bob-password"));
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(good->account, "111111111111");
  EXPECT_EQ(auth_->authenticate(plain("bob", "bob-passwore")).code(),
            ErrorCode::kAuthenticationFailed);
  EXPECT_EQ(auth_->authenticate(plain("alice", "")).code(), ErrorCode::kAuthenticationFailed);
}

TEST_F(LocalAuthenticatorTest, AnAddressOverItsFailureLimitIsThrottledEvenWithGoodCredentials) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(auth_->authenticate(sigv4("AKIDALICE", "wrong-secret-00000000")).ok());
  }
  EXPECT_EQ(auth_->authenticate(sigv4("AKIDALICE", kAliceSecret)).code(), ErrorCode::kThrottled);
  EXPECT_TRUE(auth_->authenticate(sigv4("AKIDALICE", kAliceSecret, "10.9.9.9")).ok());
  now_ += seconds(10);  // refill: 6 per minute
  EXPECT_TRUE(auth_->authenticate(sigv4("AKIDALICE", kAliceSecret)).ok());
}

TEST_F(LocalAuthenticatorTest, FailuresAreLoggedWithoutSecrets) {
  EXPECT_FALSE(auth_->authenticate(sigv4("AKIDALICE", "wrong-secret-00000000")).ok());
  EXPECT_FALSE(auth_->authenticate(plain("bob", "hunter2-password")).ok());
  const std::string log = logger_.all();
  EXPECT_NE(log.find("identity=AKIDALICE peer=10.0.0.1"), std::string::npos) << log;
  EXPECT_NE(log.find("identity=bob peer=10.0.0.2"), std::string::npos) << log;
  EXPECT_EQ(log.find("wrong-secret"), std::string::npos) << log;
  EXPECT_EQ(log.find("hunter2"), std::string::npos) << log;
  EXPECT_EQ(log.find(kAliceSecret), std::string::npos) << log;
}

TEST_F(LocalAuthenticatorTest, ReloadPicksUpANewKey) {
  EXPECT_FALSE(auth_->authenticate(sigv4("AKIDNEW", "new-secret-000000000001")).ok());
  write(users_text() + R"(
[[user]]
name = "dave"
account = "000000000000"
access_keys = [ { id = "AKIDNEW", secret = "new-secret-000000000001" } ]
)");
  ASSERT_TRUE(auth_->reload().ok());
  EXPECT_TRUE(auth_->authenticate(sigv4("AKIDNEW", "new-secret-000000000001")).ok());
}

TEST_F(LocalAuthenticatorTest, AFailedReloadKeepsTheUsersInForce) {
  write("[[user]]\nname = \n");
  auto status = auth_->reload();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("stay in force"), std::string::npos);
  EXPECT_TRUE(auth_->authenticate(sigv4("AKIDALICE", kAliceSecret)).ok());
}

TEST_F(LocalAuthenticatorTest, SecretForReturnsOnlyActiveKeys) {
  EXPECT_EQ(*auth_->secret_for("AKIDALICE"), kAliceSecret);
  EXPECT_FALSE(auth_->secret_for("AKIDOLD").ok());
  EXPECT_FALSE(auth_->secret_for("AKIDNOBODY").ok());
}

TEST_F(LocalAuthenticatorTest, TheOwnersUserPolicyDecidesForTheOwnerAccount) {
  const auto alice = principal("AKIDALICE");
  EXPECT_TRUE(access(alice, "sqs:SendMessage").ok());
  EXPECT_EQ(access(alice, "sqs:DeleteQueue").code(), ErrorCode::kAccessDenied);
}

TEST_F(LocalAuthenticatorTest, WithoutAnyPolicyEverythingIsDenied) {
  EXPECT_EQ(access(principal("AKIDCAROL"), "sqs:SendMessage").code(), ErrorCode::kAccessDenied);
}

TEST_F(LocalAuthenticatorTest, AQueuePolicyAllowCoversAnOwnerAccountUser) {
  const std::string policy = R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":
      "arn:aws:iam::000000000000:user/carol"},"Action":"sqs:ReceiveMessage","Resource":"*"}]})";
  EXPECT_TRUE(access(principal("AKIDCAROL"), "sqs:ReceiveMessage", policy).ok());
}

TEST_F(LocalAuthenticatorTest, AQueuePolicyDenyOverridesTheUserPolicy) {
  const std::string policy = R"({"Statement":[{"Effect":"Deny","Principal":"*",
      "Action":"sqs:SendMessage","Resource":"*"}]})";
  EXPECT_EQ(access(principal("AKIDALICE"), "sqs:SendMessage", policy).code(),
            ErrorCode::kAccessDenied);
}

TEST_F(LocalAuthenticatorTest, AnotherAccountNeedsAGrantInTheQueuePolicy) {
  const auto bob = principal("AKIDBOB");
  EXPECT_EQ(access(bob, "sqs:SendMessage").code(), ErrorCode::kAccessDenied);
  const std::string grant = R"({"Statement":[{"Sid":"g","Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"SQS:SendMessage",
      "Resource":"arn:aws:sqs:us-east-1:000000000000:orders"}]})";
  EXPECT_TRUE(access(bob, "sqs:SendMessage", grant).ok());
}

TEST_F(LocalAuthenticatorTest, AGrantDoesNotCoverWhatTheUsersOwnPolicyDoesNotAllow) {
  const std::string grant = R"({"Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"111111111111"},"Action":"SQS:*","Resource":"*"}]})";
  EXPECT_EQ(access(principal("AKIDBOB"), "sqs:ReceiveMessage", grant).code(),
            ErrorCode::kAccessDenied);
}

TEST_F(LocalAuthenticatorTest, AnUnreadableQueuePolicyDenies) {
  EXPECT_EQ(access(principal("AKIDALICE"), "sqs:SendMessage", "{not json").code(),
            ErrorCode::kAccessDenied);
}

}  // namespace
}  // namespace sluice::plugins::auth_local
