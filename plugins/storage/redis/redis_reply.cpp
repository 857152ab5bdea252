#include "redis_reply.hpp"

#include <array>
#include <charconv>

namespace sluice::plugins::redis {
namespace {

// Error prefixes that mean "the server cannot serve this now": retrying later may succeed.
constexpr std::array<std::string_view, 12> kUnavailablePrefixes = {
    "LOADING", "BUSY", "MASTERDOWN", "READONLY",  "TRYAGAIN", "CLUSTERDOWN",
    "MISCONF", "OOM",  "NOAUTH",     "WRONGPASS", "NOPERM",   "NOREPLICAS",
};

constexpr std::size_t kMaxQuoted = 64;

}  // namespace

std::string_view reply_text(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      return std::string_view(reply.str, reply.len);
    default:
      return {};
  }
}

std::optional<std::int64_t> reply_int(const redisReply& reply) {
  if (reply.type == REDIS_REPLY_INTEGER) return static_cast<std::int64_t>(reply.integer);
  if (reply.type != REDIS_REPLY_STRING || reply.len == 0) return std::nullopt;
  std::int64_t value = 0;
  const char* end = reply.str + reply.len;
  auto [ptr, ec] = std::from_chars(reply.str, end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

const redisReply* reply_element(const redisReply& reply, std::size_t i) {
  if (reply.type != REDIS_REPLY_ARRAY || i >= reply.elements) return nullptr;
  return reply.element[i];
}

bool is_error(const redisReply& reply) { return reply.type == REDIS_REPLY_ERROR; }

bool is_noscript(const redisReply& reply) {
  return is_error(reply) && reply_text(reply).starts_with("NOSCRIPT");
}

sdk::Error error_from_reply(std::string_view what, const redisReply& reply) {
  const std::string_view text = reply_text(reply);
  const std::string message = std::string(what) + ": Redis replied " + std::string(text);
  for (std::string_view prefix : kUnavailablePrefixes) {
    if (text.starts_with(prefix)) {
      return sdk::make_error(sdk::ErrorCode::kServiceUnavailable, message);
    }
  }
  if (text.starts_with("MOVED") || text.starts_with("ASK")) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           message +
                               " (a Redis Cluster redirection; this plugin speaks to one "
                               "Redis primary and cannot follow it)");
  }
  return sdk::make_error(sdk::ErrorCode::kInternal, message);
}

std::string quote_bytes(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < bytes.size() && i < kMaxQuoted; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  if (bytes.size() > kMaxQuoted) out += "...";
  out.push_back('\'');
  return out;
}

}  // namespace sluice::plugins::redis
