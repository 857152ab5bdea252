#include "script_reply.hpp"

#include <charconv>

namespace sluice::plugins::redis {

std::string_view script_status(const redisReply& reply) {
  const redisReply* first = reply_element(reply, 0);
  return first == nullptr ? std::string_view() : reply_text(*first);
}

std::string field_bytes(const redisReply& reply, std::size_t i) {
  const redisReply* field = reply_element(reply, i);
  if (field == nullptr || field->type != REDIS_REPLY_STRING) return {};
  return std::string(field->str, field->len);
}

std::optional<std::int64_t> field_int(const redisReply& reply, std::size_t i) {
  const redisReply* field = reply_element(reply, i);
  if (field == nullptr) return std::nullopt;
  return reply_int(*field);
}

std::optional<std::uint64_t> field_u64(const redisReply& reply, std::size_t i) {
  const redisReply* field = reply_element(reply, i);
  if (field == nullptr) return std::nullopt;
  if (field->type == REDIS_REPLY_INTEGER) {
    if (field->integer < 0) return std::nullopt;
    return static_cast<std::uint64_t>(field->integer);
  }
  if (field->type != REDIS_REPLY_STRING || field->len == 0) return std::nullopt;
  std::uint64_t value = 0;
  const char* end = field->str + field->len;
  auto [ptr, ec] = std::from_chars(field->str, end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

std::size_t field_count(const redisReply& reply) {
  return reply.type == REDIS_REPLY_ARRAY ? reply.elements : 0;
}

sdk::Error unexpected_reply(std::string_view script, const redisReply& reply) {
  std::string shape;
  if (reply.type == REDIS_REPLY_ARRAY) {
    shape = "an array of " + std::to_string(reply.elements) + " starting with " +
            quote_bytes(script_status(reply));
  } else {
    shape = "a reply of type " + std::to_string(reply.type) + " " + quote_bytes(reply_text(reply));
  }
  return sdk::make_error(sdk::ErrorCode::kInternal,
                         "the Redis script " + std::string(script) + ".lua answered " + shape);
}

}  // namespace sluice::plugins::redis
