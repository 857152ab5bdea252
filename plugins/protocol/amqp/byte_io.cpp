#include "byte_io.hpp"

namespace sluice::plugins::amqp {

void ByteWriter::u16(std::uint16_t v) {
  u8(static_cast<std::uint8_t>(v >> 8));
  u8(static_cast<std::uint8_t>(v));
}

void ByteWriter::u32(std::uint32_t v) {
  u16(static_cast<std::uint16_t>(v >> 16));
  u16(static_cast<std::uint16_t>(v));
}

void ByteWriter::u64(std::uint64_t v) {
  u32(static_cast<std::uint32_t>(v >> 32));
  u32(static_cast<std::uint32_t>(v));
}

void ByteWriter::shortstr(std::string_view v) {
  if (v.size() > 255) v = v.substr(0, 255);
  u8(static_cast<std::uint8_t>(v.size()));
  bytes(v);
}

void ByteWriter::longstr(std::string_view v) {
  u32(static_cast<std::uint32_t>(v.size()));
  bytes(v);
}

void ByteWriter::patch_u32(std::size_t at, std::uint32_t v) {
  out_[at] = static_cast<char>(v >> 24);
  out_[at + 1] = static_cast<char>(v >> 16);
  out_[at + 2] = static_cast<char>(v >> 8);
  out_[at + 3] = static_cast<char>(v);
}

bool ByteReader::u8(std::uint8_t& v) {
  if (remaining() < 1) return false;
  v = static_cast<std::uint8_t>(data_[pos_++]);
  return true;
}

bool ByteReader::u16(std::uint16_t& v) {
  std::uint8_t hi = 0, lo = 0;
  if (remaining() < 2) return false;
  u8(hi);
  u8(lo);
  v = static_cast<std::uint16_t>((hi << 8) | lo);
  return true;
}

bool ByteReader::u32(std::uint32_t& v) {
  std::uint16_t hi = 0, lo = 0;
  if (remaining() < 4) return false;
  u16(hi);
  u16(lo);
  v = (static_cast<std::uint32_t>(hi) << 16) | lo;
  return true;
}

bool ByteReader::u64(std::uint64_t& v) {
  std::uint32_t hi = 0, lo = 0;
  if (remaining() < 8) return false;
  u32(hi);
  u32(lo);
  v = (static_cast<std::uint64_t>(hi) << 32) | lo;
  return true;
}

bool ByteReader::bytes(std::size_t n, std::string_view& v) {
  if (remaining() < n) return false;
  v = data_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool ByteReader::shortstr(std::string& v) {
  std::uint8_t n = 0;
  std::string_view s;
  if (!u8(n) || !bytes(n, s)) return false;
  v.assign(s);
  return true;
}

bool ByteReader::longstr(std::string& v) {
  std::uint32_t n = 0;
  std::string_view s;
  if (!u32(n) || !bytes(n, s)) return false;
  v.assign(s);
  return true;
}

}  // namespace sluice::plugins::amqp
