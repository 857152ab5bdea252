#include "field_table.hpp"

#include <bit>
#include <cstdio>

namespace sluice::plugins::amqp {
namespace {

AmqpError bad_table(std::string what) {
  return amqp_error(ReplyCode::kSyntaxError, "malformed field table: " + std::move(what));
}

WireResult<FieldValue> decode_value(ByteReader& in, char tag, int depth);
WireResult<FieldTable> decode_table_at(ByteReader& in, int depth);

WireResult<FieldTable> decode_entries(ByteReader& in, int depth) {
  if (depth > kMaxTableDepth) return bad_table("nested deeper than 64 levels");
  FieldTable table;
  while (!in.empty()) {
    FieldEntry entry;
    std::uint8_t tag = 0;
    if (!in.shortstr(entry.key) || !in.u8(tag)) return bad_table("truncated entry");
    auto value = decode_value(in, static_cast<char>(tag), depth);
    if (!value.ok()) return value.error();
    entry.value = std::move(value).value();
    table.entries.push_back(std::move(entry));
  }
  return table;
}

WireResult<FieldArray> decode_array(ByteReader& in, int depth) {
  if (depth > kMaxTableDepth) return bad_table("nested deeper than 64 levels");
  std::uint32_t size = 0;
  std::string_view body;
  if (!in.u32(size) || !in.bytes(size, body)) return bad_table("array longer than its container");
  ByteReader items(body);
  FieldArray array;
  while (!items.empty()) {
    std::uint8_t tag = 0;
    items.u8(tag);
    auto value = decode_value(items, static_cast<char>(tag), depth);
    if (!value.ok()) return value.error();
    array.push_back(std::move(value).value());
  }
  return array;
}

template <typename Unsigned, typename Signed>
bool read_int(ByteReader& in, bool is_signed, std::int64_t& out) {
  Unsigned raw = 0;
  bool ok = false;
  if constexpr (sizeof(Unsigned) == 1) ok = in.u8(raw);
  if constexpr (sizeof(Unsigned) == 2) ok = in.u16(raw);
  if constexpr (sizeof(Unsigned) == 4) ok = in.u32(raw);
  if constexpr (sizeof(Unsigned) == 8) ok = in.u64(raw);
  if (!ok) return false;
  out = is_signed ? static_cast<std::int64_t>(static_cast<Signed>(raw))
                  : static_cast<std::int64_t>(raw);
  return true;
}

WireResult<FieldValue> decode_value(ByteReader& in, char tag, int depth) {
  FieldValue v;
  v.tag = tag;
  std::int64_t i = 0;
  bool ok = true;
  switch (tag) {
    case 't': {
      std::uint8_t b = 0;
      ok = in.u8(b);
      v.value = b != 0;
      break;
    }
    case 'b':
      ok = read_int<std::uint8_t, std::int8_t>(in, true, i);
      v.value = i;
      break;
    case 'B':
      ok = read_int<std::uint8_t, std::int8_t>(in, false, i);
      v.value = i;
      break;
    case 's':
    case 'U':
      ok = read_int<std::uint16_t, std::int16_t>(in, true, i);
      v.value = i;
      break;
    case 'u':
      ok = read_int<std::uint16_t, std::int16_t>(in, false, i);
      v.value = i;
      break;
    case 'I':
      ok = read_int<std::uint32_t, std::int32_t>(in, true, i);
      v.value = i;
      break;
    case 'i':
      ok = read_int<std::uint32_t, std::int32_t>(in, false, i);
      v.value = i;
      break;
    case 'l':
    case 'L':
    case 'T':
      ok = read_int<std::uint64_t, std::int64_t>(in, true, i);
      v.value = i;
      break;
    case 'f': {
      std::uint32_t raw = 0;
      ok = in.u32(raw);
      v.value = std::bit_cast<float>(raw);
      break;
    }
    case 'd': {
      std::uint64_t raw = 0;
      ok = in.u64(raw);
      v.value = std::bit_cast<double>(raw);
      break;
    }
    case 'D': {
      Decimal d;
      ok = in.u8(d.scale) && in.u32(d.value);
      v.value = d;
      break;
    }
    case 'S':
    case 'x': {
      std::string s;
      ok = in.longstr(s);
      v.value = std::move(s);
      break;
    }
    case 'A': {
      auto array = decode_array(in, depth + 1);
      if (!array.ok()) return array.error();
      v.value = std::move(array).value();
      break;
    }
    case 'F': {
      auto table = decode_table_at(in, depth + 1);
      if (!table.ok()) return table.error();
      v.value = std::move(table).value();
      break;
    }
    case 'V':
      v.value = Void{};
      break;
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(tag));
      return bad_table(std::string("unknown field type tag ") + hex);
    }
  }
  if (!ok) return bad_table(std::string("value of type '") + tag + "' runs past the end");
  return v;
}

WireResult<FieldTable> decode_table_at(ByteReader& in, int depth) {
  std::uint32_t size = 0;
  std::string_view body;
  if (!in.u32(size)) return bad_table("truncated length");
  if (!in.bytes(size, body)) return bad_table("table longer than its container");
  ByteReader entries(body);
  return decode_entries(entries, depth);
}

