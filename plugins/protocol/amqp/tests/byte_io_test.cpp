#include "byte_io.hpp"

#include <gtest/gtest.h>

namespace sluice::plugins::amqp {
namespace {

TEST(ByteIo, IntegersAreWrittenBigEndian) {
  std::string out;
  ByteWriter w(out);
  w.u16(0x0102);
  w.u32(0x03040506);
  w.u64(0x0708090A0B0C0D0EULL);
  EXPECT_EQ(out, std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\x0C\x0D\x0E", 14));
}

TEST(ByteIo, ReaderReturnsWhatTheWriterWrote) {
  std::string out;
  ByteWriter w(out);
  w.u8(7);
  w.shortstr("queue");
  w.longstr(std::string("bin\0ary", 7));
  w.u64(~0ULL);
  ByteReader r(out);
  std::uint8_t a = 0;
  std::string s, l;
  std::uint64_t b = 0;
  ASSERT_TRUE(r.u8(a) && r.shortstr(s) && r.longstr(l) && r.u64(b));
  EXPECT_EQ(a, 7);
  EXPECT_EQ(s, "queue");
  EXPECT_EQ(l, std::string("bin\0ary", 7));
  EXPECT_EQ(b, ~0ULL);
  EXPECT_TRUE(r.empty());
}

TEST(ByteIo, ReaderRefusesToReadPastTheEnd) {
  ByteReader r(
      std::string_view("\x00\x00\x00\x10"
                       "abc",
                       7));  // longstr claims 16 bytes
  std::string s;
  EXPECT_FALSE(r.longstr(s));
  std::uint64_t v = 0;
  ByteReader short_input(std::string_view("\x01\x02", 2));
  EXPECT_FALSE(short_input.u64(v));
}

TEST(ByteIo, ShortstrLongerThan255BytesIsCut) {
  std::string out;
  ByteWriter w(out);
  w.shortstr(std::string(300, 'x'));
  ASSERT_EQ(out.size(), 256u);
  EXPECT_EQ(static_cast<unsigned char>(out[0]), 255);
}

}  // namespace
}  // namespace sluice::plugins::amqp
