#include "redis_store_options.hpp"

#include <charconv>
#include <optional>

namespace sluice::plugins::redis {
namespace {

constexpr sdk::OptionSpec kOptions[] = {
    {"uri", sdk::OptionType::kString, "\"\"",
     "redis://[[user]:password@]host[:port][/database]; when set it replaces host, port, user, "
     "password and database",
     0, 0},
    {"host", sdk::OptionType::kString, "\"127.0.0.1\"", "Redis host name or IP address", 0, 0},
    {"port", sdk::OptionType::kInt, "6379", "Redis TCP port", 1, 65535},
    {"user", sdk::OptionType::kString, "\"\"",
     "ACL user name (Redis 6+); empty authenticates as the default user", 0, 0},
    {"password", sdk::OptionType::kString, "\"\"", "password for AUTH; empty sends no AUTH", 0, 0},
    {"database", sdk::OptionType::kInt, "0", "database index (SELECT)", 0, 1 << 20},
    {"key_prefix", sdk::OptionType::kString, "\"sluice\"",
     "every key starts with \"<key_prefix>:\"; must not contain '{' or '}'", 0, 0},
    {"pool_size", sdk::OptionType::kInt, "8",
     "connections for store calls (at least the broker's storage_threads)", 1, 256},
    {"connect_timeout_ms", sdk::OptionType::kInt, "1000", "TCP connect timeout in milliseconds", 1,
     600000},
    {"command_timeout_ms", sdk::OptionType::kInt, "5000",
     "limit for one round trip, and for waiting for a free connection, in milliseconds", 1, 600000},
    {"reconnect_backoff_ms", sdk::OptionType::kInt, "200",
     "after a failed connect, calls fail at once (ServiceUnavailable) for this long", 0, 60000},
    {"wait_replicas", sdk::OptionType::kInt, "0",
     "after each change, WAIT for this many replicas to acknowledge it (0 = do not wait)", 0, 1000},
    {"wait_timeout_ms", sdk::OptionType::kInt, "1000",
     "how long WAIT may take before the call fails with ServiceUnavailable", 1, 600000},
    {"tls", sdk::OptionType::kBool, "false",
     "TLS to Redis; not supported (hiredis 0.14 has no TLS): true is refused", 0, 0},
};

sdk::Error bad_option(const std::string& key, const std::string& why) {
  return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                         "[storage.redis] " + key + ": " + why);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes of a URI's user information; nullopt for a broken escape.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_digit(text[i + 1]);
    const int low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::optional<std::int64_t> parse_number(std::string_view text) {
  std::int64_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

sdk::Status apply_uri(std::string_view uri, RedisStoreOptions& options) {
  // The user information never appears in a message: it holds the password.
  std::string shown(uri);
  if (const std::size_t at = shown.rfind('@'); at != std::string::npos) {
    const std::size_t scheme = shown.find("://");
    const std::size_t from = scheme == std::string::npos ? 0 : scheme + 3;
    if (at >= from) shown.replace(from, at - from, "***");
  }
  const auto bad = [&](const std::string& why) {
    return bad_option("uri", "'" + shown + "' " + why);
  };
  constexpr std::string_view kScheme = "redis://";
  if (uri.starts_with("rediss://")) {
    return bad("asks for TLS (rediss://), which this plugin cannot do: hiredis 0.14 has no TLS");
  }
  if (!uri.starts_with(kScheme)) return bad("does not start with redis://");
  std::string_view rest = uri.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return bad("has a query or fragment, which this plugin does not read");
  }
  std::string_view path;
  if (const std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::string_view user = userinfo;
    std::string_view password;
    if (const std::size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      password = userinfo.substr(colon + 1);
    } else {
      // "redis://secret@host": a password alone, as redis-cli reads it.
      password = userinfo;
      user = {};
    }
    auto decoded_user = percent_decode(user);
    auto decoded_password = percent_decode(password);
    if (!decoded_user || !decoded_password) return bad("has a broken %-escape");
    options.user = *decoded_user;
    options.password = *decoded_password;
  } else {
    options.user.clear();
    options.password.clear();
  }
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with('[')) {  // [IPv6]:port
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("has an unclosed '['");
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("has text after the IPv6 address");
      port = after.substr(1);
    }
  } else if (const std::size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return bad("names no host");
  options.host = std::string(host);
  options.port = 6379;
  if (!port.empty()) {
    const auto number = parse_number(port);
    if (!number || *number < 1 || *number > 65535) return bad("has a bad port");
    options.port = *number;
  }
  options.database = 0;
  if (!path.empty()) {
    const auto number = parse_number(path);
    if (!number) return bad("has a bad database index (the path must be a number)");
    options.database = *number;
  }
  return sdk::Status::Ok();
}

std::span<const sdk::OptionSpec> redis_option_schema() { return kOptions; }

sdk::Result<RedisStoreOptions> options_from_config(const sdk::PluginConfig& config) {
  RedisStoreOptions options;
  options.host = config.get_string("host", options.host);
  options.port = config.get_int("port", options.port);
  options.user = config.get_string("user", options.user);
  options.password = config.get_string("password", options.password);
  options.database = config.get_int("database", options.database);
  options.key_prefix = config.get_string("key_prefix", options.key_prefix);
  options.pool_size = config.get_int("pool_size", options.pool_size);
  options.connect_timeout_ms = config.get_int("connect_timeout_ms", options.connect_timeout_ms);
  options.command_timeout_ms = config.get_int("command_timeout_ms", options.command_timeout_ms);
  options.reconnect_backoff_ms =
      config.get_int("reconnect_backoff_ms", options.reconnect_backoff_ms);
  options.wait_replicas = config.get_int("wait_replicas", options.wait_replicas);
  options.wait_timeout_ms = config.get_int("wait_timeout_ms", options.wait_timeout_ms);
  options.tls = config.get_bool("tls", options.tls);
  if (const std::string uri = config.get_string("uri"); !uri.empty()) {
    if (auto applied = apply_uri(uri, options); !applied.ok()) return applied.error();
  }

  if (options.tls) {
    return bad_option(
        "tls",
        "true is not supported: this plugin is built on hiredis 0.14 (Debian 12), "
        "which has no TLS support. Reach Redis over a trusted network or through a TLS "
        "tunnel (stunnel, spiped, ssh) and set tls = false");
  }
  if (options.host.empty()) return bad_option("host", "must not be empty");
  if (!options.user.empty() && options.password.empty()) {
    return bad_option("user", "an ACL user needs a password (set password as well)");
  }
  if (options.key_prefix.empty()) return bad_option("key_prefix", "must not be empty");
  if (options.key_prefix.find_first_of("{}") != std::string::npos) {
    return bad_option("key_prefix", "'" + options.key_prefix +
                                        "' contains '{' or '}', which would break the per-queue "
                                        "hash tags");
  }
  return options;
}

std::string describe_endpoint(const RedisStoreOptions& options) {
  return options.host + ":" + std::to_string(options.port) + "/" + std::to_string(options.database);
}

}  // namespace sluice::plugins::redis
