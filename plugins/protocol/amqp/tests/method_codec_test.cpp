#include "method_codec.hpp"

#include <gtest/gtest.h>

namespace sluice::plugins::amqp {
namespace {

// Sets every argument of a method to a distinct non-default value (bits alternate).
struct Filler {
  int n = 0;
  void octet(std::uint8_t& v) { v = static_cast<std::uint8_t>(++n); }
  void short_(std::uint16_t& v) { v = static_cast<std::uint16_t>(0x1200 + ++n); }
  void long_(std::uint32_t& v) { v = 0x12340000U + static_cast<std::uint32_t>(++n); }
  void longlong(std::uint64_t& v) { v = 0x1234567800000000ULL + static_cast<std::uint64_t>(++n); }
  void shortstr(std::string& v) { v = "s" + std::to_string(++n); }
  void longstr(std::string& v) { v = std::string("l\0", 2) + std::to_string(++n); }
  void table(FieldTable& v) {
    v.entries.push_back({"k" + std::to_string(++n), FieldValue::i32(n)});
  }
  void bit(bool& v) { v = (++n % 2) == 1; }
};

template <std::size_t I = 0>
void round_trip_every_method() {
  if constexpr (I < std::variant_size_v<Method>) {
    using M = std::variant_alternative_t<I, Method>;
    M original;
    Filler filler;
    M::fields(original, filler);
    const std::string payload = encode_method(original);
    auto decoded = decode_method(payload);
    ASSERT_TRUE(decoded.ok()) << method_name(M::kId) << ": " << decoded.error().explanation;
    ASSERT_TRUE(std::holds_alternative<M>(*decoded)) << method_name(M::kId);
    EXPECT_EQ(std::get<M>(*decoded), original) << method_name(M::kId);
    EXPECT_EQ(method_id(*decoded), M::kId);
    round_trip_every_method<I + 1>();
  }
}

TEST(MethodCodec, EveryMethodSurvivesARoundTrip) { round_trip_every_method(); }

TEST(MethodCodec, MethodsAreNamedAsInTheSpec) {
  EXPECT_EQ(method_name(m::BasicAck::kId), "basic.ack");
  EXPECT_EQ(method_name(m::QueueDeclare::kId), "queue.declare");
  EXPECT_EQ(method_name(m::ExchangeUnbindOk::kId), "exchange.unbind-ok");
  EXPECT_EQ(method_name(MethodId{99, 1}), "99.1");
}

TEST(MethodCodec, ChannelOpenMatchesTheSpecsBytes) {
  // Appendix A: 0014 000A 00 (class 20, method 10, empty shortstr).
  EXPECT_EQ(encode_method(m::ChannelOpen{}), std::string("\x00\x14\x00\x0A\x00", 5));
  EXPECT_EQ(encode_method(m::ChannelOpenOk{}), std::string("\x00\x14\x00\x0B\x00\x00\x00\x00", 8));
}

TEST(MethodCodec, BasicAckMatchesTheSpecsBytes) {
  m::BasicAck ack;
  ack.delivery_tag = 5;
  EXPECT_EQ(encode_method(ack),
            std::string("\x00\x3C\x00\x50\x00\x00\x00\x00\x00\x00\x00\x05\x00", 13));
}

TEST(MethodCodec, QueueDeclarePacksItsBitsLeastSignificantFirst) {
  // Appendix A: queue "q", durable=1 -> ticket 0000, 01 71, bits 02, empty table.
  m::QueueDeclare declare;
  declare.queue = "q";
  declare.durable = true;
  EXPECT_EQ(encode_method(declare),
            std::string("\x00\x32\x00\x0A\x00\x00\x01q\x02\x00\x00\x00\x00", 13));
  declare.durable = false;
  declare.passive = declare.auto_delete = declare.no_wait = true;  // bits 0, 3, 4
  const std::string payload = encode_method(declare);
  EXPECT_EQ(static_cast<unsigned char>(payload[8]), 0x19);
}

TEST(MethodCodec, ConsecutiveBitsShareOneOctetAndOtherArgumentsEndTheRun) {
  m::BasicNack nack;  // longlong, bit, bit
  nack.delivery_tag = 1;
  nack.multiple = true;
  nack.requeue = true;
  const std::string payload = encode_method(nack);
  ASSERT_EQ(payload.size(), 4u + 8u + 1u);
  EXPECT_EQ(static_cast<unsigned char>(payload.back()), 0x03);
  m::BasicDeliver deliver;  // shortstr, longlong, bit, shortstr, shortstr
  deliver.redelivered = true;
  deliver.exchange = "e";
  auto back = decode_method(encode_method(deliver));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<m::BasicDeliver>(*back), deliver);
}

TEST(MethodCodec, ConfirmSelectMatchesTheSpecsBytes) {
  EXPECT_EQ(encode_method(m::ConfirmSelect{}), std::string("\x00\x55\x00\x0A\x00", 5));
}

TEST(MethodCodec, TruncatedArgumentsAreAFrameError) {
  std::string payload = encode_method(m::BasicAck{});
  payload.resize(payload.size() - 3);
  auto decoded = decode_method(payload);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ReplyCode::kFrameError);
  EXPECT_NE(decoded.error().explanation.find("basic.ack"), std::string::npos);
}

TEST(MethodCodec, MissingBitOctetIsAFrameError) {
  std::string payload = encode_method(m::BasicQos{});
  payload.pop_back();  // the global bit's octet
  EXPECT_FALSE(decode_method(payload).ok());
}

TEST(MethodCodec, MalformedArgumentTableIsASyntaxError) {
  m::QueueDeclare declare;
  declare.queue = "q";
  std::string payload = encode_method(declare);
  payload.resize(payload.size() - 4);
  payload += std::string("\x00\x00\x00\x03\x01k?", 7);  // table with tag '?'
  auto decoded = decode_method(payload);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ReplyCode::kSyntaxError);
}

TEST(MethodCodec, UnknownMethodIsNotImplemented) {
  auto decoded = decode_method(std::string("\x00\x3C\x00\x63", 4));  // basic.99
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ReplyCode::kNotImplemented);
  auto unknown_class = decode_method(std::string("\x00\x07\x00\x0A", 4));
  ASSERT_FALSE(unknown_class.ok());
  EXPECT_EQ(unknown_class.error().code, ReplyCode::kNotImplemented);
}

TEST(MethodCodec, PayloadShorterThanItsIdsIsAFrameError) {
  auto decoded = decode_method(std::string("\x00\x3C\x00", 3));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ReplyCode::kFrameError);
}

TEST(MethodCodec, ExchangeUnbindOkKeepsItsHistoricalId51) {
  EXPECT_EQ(encode_method(m::ExchangeUnbindOk{}), std::string("\x00\x28\x00\x33", 4));
}

}  // namespace
}  // namespace sluice::plugins::amqp
