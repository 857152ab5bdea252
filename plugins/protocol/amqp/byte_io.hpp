// Big-endian primitives of the AMQP 0-9-1 wire: a writer that appends to a string and a
// bounds-checked reader over a byte view. The reader never reads past its view: every read
// returns false instead, and the caller turns that into a frame or syntax error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::plugins::amqp {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void bytes(std::string_view v) { out_.append(v); }
  // A shortstr holds at most 255 bytes; longer input is cut (callers keep names within 255).
  void shortstr(std::string_view v);
  void longstr(std::string_view v);
  // Where the next byte goes, and overwriting a u32 written earlier (table lengths).
  std::size_t position() const { return out_.size(); }
  void patch_u32(std::size_t at, std::uint32_t v);

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  bool u8(std::uint8_t& v);
  bool u16(std::uint16_t& v);
  bool u32(std::uint32_t& v);
  bool u64(std::uint64_t& v);
  bool bytes(std::size_t n, std::string_view& v);
  bool shortstr(std::string& v);
  bool longstr(std::string& v);

  std::size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  std::string_view rest() const { return data_.substr(pos_); }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

}  // namespace sluice::plugins::amqp
