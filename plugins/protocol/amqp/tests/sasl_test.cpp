#include "sasl.hpp"

#include <gtest/gtest.h>

#include "byte_io.hpp"
#include "field_table.hpp"

namespace sluice::plugins::amqp {
namespace {

TEST(Sasl, PlainResponseIsNulUserNulPassword) {
  auto c = parse_sasl_response("PLAIN", std::string("\0guest\0secret", 13));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->user, "guest");
  EXPECT_EQ(c->password, "secret");
}

TEST(Sasl, MalformedPlainResponseIsASyntaxError) {
  for (const std::string& bad :
       {std::string("guest"), std::string("\0guest", 6), std::string("\0a\0b\0c", 6)}) {
    auto c = parse_sasl_response("PLAIN", bad);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, ReplyCode::kSyntaxError);
  }
}

TEST(Sasl, AmqplainResponseIsATableWithoutItsLength) {
  FieldTable t;
  t.entries.push_back({"LOGIN", FieldValue::string("alice")});
  t.entries.push_back({"PASSWORD", FieldValue::string("pw")});
  std::string response;
  ByteWriter w(response);
  encode_table_entries(w, t);
  auto c = parse_sasl_response("AMQPLAIN", response);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->user, "alice");
  EXPECT_EQ(c->password, "pw");
}

TEST(Sasl, AmqplainWithoutPasswordIsASyntaxError) {
  FieldTable t;
  t.entries.push_back({"LOGIN", FieldValue::string("alice")});
  std::string response;
  ByteWriter w(response);
  encode_table_entries(w, t);
  auto c = parse_sasl_response("AMQPLAIN", response);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ReplyCode::kSyntaxError);
}

TEST(Sasl, UnofferedMechanismIsCommandInvalid) {
  auto c = parse_sasl_response("EXTERNAL", "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ReplyCode::kCommandInvalid);
}

TEST(Users, WithoutConfiguredUsersGuestLogsInFromLoopbackOnly) {
  auto users = UserTable::from_config({}, {"guest"});
  ASSERT_TRUE(users.ok());
  EXPECT_FALSE(users->check({"guest", "guest"}, "PLAIN", true).has_value());
  auto remote = users->check({"guest", "guest"}, "PLAIN", false);
  ASSERT_TRUE(remote.has_value());
  EXPECT_EQ(remote->code, ReplyCode::kAccessRefused);
  EXPECT_NE(remote->explanation.find("localhost"), std::string::npos);
}

TEST(Users, WrongPasswordIsAccessRefusedWithAReason) {
  auto users = UserTable::from_config({"alice:s3cret"}, {"guest"});
  ASSERT_TRUE(users.ok());
  EXPECT_FALSE(users->check({"alice", "s3cret"}, "PLAIN", false).has_value());
  auto wrong = users->check({"alice", "nope"}, "AMQPLAIN", true);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->code, ReplyCode::kAccessRefused);
  EXPECT_NE(wrong->explanation.find("AMQPLAIN"), std::string::npos);
  // guest is not built in once users are configured.
  EXPECT_TRUE(users->check({"guest", "guest"}, "PLAIN", true).has_value());
}

TEST(Users, PasswordsMayContainColons) {
  auto users = UserTable::from_config({"bob:a:b"}, {});
  ASSERT_TRUE(users.ok());
  EXPECT_FALSE(users->check({"bob", "a:b"}, "PLAIN", false).has_value());
}

TEST(Users, EntryWithoutAPasswordIsAConfigError) {
  EXPECT_FALSE(UserTable::from_config({"alice"}, {}).ok());
}

}  // namespace
}  // namespace sluice::plugins::amqp
