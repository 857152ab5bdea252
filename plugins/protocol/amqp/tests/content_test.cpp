#include "content.hpp"

#include <gtest/gtest.h>

#include "byte_io.hpp"
#include "frame_codec.hpp"

namespace sluice::plugins::amqp {
namespace {

BasicProperties all_properties() {
  BasicProperties p;
  p.content_type = "application/json";
  p.content_encoding = "gzip";
  FieldTable headers;
  headers.entries.push_back({"x-trace", FieldValue::string("abc")});
  headers.entries.push_back({"n", FieldValue{'L', std::int64_t{5}}});  // relayed as sent
  p.headers = headers;
  p.delivery_mode = 2;
  p.priority = 7;
  p.correlation_id = "corr";
  p.reply_to = "replies";
  p.expiration = "60000";
  p.message_id = "m-1";
  p.timestamp = 1700000000;
  p.type = "created";
  p.user_id = "guest";
  p.app_id = "app";
  p.cluster_id = "c";
  return p;
}

TEST(Content, AllFourteenBasicPropertiesSurviveARoundTrip) {
  const BasicProperties p = all_properties();
  auto back = decode_basic_properties(encode_basic_properties(p));
  ASSERT_TRUE(back.ok()) << back.error().explanation;
  EXPECT_EQ(*back, p);
}

TEST(Content, OnlyDeliveryModeMatchesTheSpecsBytes) {
  // Appendix A: flags 0x1000 (bit 12), then the octet 02.
  BasicProperties p;
  p.delivery_mode = 2;
  EXPECT_EQ(encode_basic_properties(p), std::string("\x10\x00\x02", 3));
}

TEST(Content, EncoderNeverSetsTheContinuationBit) {
  const std::string raw = encode_basic_properties(all_properties());
  EXPECT_EQ(static_cast<unsigned char>(raw[1]) & 1, 0);
}

TEST(Content, AContinuationFlagWordWithoutFlagsIsAccepted) {
  // pika's decoder reads further flag words while bit 0 is set; basic has no 15th property.
  auto p = decode_basic_properties(std::string("\x10\x01\x00\x00\x02", 5));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->delivery_mode, 2);
}

TEST(Content, FlagsForPropertiesBasicLacksAreASyntaxError) {
  auto p = decode_basic_properties(std::string("\x00\x01\x80\x00", 4));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ReplyCode::kSyntaxError);
}

TEST(Content, PropertyListShorterThanItsFlagsIsASyntaxError) {
  auto p =
      decode_basic_properties(std::string("\x80\x00\x05"
                                          "ab",
                                          5));  // content-type len 5
  ASSERT_FALSE(p.ok());
}

TEST(Content, HeaderFrameKeepsThePropertyBytesAsSent) {
  ContentHeader h;
  h.body_size = 3;
  h.properties = std::string("\x10\x00\x02", 3);
  const std::string payload = encode_content_header(h);
  // Appendix A: 003C 0000 0000000000000003 1000 02
  EXPECT_EQ(payload,
            std::string("\x00\x3C\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x10\x00\x02", 15));
  auto back = decode_content_header(payload);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->body_size, 3u);
  EXPECT_EQ(back->properties, h.properties);
}

TEST(Content, HeaderShorterThanFourteenBytesIsAFrameError) {
  auto h = decode_content_header(std::string("\x00\x3C\x00\x00", 4));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, ReplyCode::kFrameError);
}

TEST(Content, BodiesAreSplitIntoFramesOfAtMostFrameMaxMinusEight) {
  const std::string body(10000, 'b');
  std::string out;
  append_content_frames(out, 2, std::string("\x00\x00", 2), body, 4096);
  FrameReader reader(4096);
  reader.feed(out);
  Frame f;
  AmqpError e{ReplyCode::kReplySuccess, ""};
  ASSERT_EQ(reader.next(f, e), FrameReader::Status::kFrame);
  EXPECT_EQ(f.type, FrameType::kHeader);
  std::vector<std::size_t> sizes;
  std::string joined;
  while (reader.next(f, e) == FrameReader::Status::kFrame) {
    EXPECT_EQ(f.type, FrameType::kBody);
    EXPECT_EQ(f.channel, 2);
    sizes.push_back(f.payload.size());
    joined += f.payload;
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{4088, 4088, 1824}));
  EXPECT_EQ(joined, body);
}

TEST(Content, EmptyBodyHasNoBodyFrames) {
  std::string out;
  append_content_frames(out, 1, std::string("\x00\x00", 2), "", 4096);
  FrameReader reader(4096);
  reader.feed(out);
  Frame f;
  AmqpError e{ReplyCode::kReplySuccess, ""};
  ASSERT_EQ(reader.next(f, e), FrameReader::Status::kFrame);
  EXPECT_EQ(reader.next(f, e), FrameReader::Status::kNeedMore);
}

TEST(Content, ExpirationIsADecimalNumberOfMilliseconds) {
  BasicProperties p;
  EXPECT_FALSE(parse_expiration(p)->has_value());
  p.expiration = "1500";
  EXPECT_EQ(parse_expiration(p)->value(), 1500u);
  for (const char* bad : {"", "-1", "1.5", "soon", "99999999999999999999"}) {
    p.expiration = bad;
    auto e = parse_expiration(p);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.error().code, ReplyCode::kPreconditionFailed);
  }
}

}  // namespace
}  // namespace sluice::plugins::amqp
