// Method frames: the payload is class-id u16, method-id u16, then the arguments in the order the
// method's fields() lists them. Decoding rejects a payload too short for its arguments (501
// FRAME_ERROR), a malformed table (502 SYNTAX_ERROR) and an unknown class or method (540
// NOT_IMPLEMENTED); bytes after the last argument are ignored, as RabbitMQ does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "byte_io.hpp"
#include "frame_codec.hpp"
#include "methods.hpp"
#include "reply_codes.hpp"

namespace sluice::plugins::amqp {

// Writes a method's arguments (the visitor the structs' fields() take).
class ArgumentWriter {
 public:
  explicit ArgumentWriter(std::string& out) : out_(out) {}
  ~ArgumentWriter() { flush_bits(); }
  ArgumentWriter(const ArgumentWriter&) = delete;
  ArgumentWriter& operator=(const ArgumentWriter&) = delete;

  void octet(std::uint8_t v) {
    flush_bits();
    out_.u8(v);
  }
  void short_(std::uint16_t v) {
    flush_bits();
    out_.u16(v);
  }
  void long_(std::uint32_t v) {
    flush_bits();
    out_.u32(v);
  }
  void longlong(std::uint64_t v) {
    flush_bits();
    out_.u64(v);
  }
  void shortstr(const std::string& v) {
    flush_bits();
    out_.shortstr(v);
  }
  void longstr(const std::string& v) {
    flush_bits();
    out_.longstr(v);
  }
  void table(const FieldTable& v) {
    flush_bits();
    encode_table(out_, v);
  }
  void bit(bool v);
  void flush_bits();

 private:
  ByteWriter out_;
  std::uint8_t bits_ = 0;
  int bit_count_ = 0;
};

// Reads a method's arguments; after the walk, failed() says whether the payload ran out and
// error() holds a table's decoding error if there was one.
class ArgumentReader {
 public:
  explicit ArgumentReader(ByteReader& in) : in_(in) {}

  void octet(std::uint8_t& v) { check(in_.u8(v)); }
  void short_(std::uint16_t& v) { check(in_.u16(v)); }
  void long_(std::uint32_t& v) { check(in_.u32(v)); }
  void longlong(std::uint64_t& v) { check(in_.u64(v)); }
  void shortstr(std::string& v) { check(in_.shortstr(v)); }
  void longstr(std::string& v) { check(in_.longstr(v)); }
  void table(FieldTable& v);
  void bit(bool& v);

  bool failed() const { return truncated_ || table_error_.has_value(); }
  AmqpError error(MethodId id) const;

 private:
  // Any non-bit argument ends a run of packed bits.
  void check(bool ok) {
    bit_count_ = 0;
    truncated_ = truncated_ || !ok;
  }

  ByteReader& in_;
  std::uint8_t bits_ = 0;
  int bit_count_ = 0;  // bits left to consume from bits_; 0 = read a new octet on the next bit
  bool truncated_ = false;
  std::optional<AmqpError> table_error_;
};

WireResult<Method> decode_method(std::string_view payload);

template <typename M>
std::string encode_method(const M& method) {
  std::string payload;
  {
    ByteWriter head(payload);
    head.u16(M::kId.class_id);
    head.u16(M::kId.method_id);
    ArgumentWriter args(payload);
    M::fields(method, args);
  }
  return payload;
}

template <typename M>
void append_method_frame(std::string& out, std::uint16_t channel, const M& method) {
  append_frame(out, FrameType::kMethod, channel, encode_method(method));
}

}  // namespace sluice::plugins::amqp
