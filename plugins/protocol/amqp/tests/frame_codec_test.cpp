#include "frame_codec.hpp"

#include <gtest/gtest.h>

namespace sluice::plugins::amqp {
namespace {

std::string frame(std::uint8_t type, std::uint16_t channel, std::string_view payload,
                  char end = '\xCE') {
  std::string out;
  append_frame(out, static_cast<FrameType>(type), channel, payload);
  out.back() = end;
  return out;
}

TEST(ProtocolHeader, AcceptsAmqp091) {
  EXPECT_EQ(check_protocol_header(kProtocolHeader), HeaderVerdict::kAccept);
}

TEST(ProtocolHeader, AcceptsTheOld09HeaderAsRabbitMqDoes) {
  EXPECT_EQ(check_protocol_header(std::string_view("AMQP\x01\x01\x00\x09", 8)),
            HeaderVerdict::kAccept);
}

TEST(ProtocolHeader, RejectsOtherVersionsAndOtherProtocols) {
  EXPECT_EQ(check_protocol_header(std::string_view("AMQP\x00\x00\x09\x00", 8)),
            HeaderVerdict::kReject);
  EXPECT_EQ(check_protocol_header(std::string_view("AMQP\x03\x01\x00\x00", 8)),
            HeaderVerdict::kReject);
  EXPECT_EQ(check_protocol_header("GET / HT"), HeaderVerdict::kReject);
}

TEST(ProtocolHeader, RejectsAForeignProtocolBeforeEightBytesArrive) {
  EXPECT_EQ(check_protocol_header("GE"), HeaderVerdict::kReject);
  EXPECT_EQ(check_protocol_header(std::string_view("\x16\x03", 2)), HeaderVerdict::kReject);
  EXPECT_EQ(check_protocol_header("AMQ"), HeaderVerdict::kNeedMore);
}

TEST(FrameReader, ReturnsFramesFedInPieces) {
  const std::string bytes = frame(1, 3, "hello") + frame(8, 0, "");
  FrameReader reader(4096);
  Frame f;
  AmqpError e{ReplyCode::kFrameError, ""};
  for (char c : bytes.substr(0, bytes.size() - 1)) {
    reader.feed(std::string_view(&c, 1));
  }
  ASSERT_EQ(reader.next(f, e), FrameReader::Status::kFrame);
  EXPECT_EQ(f.type, FrameType::kMethod);
  EXPECT_EQ(f.channel, 3);
  EXPECT_EQ(f.payload, "hello");
  EXPECT_EQ(reader.next(f, e), FrameReader::Status::kNeedMore);  // the heartbeat lacks its end
  reader.feed(bytes.substr(bytes.size() - 1));
  ASSERT_EQ(reader.next(f, e), FrameReader::Status::kFrame);
  EXPECT_EQ(f.type, FrameType::kHeartbeat);
}

TEST(FrameReader, FrameOverFrameMaxIsAFrameErrorAsSoonAsItsHeaderArrives) {
  FrameReader reader(4096);
  // Only the 7-byte header of a frame announcing 1 GiB: refused without waiting for the rest.
  reader.feed(std::string_view("\x01\x00\x01\x40\x00\x00\x00", 7));
  Frame f;
  AmqpError e{ReplyCode::kReplySuccess, ""};
  ASSERT_EQ(reader.next(f, e), FrameReader::Status::kError);
  EXPECT_EQ(e.code, ReplyCode::kFrameError);
  EXPECT_NE(e.explanation.find("frame_max"), std::string::npos);
}

TEST(FrameReader, ToleratesPayloadsUpToFrameMaxLikeRabbitMq) {
  FrameReader reader(4096);
  reader.feed(frame(3, 1, std::string(4096, 'x')));  // 8 bytes over frame_max - 8
  Frame f;
  AmqpError e{ReplyCode::kReplySuccess, ""};
  EXPECT_EQ(reader.next(f, e), FrameReader::Status::kFrame);
  reader.feed(frame(3, 1, std::string(4097, 'x')));
  EXPECT_EQ(reader.next(f, e), FrameReader::Status::kError);
}

TEST(FrameReader, BadFrameEndOctetIsAFrameError) {
  FrameReader reader(4096);
  reader.feed(frame(1, 1, "abc", '\x00'));
  Frame f;
  AmqpError e{ReplyCode::kReplySuccess, ""};
  ASSERT_EQ(reader.next(f, e), FrameReader::Status::kError);
  EXPECT_EQ(e.code, ReplyCode::kFrameError);
  EXPECT_NE(e.explanation.find("0x00"), std::string::npos);
}

TEST(FrameReader, UnknownFrameTypeIsAFrameError) {
  FrameReader reader(4096);
  reader.feed(frame(4, 1, ""));
  Frame f;
  AmqpError e{ReplyCode::kReplySuccess, ""};
  ASSERT_EQ(reader.next(f, e), FrameReader::Status::kError);
  EXPECT_NE(e.explanation.find("unknown frame type 4"), std::string::npos);
}

TEST(FrameReader, TruncatedFrameWaitsAndNeverReturnsPartialData) {
  FrameReader reader(4096);
  const std::string whole = frame(1, 1, "payload");
  reader.feed(whole.substr(0, whole.size() - 3));
  Frame f;
  AmqpError e{ReplyCode::kReplySuccess, ""};
  EXPECT_EQ(reader.next(f, e), FrameReader::Status::kNeedMore);
  EXPECT_EQ(reader.next(f, e), FrameReader::Status::kNeedMore);
}

TEST(FrameReader, StaysFailedAfterAnError) {
  FrameReader reader(4096);
  reader.feed(frame(1, 1, "x", 'Z'));
  Frame f;
  AmqpError e{ReplyCode::kReplySuccess, ""};
  EXPECT_EQ(reader.next(f, e), FrameReader::Status::kError);
  reader.feed(frame(1, 1, "fine"));
  EXPECT_EQ(reader.next(f, e), FrameReader::Status::kError);
}

TEST(FrameReader, RaisingFrameMaxAfterTuneAcceptsLargerFrames) {
  FrameReader reader(4096);
  reader.set_frame_max(131072);
  reader.feed(frame(3, 1, std::string(100000, 'y')));
  Frame f;
  AmqpError e{ReplyCode::kReplySuccess, ""};
  ASSERT_EQ(reader.next(f, e), FrameReader::Status::kFrame);
  EXPECT_EQ(f.payload.size(), 100000u);
}

TEST(FrameCodec, HeartbeatFrameIsTheSpecsEightBytes) {
  std::string out;
  append_frame(out, FrameType::kHeartbeat, 0, "");
  EXPECT_EQ(out, kHeartbeatFrame);
  EXPECT_EQ(out, std::string("\x08\x00\x00\x00\x00\x00\x00\xCE", 8));
}

}  // namespace
}  // namespace sluice::plugins::amqp
