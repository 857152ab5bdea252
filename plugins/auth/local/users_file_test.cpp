#include "users_file.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::plugins::auth_local {
namespace {

const std::filesystem::path kFile = "users.toml";

constexpr const char* kValid = R"(
[policy.producer]
statement = [
  { effect = "Allow", action = ["sqs:SendMessage", "sqs:GetQueueUrl"], resource = "*" },
]

[policy.pasted]
json = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}'

[[user]]
name = "alice"
account = "000000000000"
policies = ["producer"]
access_keys = [
  { id = "AKIDALICE0000001", secret = "alice-secret-0000000001" },
  { id = "AKIDALICE0000002", secret = "alice-secret-0000000002", active = false },
]
statement = [ { effect = "Deny", action = "sqs:DeleteQueue", resource = "*" } ]

[[user]]
name = "bob"
account = "111111111111"
sender_id = "AIDABOB"
policies = ["pasted"]
)";

sdk::Result<LoadedUsers> parse(const std::string& text) { return parse_users(text, kFile); }

// The error message for `text`, which must fail to parse.
std::string error_of(const std::string& text) {
  auto loaded = parse(text);
  EXPECT_FALSE(loaded.ok());
  return loaded.ok() ? std::string() : loaded.error().message;
}

TEST(UsersFile, ReadsUsersKeysAndPolicies) {
  auto loaded = parse(kValid);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const UserDirectory& users = *loaded->directory;
  EXPECT_EQ(users.user_count(), 2u);
  EXPECT_EQ(users.access_key_count(), 2u);
  const AccessKey* key = nullptr;
  const User* alice = users.find_by_access_key("AKIDALICE0000001", &key);
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(key->secret, "alice-secret-0000000001");
  EXPECT_TRUE(key->active);
  EXPECT_EQ(alice->policies.size(), 2u);  // the named one and her own statements
  EXPECT_EQ(alice->arn(), "arn:aws:iam::000000000000:user/alice");
}

TEST(UsersFile, AKeyCanBeMarkedInactive) {
  auto loaded = parse(kValid);
  ASSERT_TRUE(loaded.ok());
  const AccessKey* key = nullptr;
  ASSERT_NE(loaded->directory->find_by_access_key("AKIDALICE0000002", &key), nullptr);
  EXPECT_FALSE(key->active);
}

TEST(UsersFile, SenderIdDefaultsToTheUserName) {
  auto loaded = parse(kValid);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->directory->find_by_name("alice")->sender_id, "alice");
  EXPECT_EQ(loaded->directory->find_by_name("bob")->sender_id, "AIDABOB");
  EXPECT_EQ(loaded->directory->find_by_name("bob")->principal().account, "111111111111");
}

TEST(UsersFile, AUserWithoutPolicyIsReportedAsAWarning) {
  auto loaded = parse("[[user]]\nname = \"carol\"\naccount = \"000000000000\"\n");
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->warnings.size(), 1u);
  EXPECT_NE(loaded->warnings[0].find("carol"), std::string::npos);
}

TEST(UsersFile, ErrorsNameFileLineAndKey) {
  const std::string message = error_of("[[user]]\nname = \"alice\"\naccount = \"12\"\n");
  EXPECT_EQ(message.rfind("users.toml:3: user[1] (alice).account: must be 12 digits", 0), 0u)
      << message;
}

TEST(UsersFile, UnknownKeysAreRejected) {
  EXPECT_NE(error_of("[[user]]\nname = \"a\"\naccount = \"000000000000\"\ncolour = 1\n")
                .find("users.toml:4: user[1].colour: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of("[users]\n").find("unknown key"), std::string::npos);
}

TEST(UsersFile, ASecretNeverAppearsInAnError) {
  const std::string message = error_of(
      "[[user]]\nname = \"a\"\naccount = \"000000000000\"\n"
      "access_keys = [{ id = \"AKID1\", secret = \"short secret\" }]\n");
  EXPECT_NE(message.find("secret: must be"), std::string::npos) << message;
  EXPECT_EQ(message.find("short secret"), std::string::npos) << message;
}

TEST(UsersFile, DuplicateNamesAndKeysAreRejected) {
  EXPECT_NE(error_of("[[user]]\nname = \"a\"\naccount = \"000000000000\"\n"
                     "[[user]]\nname = \"a\"\naccount = \"000000000000\"\n")
                .find("appears twice"),
            std::string::npos);
  EXPECT_NE(error_of("[[user]]\nname = \"a\"\naccount = \"000000000000\"\n"
                     "access_keys = [{ id = \"AKID1\", secret = \"0123456789abcdef\" }]\n"
                     "[[user]]\nname = \"b\"\naccount = \"000000000000\"\n"
                     "access_keys = [{ id = \"AKID1\", secret = \"0123456789abcdeg\" }]\n")
                .find("access key AKID1 appears twice"),
            std::string::npos);
}

TEST(UsersFile, AnUnknownPolicyNameIsRejected) {
  EXPECT_NE(error_of("[[user]]\nname = \"a\"\naccount = \"000000000000\"\npolicies = [\"x\"]\n")
                .find("no [policy.x]"),
            std::string::npos);
}

TEST(UsersFile, ABadStatementIsReportedAtItsLine) {
  const std::string message = error_of(
      "[[user]]\nname = \"a\"\naccount = \"000000000000\"\n"
      "statement = [\n  { effect = \"Allow\", action = \"sqs:*\" },\n]\n");
  EXPECT_NE(message.find("users.toml:5: user[1] (a).statement[1]"), std::string::npos) << message;
  EXPECT_NE(message.find("Resource"), std::string::npos) << message;
}

TEST(UsersFile, AMalformedPasswordHashIsRejected) {
  EXPECT_NE(error_of("[[user]]\nname = \"a\"\naccount = \"000000000000\"\n"
                     "password_hash = \"plain-text\"\n")
                .find("password_hash"),
            std::string::npos);
}

TEST(UsersFile, SyntaxErrorsNameTheLine) {
  EXPECT_EQ(error_of("[[user]]\nname = \n").rfind("users.toml:2: syntax error", 0), 0u);
}

}  // namespace
}  // namespace sluice::plugins::auth_local