void encode_value(ByteWriter& out, const FieldValue& v);

template <typename T>
T get_or(const FieldValue& v, T fallback) {
  if (const T* p = std::get_if<T>(&v.value)) return *p;
  return fallback;
}

void encode_value(ByteWriter& out, const FieldValue& v) {
  out.u8(static_cast<std::uint8_t>(v.tag));
  const std::int64_t i = get_or<std::int64_t>(v, 0);
  switch (v.tag) {
    case 't':
      out.u8(get_or<bool>(v, false) ? 1 : 0);
      break;
    case 'b':
    case 'B':
      out.u8(static_cast<std::uint8_t>(i));
      break;
    case 's':
    case 'U':
    case 'u':
      out.u16(static_cast<std::uint16_t>(i));
      break;
    case 'I':
    case 'i':
      out.u32(static_cast<std::uint32_t>(i));
      break;
    case 'l':
    case 'L':
    case 'T':
      out.u64(static_cast<std::uint64_t>(i));
      break;
    case 'f':
      out.u32(std::bit_cast<std::uint32_t>(get_or<float>(v, 0.0F)));
      break;
    case 'd':
      out.u64(std::bit_cast<std::uint64_t>(get_or<double>(v, 0.0)));
      break;
    case 'D': {
      const auto d = get_or<Decimal>(v, Decimal{});
      out.u8(d.scale);
      out.u32(d.value);
      break;
    }
    case 'S':
    case 'x': {
      const auto* s = std::get_if<std::string>(&v.value);
      out.longstr(s ? *s : std::string());
      break;
    }
    case 'A': {
      const std::size_t at = out.position();
      out.u32(0);
      if (const auto* a = std::get_if<FieldArray>(&v.value)) {
        for (const auto& item : *a) encode_value(out, item);
      }
      out.patch_u32(at, static_cast<std::uint32_t>(out.position() - at - 4));
      break;
    }
    case 'F': {
      const auto* t = std::get_if<FieldTable>(&v.value);
      encode_table(out, t ? *t : FieldTable{});
      break;
    }
    default:
      break;  // 'V' has no payload
  }
}

}  // namespace

const FieldValue* FieldTable::find(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

void FieldTable::set(std::string key, FieldValue value) {
  for (auto& e : entries) {
    if (e.key == key) {
      e.value = std::move(value);
      return;
    }
  }
  entries.push_back(FieldEntry{std::move(key), std::move(value)});
}

bool FieldTable::operator==(const FieldTable& other) const { return entries == other.entries; }

bool FieldValue::is_integer() const {
  switch (tag) {
    case 'b':
    case 'B':
    case 's':
    case 'U':
    case 'u':
    case 'I':
    case 'i':
    case 'l':
    case 'L':
      return true;
    default:
      return false;
  }
}

std::optional<std::int64_t> FieldValue::as_integer() const {
  if (!is_integer()) return std::nullopt;
  return std::get<std::int64_t>(value);
}

const std::string* FieldValue::as_string() const {
  if (tag != 'S' && tag != 'x') return nullptr;
  return std::get_if<std::string>(&value);
}

bool FieldValue::operator==(const FieldValue& other) const {
  if (tag != other.tag) return false;
  // Compare floats by bit pattern, so NaN payloads survive a round trip check.
  if (const auto* f = std::get_if<float>(&value)) {
    const auto* g = std::get_if<float>(&other.value);
    return g && std::bit_cast<std::uint32_t>(*f) == std::bit_cast<std::uint32_t>(*g);
  }
  if (const auto* d = std::get_if<double>(&value)) {
    const auto* e = std::get_if<double>(&other.value);
    return e && std::bit_cast<std::uint64_t>(*d) == std::bit_cast<std::uint64_t>(*e);
  }
  return value == other.value;
}

WireResult<FieldTable> decode_table(ByteReader& in) { return decode_table_at(in, 0); }

WireResult<FieldTable> decode_table_entries(std::string_view bytes) {
  ByteReader entries(bytes);
  return decode_entries(entries, 0);
}

void encode_table(ByteWriter& out, const FieldTable& table) {
  const std::size_t at = out.position();
  out.u32(0);
  encode_table_entries(out, table);
  out.patch_u32(at, static_cast<std::uint32_t>(out.position() - at - 4));
}

void encode_table_entries(ByteWriter& out, const FieldTable& table) {
  for (const auto& e : table.entries) {
    out.shortstr(e.key);
    encode_value(out, e.value);
  }
}

std::string describe(const FieldValue& value) {
  if (auto i = value.as_integer()) return std::to_string(*i);
  if (const auto* s = value.as_string()) return "'" + s->substr(0, 100) + "'";
  if (const auto* b = std::get_if<bool>(&value.value)) return *b ? "true" : "false";
  if (value.tag == 'V') return "void";
  return std::string("a value of type '") + value.tag + "'";
}

}  // namespace sluice::plugins::amqp
