#include "method_codec.hpp"

#include <array>
#include <utility>

namespace sluice::plugins::amqp {

void ArgumentWriter::bit(bool v) {
  if (bit_count_ == 8) flush_bits();
  if (v) bits_ = static_cast<std::uint8_t>(bits_ | (1U << bit_count_));
  ++bit_count_;
}

void ArgumentWriter::flush_bits() {
  if (bit_count_ == 0) return;
  out_.u8(bits_);
  bits_ = 0;
  bit_count_ = 0;
}

void ArgumentReader::table(FieldTable& v) {
  bit_count_ = 0;
  if (failed()) return;
  auto decoded = decode_table(in_);
  if (decoded.ok()) {
    v = std::move(decoded).value();
  } else {
    table_error_ = decoded.error();
  }
}

void ArgumentReader::bit(bool& v) {
  if (bit_count_ == 0) {
    if (!in_.u8(bits_)) {
      truncated_ = true;
      v = false;
      return;
    }
    bit_count_ = 8;
  }
  v = (bits_ & 1U) != 0;
  bits_ = static_cast<std::uint8_t>(bits_ >> 1);
  --bit_count_;
}

AmqpError ArgumentReader::error(MethodId id) const {
  if (table_error_) {
    return amqp_error(table_error_->code, method_name(id) + ": " + table_error_->explanation);
  }
  return amqp_error(ReplyCode::kFrameError,
                    method_name(id) + " frame is too short for its arguments");
}

namespace {

template <typename M>
WireResult<Method> decode_as(ByteReader& in) {
  M method;
  ArgumentReader args(in);
  M::fields(method, args);
  if (args.failed()) return args.error(M::kId);
  return Method(std::move(method));
}

using Decoder = WireResult<Method> (*)(ByteReader&);

struct Entry {
  MethodId id;
  Decoder decode;
};

template <std::size_t... I>
constexpr auto make_table(std::index_sequence<I...>) {
  return std::array<Entry, sizeof...(I)>{
      Entry{std::variant_alternative_t<I, Method>::kId,
            &decode_as<std::variant_alternative_t<I, Method>>}...};
}

constexpr auto kDecoders = make_table(std::make_index_sequence<std::variant_size_v<Method>>{});

const char* class_name(std::uint16_t class_id) {
  switch (class_id) {
    case 10:
      return "connection";
    case 20:
      return "channel";
    case 30:
      return "access";
    case 40:
      return "exchange";
    case 50:
      return "queue";
    case 60:
      return "basic";
    case 85:
      return "confirm";
    case 90:
      return "tx";
    default:
      return nullptr;
  }
}

}  // namespace

WireResult<Method> decode_method(std::string_view payload) {
  ByteReader in(payload);
  MethodId id;
  if (!in.u16(id.class_id) || !in.u16(id.method_id)) {
    return amqp_error(ReplyCode::kFrameError, "method frame shorter than its class and method ids");
  }
  for (const auto& entry : kDecoders) {
    if (entry.id == id) return entry.decode(in);
  }
  return amqp_error(ReplyCode::kNotImplemented, "unknown method " + method_name(id));
}

MethodId method_id(const Method& method) {
  return std::visit([](const auto& m) { return std::decay_t<decltype(m)>::kId; }, method);
}

std::string method_name(MethodId id) {
  static constexpr std::pair<MethodId, const char*> kNames[] = {
      {{10, 10}, "start"},
      {{10, 11}, "start-ok"},
      {{10, 20}, "secure"},
      {{10, 21}, "secure-ok"},
      {{10, 30}, "tune"},
      {{10, 31}, "tune-ok"},
      {{10, 40}, "open"},
      {{10, 41}, "open-ok"},
      {{10, 50}, "close"},
      {{10, 51}, "close-ok"},
      {{10, 60}, "blocked"},
      {{10, 61}, "unblocked"},
      {{10, 70}, "update-secret"},
      {{10, 71}, "update-secret-ok"},
      {{20, 10}, "open"},
      {{20, 11}, "open-ok"},
      {{20, 20}, "flow"},
      {{20, 21}, "flow-ok"},
      {{20, 40}, "close"},
      {{20, 41}, "close-ok"},
      {{30, 10}, "request"},
      {{30, 11}, "request-ok"},
      {{40, 10}, "declare"},
      {{40, 11}, "declare-ok"},
      {{40, 20}, "delete"},
      {{40, 21}, "delete-ok"},
      {{40, 30}, "bind"},
      {{40, 31}, "bind-ok"},
      {{40, 40}, "unbind"},
      {{40, 51}, "unbind-ok"},
      {{50, 10}, "declare"},
      {{50, 11}, "declare-ok"},
      {{50, 20}, "bind"},
      {{50, 21}, "bind-ok"},
      {{50, 30}, "purge"},
      {{50, 31}, "purge-ok"},
      {{50, 40}, "delete"},
      {{50, 41}, "delete-ok"},
      {{50, 50}, "unbind"},
      {{50, 51}, "unbind-ok"},
      {{60, 10}, "qos"},
      {{60, 11}, "qos-ok"},
      {{60, 20}, "consume"},
      {{60, 21}, "consume-ok"},
      {{60, 30}, "cancel"},
      {{60, 31}, "cancel-ok"},
      {{60, 40}, "publish"},
      {{60, 50}, "return"},
      {{60, 60}, "deliver"},
      {{60, 70}, "get"},
      {{60, 71}, "get-ok"},
      {{60, 72}, "get-empty"},
      {{60, 80}, "ack"},
      {{60, 90}, "reject"},
      {{60, 100}, "recover-async"},
      {{60, 110}, "recover"},
      {{60, 111}, "recover-ok"},
      {{60, 120}, "nack"},
      {{85, 10}, "select"},
      {{85, 11}, "select-ok"},
      {{90, 10}, "select"},
      {{90, 11}, "select-ok"},
      {{90, 20}, "commit"},
      {{90, 21}, "commit-ok"},
      {{90, 30}, "rollback"},
      {{90, 31}, "rollback-ok"},
  };
  const char* cls = class_name(id.class_id);
  for (const auto& [key, name] : kNames) {
    if (key == id && cls) return std::string(cls) + "." + name;
  }
  return std::to_string(id.class_id) + "." + std::to_string(id.method_id);
}

}  // namespace sluice::plugins::amqp
