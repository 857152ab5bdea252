#include "stored_message.hpp"

#include <gtest/gtest.h>

#include "content.hpp"

namespace sluice::plugins::amqp {
namespace {

sdk::ReceivedMessage received_from(const sdk::SendEntry& entry) {
  sdk::ReceivedMessage r;
  r.message_id = "id-1";
  r.body = entry.body;
  r.native_protocol = entry.native_protocol;
  r.native_properties = entry.native_properties;
  return r;
}

AmqpMessage message(std::string body) {
  BasicProperties p;
  p.content_type = "text/plain";
  p.delivery_mode = 2;
  AmqpMessage m;
  m.routing_key = "orders";
  m.properties = encode_basic_properties(p);
  m.body = std::move(body);
  return m;
}

TEST(StoredMessage, TextBodyIsStoredAsIsSoSqsClientsReadIt) {
  sdk::SendEntry entry;
  store_into(message("{\"id\": 1}"), entry);
  EXPECT_EQ(entry.body, "{\"id\": 1}");
  EXPECT_EQ(entry.native_protocol, "amqp");
}

TEST(StoredMessage, PropertiesComeBackByteForByte) {
  const AmqpMessage sent = message("hello");
  sdk::SendEntry entry;
  store_into(sent, entry);
  const AmqpMessage back = load_from(received_from(entry), "orders");
  EXPECT_EQ(back.properties, sent.properties);
  EXPECT_EQ(back.body, sent.body);
  EXPECT_EQ(back.routing_key, "orders");
  EXPECT_EQ(back.exchange, "");
}

TEST(StoredMessage, BinaryBodyIsStoredAsBase64AndComesBackExact) {
  const std::string binary(
      "\x00\x01\xFF\xFE"
      "abc\x1B",
      8);
  sdk::SendEntry entry;
  store_into(message(binary), entry);
  EXPECT_EQ(entry.body, base64_encode(binary));
  EXPECT_TRUE(is_sqs_text(entry.body));
  EXPECT_EQ(load_from(received_from(entry), "orders").body, binary);
}

TEST(StoredMessage, EmptyBodyIsStoredAsAPlaceholderAndComesBackEmpty) {
  sdk::SendEntry entry;
  store_into(message(""), entry);
  EXPECT_FALSE(entry.body.empty());
  EXPECT_EQ(load_from(received_from(entry), "orders").body, "");
}

TEST(StoredMessage, MessageFromSqsGetsPropertiesFromItsAttributes) {
  sdk::ReceivedMessage r;
  r.message_id = "sqs-id";
  r.body = "from sqs";
  r.sent_at = sdk::from_unix_millis(1700000000123);
  r.attributes["color"] = {"String", "blue"};
  r.attributes["blob"] = {"Binary", std::string("\x00\x01", 2)};
  const AmqpMessage m = load_from(r, "q1");
  EXPECT_EQ(m.body, "from sqs");
  EXPECT_EQ(m.routing_key, "q1");
  auto p = decode_basic_properties(m.properties);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->message_id, "sqs-id");
  EXPECT_EQ(p->timestamp, 1700000000u);
  ASSERT_TRUE(p->headers.has_value());
  EXPECT_EQ(*p->headers->find("color")->as_string(), "blue");
  EXPECT_EQ(p->headers->find("blob")->tag, 'x');
}

TEST(StoredMessage, UnreadableNativeRecordIsDeliveredLikeAForeignMessage) {
  sdk::ReceivedMessage r;
  r.message_id = "x";
  r.body = "stored";
  r.native_protocol = "amqp";
  r.native_properties = std::string("\x09", 1);  // a future format
  const AmqpMessage m = load_from(r, "q");
  EXPECT_EQ(m.body, "stored");
  EXPECT_TRUE(decode_basic_properties(m.properties).ok());
}

TEST(StoredMessage, SqsTextFollowsTheXmlCharacterSet) {
  EXPECT_TRUE(is_sqs_text("plain \t\r\n text"));
  EXPECT_TRUE(is_sqs_text("caf\xC3\xA9 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_sqs_text(""));
  EXPECT_FALSE(is_sqs_text(std::string("a\0b", 3)));
  EXPECT_FALSE(is_sqs_text("\x1B[0m"));
  EXPECT_FALSE(is_sqs_text("\xC3"));          // truncated UTF-8
  EXPECT_FALSE(is_sqs_text("\xED\xA0\x80"));  // a surrogate
  EXPECT_FALSE(is_sqs_text("\xEF\xBF\xBE"));  // U+FFFE
}

TEST(StoredMessage, Base64RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 10; ++i) {
    std::string back;
    ASSERT_TRUE(base64_decode(base64_encode(bytes), back));
    EXPECT_EQ(back, bytes);
    bytes += static_cast<char>(i * 37);
  }
  std::string out;
  EXPECT_FALSE(base64_decode("abc", out));
  EXPECT_FALSE(base64_decode("ab=c", out));
}

}  // namespace
}  // namespace sluice::plugins::amqp
