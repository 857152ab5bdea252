#include "sql_params.hpp"

namespace sluice::plugins::postgres {
namespace {

void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

std::string int8_bytes(std::int64_t value) {
  std::string out;
  put_u64(out, static_cast<std::uint64_t>(value));
  return out;
}

}  // namespace

std::string encode_binary_array(std::uint32_t element_oid,
                                std::span<const std::string> encoded_elements) {
  std::string out;
  std::size_t payload = 0;
  for (const auto& e : encoded_elements) payload += 4 + e.size();
  out.reserve(20 + payload);
  if (encoded_elements.empty()) {
    put_u32(out, 0);  // no dimensions: the empty array
    put_u32(out, 0);  // no NULLs
    put_u32(out, element_oid);
    return out;
  }
  put_u32(out, 1);  // one dimension
  put_u32(out, 0);  // no NULLs
  put_u32(out, element_oid);
  put_u32(out, static_cast<std::uint32_t>(encoded_elements.size()));
  put_u32(out, 1);  // lower bound
  for (const auto& e : encoded_elements) {
    put_u32(out, static_cast<std::uint32_t>(e.size()));
    out += e;
  }
  return out;
}

void SqlParams::add(std::string bytes) {
  values_.emplace_back(static_cast<const void*>(bytes.data()), bytes.size());
}

SqlParams& SqlParams::int8(std::int64_t value) {
  add(int8_bytes(value));
  return *this;
}

SqlParams& SqlParams::int4(std::int32_t value) {
  std::string out;
  put_u32(out, static_cast<std::uint32_t>(value));
  add(std::move(out));
  return *this;
}

SqlParams& SqlParams::boolean(bool value) {
  add(std::string(1, value ? '\1' : '\0'));
  return *this;
}

SqlParams& SqlParams::text(std::string_view value) {
  add(std::string(value));
  return *this;
}

SqlParams& SqlParams::bytea(std::string_view value) {
  add(std::string(value));
  return *this;
}

SqlParams& SqlParams::int8_array(std::span<const std::int64_t> values) {
  std::vector<std::string> encoded;
  encoded.reserve(values.size());
  for (std::int64_t v : values) encoded.push_back(int8_bytes(v));
  add(encode_binary_array(kInt8Oid, encoded));
  return *this;
}

SqlParams& SqlParams::text_array(std::span<const std::string> values) {
  add(encode_binary_array(kTextOid, values));
  return *this;
}

SqlParams& SqlParams::bytea_array(std::span<const std::string> values) {
  add(encode_binary_array(kByteaOid, values));
  return *this;
}

}  // namespace sluice::plugins::postgres
