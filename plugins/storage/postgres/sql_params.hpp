// SqlParams: statement parameters in PostgreSQL's binary wire format, so a statement takes any
// bytes (NULs in envelopes and dedup keys), and whole batches travel as single array parameters:
// a prepared statement with a fixed parameter list serves a batch of any size in one round trip.
//
// Every parameter is binary, so each placeholder in the SQL must have a known type; the store's
// statements cast every one ($1::bigint, $2::bytea[], ...). Not thread-safe; build one per call.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/binarystring>

namespace sluice::plugins::postgres {

class SqlParams {
 public:
  SqlParams& int8(std::int64_t value);
  SqlParams& int4(std::int32_t value);
  SqlParams& boolean(bool value);
  // text and bytea share the binary format: the raw bytes (text must be valid UTF-8).
  SqlParams& text(std::string_view value);
  SqlParams& bytea(std::string_view value);

  SqlParams& int8_array(std::span<const std::int64_t> values);
  SqlParams& text_array(std::span<const std::string> values);
  SqlParams& bytea_array(std::span<const std::string> values);

  const std::vector<pqxx::binarystring>& values() const { return values_; }

 private:
  void add(std::string bytes);

  std::vector<pqxx::binarystring> values_;
};

// The binary encoding of a one-dimensional array without NULLs (array_send's format), exposed
// for tests. `element_oid` is the element type's OID; each element is already encoded.
std::string encode_binary_array(std::uint32_t element_oid,
                                std::span<const std::string> encoded_elements);

// Type OIDs of the element types the store sends (pg_type.oid; fixed since PostgreSQL 7).
inline constexpr std::uint32_t kBoolOid = 16;
inline constexpr std::uint32_t kByteaOid = 17;
inline constexpr std::uint32_t kInt8Oid = 20;
inline constexpr std::uint32_t kInt4Oid = 23;
inline constexpr std::uint32_t kTextOid = 25;

}  // namespace sluice::plugins::postgres
