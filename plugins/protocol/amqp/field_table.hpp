// AMQP field tables and arrays with the tag set RabbitMQ and its clients use (amqp091.md 2.2),
// not the one in the published 0-9-1 spec:
//   t bool  b i8  B u8  s i16  u u16  I i32  i u32  l i64  L i64  f float  d double
//   D decimal  S long string  x byte array  A array  T timestamp  F table  V void
// plus U (i16), which RabbitMQ's parser lacks but pika decodes; accepting it is harmless.
// Every value keeps the tag it arrived with, so a decoded table re-encodes byte for byte.
// Integers of every width are held in an int64 (u32 and below fit; `L` is read as i64, as
// RabbitMQ does). Tables nest at most kMaxDepth deep, so hostile input cannot exhaust the stack.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "byte_io.hpp"
#include "reply_codes.hpp"

namespace sluice::plugins::amqp {

struct FieldValue;
struct FieldEntry;
using FieldArray = std::vector<FieldValue>;

struct Decimal {
  std::uint8_t scale = 0;
  std::uint32_t value = 0;
  bool operator==(const Decimal&) const = default;
};

struct Void {
  bool operator==(const Void&) const = default;
};

// Entries in wire order; duplicate keys are kept as they came (lookups take the first).
struct FieldTable {
  std::vector<FieldEntry> entries;

  const FieldValue* find(std::string_view key) const;
  void set(std::string key, FieldValue value);  // replaces the first entry with that key
  bool empty() const { return entries.empty(); }
  bool operator==(const FieldTable& other) const;
};

struct FieldValue {
  char tag = 'V';
  // bool for t; int64 for b B s u U I i l L T; float for f; double for d; Decimal for D;
  // string for S x; FieldArray for A; FieldTable for F; Void for V.
  std::variant<Void, bool, std::int64_t, float, double, Decimal, std::string, FieldArray,
               FieldTable>
      value;

  static FieldValue boolean(bool v) { return {'t', v}; }
  static FieldValue i32(std::int32_t v) { return {'I', std::int64_t{v}}; }
  static FieldValue i64(std::int64_t v) { return {'l', v}; }
  static FieldValue string(std::string v) { return {'S', std::move(v)}; }
  static FieldValue bytes(std::string v) { return {'x', std::move(v)}; }
  static FieldValue table(FieldTable v) { return {'F', std::move(v)}; }
  static FieldValue timestamp(std::uint64_t v) { return {'T', static_cast<std::int64_t>(v)}; }

  // Integer tags of any width (RabbitMQ's INTEGER_ARG_TYPES plus L, U and T excluded).
  bool is_integer() const;
  std::optional<std::int64_t> as_integer() const;
  // S or x.
  const std::string* as_string() const;
  bool operator==(const FieldValue& other) const;
};

struct FieldEntry {
  std::string key;
  FieldValue value;
  bool operator==(const FieldEntry&) const = default;
};

inline constexpr int kMaxTableDepth = 64;

// The table (u32 length + entries) at the reader's position. Errors: 502 SYNTAX_ERROR for an
// unknown tag, a length past the end or nesting too deep.
WireResult<FieldTable> decode_table(ByteReader& in);
// Only the entries, without the u32 length (AMQPLAIN's response is encoded this way).
WireResult<FieldTable> decode_table_entries(std::string_view bytes);
void encode_table(ByteWriter& out, const FieldTable& table);
void encode_table_entries(ByteWriter& out, const FieldTable& table);

// For messages: a short human rendering ("60000", "'text'", "{...}") used in error texts.
std::string describe(const FieldValue& value);

}  // namespace sluice::plugins::amqp
