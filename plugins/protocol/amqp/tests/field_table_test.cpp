#include "field_table.hpp"

#include <gtest/gtest.h>

namespace sluice::plugins::amqp {
namespace {

std::string encoded(const FieldTable& table) {
  std::string out;
  ByteWriter w(out);
  encode_table(w, table);
  return out;
}

FieldTable decoded(const std::string& bytes) {
  ByteReader r(bytes);
  auto table = decode_table(r);
  EXPECT_TRUE(table.ok()) << (table.ok() ? "" : table.error().explanation);
  return table.ok() ? table.value() : FieldTable{};
}

// One table with a value of every tag RabbitMQ's parser accepts (amqp091.md 2.2).
FieldTable every_tag() {
  FieldTable inner;
  inner.entries.push_back({"n", FieldValue::i32(1)});
  FieldTable t;
  t.entries.push_back({"t", FieldValue::boolean(true)});
  t.entries.push_back({"b", FieldValue{'b', std::int64_t{-5}}});
  t.entries.push_back({"B", FieldValue{'B', std::int64_t{250}}});
  t.entries.push_back({"s", FieldValue{'s', std::int64_t{-300}}});
  t.entries.push_back({"u", FieldValue{'u', std::int64_t{65000}}});
  t.entries.push_back({"I", FieldValue::i32(-70000)});
  t.entries.push_back({"i", FieldValue{'i', std::int64_t{4000000000}}});
  t.entries.push_back({"l", FieldValue::i64(-(1LL << 40))});
  t.entries.push_back({"L", FieldValue{'L', std::int64_t{1LL << 50}}});
  t.entries.push_back({"f", FieldValue{'f', 1.5F}});
  t.entries.push_back({"d", FieldValue{'d', -2.25}});
  t.entries.push_back({"D", FieldValue{'D', Decimal{2, 12345}}});
  t.entries.push_back({"S", FieldValue::string("long string")});
  t.entries.push_back({"x", FieldValue::bytes(std::string("\x00\xFF", 2))});
  t.entries.push_back(
      {"A", FieldValue{'A', FieldArray{FieldValue::i32(1), FieldValue::string("a")}}});
  t.entries.push_back({"T", FieldValue::timestamp(1700000000)});
  t.entries.push_back({"F", FieldValue::table(inner)});
  t.entries.push_back({"V", FieldValue{'V', Void{}}});
  return t;
}

TEST(FieldTable, EveryRabbitMqTagSurvivesARoundTrip) {
  const FieldTable table = every_tag();
  EXPECT_EQ(decoded(encoded(table)), table);
}

TEST(FieldTable, ReencodingADecodedTableGivesTheSameBytes) {
  const std::string bytes = encoded(every_tag());
  EXPECT_EQ(encoded(decoded(bytes)), bytes);
}

TEST(FieldTable, SignedTagsAreReadAsSigned) {
  // 'b' 0xFF is -1 and 's' 0xFFFF is -1 (RabbitMQ reads both signed); 'B' 0xFF is 255.
  std::string bytes("\x00\x00\x00\x0D", 4);
  bytes += std::string(
      "\x01"
      "b"
      "b\xFF",
      4);
  bytes += std::string(
      "\x01"
      "s"
      "s\xFF\xFF",
      5);
  bytes += std::string(
      "\x01"
      "B"
      "B\xFF",
      4);
  const FieldTable t = decoded(bytes);
  ASSERT_EQ(t.entries.size(), 3u);
  EXPECT_EQ(t.find("b")->as_integer(), -1);
  EXPECT_EQ(t.find("s")->as_integer(), -1);
  EXPECT_EQ(t.find("B")->as_integer(), 255);
}

TEST(FieldTable, ByteArraysAndLongStringsBothReadAsStrings) {
  FieldTable t;
  t.entries.push_back({"a", FieldValue::bytes("raw")});
  t.entries.push_back({"b", FieldValue::string("text")});
  const FieldTable back = decoded(encoded(t));
  EXPECT_EQ(*back.find("a")->as_string(), "raw");
  EXPECT_EQ(*back.find("b")->as_string(), "text");
  EXPECT_EQ(back.find("a")->tag, 'x');
}

TEST(FieldTable, UnknownTagIsASyntaxError) {
  const std::string bytes(
      "\x00\x00\x00\x03"
      "\x01"
      "k"
      "Z",
      7);
  ByteReader r(bytes);
  auto t = decode_table(r);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ReplyCode::kSyntaxError);
  EXPECT_NE(t.error().explanation.find("0x5A"), std::string::npos);
}

TEST(FieldTable, LengthPastTheEndIsASyntaxError) {
  const std::string bytes(
      "\x00\x00\x01\x00"
      "\x01"
      "k",
      6);
  ByteReader r(bytes);
  EXPECT_FALSE(decode_table(r).ok());
}

TEST(FieldTable, ValueRunningPastItsTableIsASyntaxError) {
  // The table says 4 bytes, but its 'I' value needs 4 more than that.
  const std::string bytes(
      "\x00\x00\x00\x04"
      "\x01"
      "k"
      "I\x00"
      "\x00\x00\x00",
      11);
  ByteReader r(bytes);
  EXPECT_FALSE(decode_table(r).ok());
}

TEST(FieldTable, DeepNestingIsRefusedInsteadOfExhaustingTheStack) {
  // 200 tables, each the only value of its parent.
  const int depth = 200;
  std::string tail;
  for (int i = 0; i < depth; ++i) {
    std::string wrapped;
    ByteWriter w(wrapped);
    w.u32(static_cast<std::uint32_t>(tail.size() + 3));
    w.shortstr("k");
    w.u8('F');
    wrapped += tail;
    tail = wrapped;
  }
  ByteReader r(tail);
  auto t = decode_table(r);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().explanation.find("nested"), std::string::npos);
}

TEST(FieldTable, ArraysNestTablesAndArrays) {
  FieldTable inner;
  inner.entries.push_back({"count", FieldValue::i64(3)});
  FieldTable t;
  t.entries.push_back(
      {"x-death",
       FieldValue{'A', FieldArray{FieldValue::table(inner),
                                  FieldValue{'A', FieldArray{FieldValue::string("k")}}}}});
  EXPECT_EQ(decoded(encoded(t)), t);
}

TEST(FieldTable, EntriesWithoutLengthDecodeLikeAmqplainSendsThem) {
  FieldTable t;
  t.entries.push_back({"LOGIN", FieldValue::string("guest")});
  std::string entries;
  ByteWriter w(entries);
  encode_table_entries(w, t);
  auto back = decode_table_entries(entries);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back->find("LOGIN")->as_string(), "guest");
}

TEST(FieldTable, IntegerTagsOfEveryWidthReadAsTheSameValue) {
  for (char tag : {'b', 'B', 's', 'u', 'I', 'i', 'l', 'L'}) {
    const FieldValue v{tag, std::int64_t{60}};
    FieldTable t;
    t.entries.push_back({"x-message-ttl", v});
    const FieldTable back = decoded(encoded(t));
    EXPECT_EQ(back.find("x-message-ttl")->as_integer(), 60) << tag;
  }
  EXPECT_FALSE(FieldValue::string("60").as_integer().has_value());
}

}  // namespace
}  // namespace sluice::plugins::amqp
