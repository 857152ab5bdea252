// The configuration of the Redis store: the plugin's option schema (what `[storage.redis]` may
// hold, with defaults) and the parsed, checked struct the store is opened with.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sluice/sdk/config.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::plugins::redis {

// `uri` (when set) is applied over host, port, user, password and database; see apply_uri.
struct RedisStoreOptions {
  std::string host = "127.0.0.1";
  std::int64_t port = 6379;
  // ACL user (Redis 6+). Empty: AUTH with the password alone (the "default" user).
  std::string user;
  // Empty: no AUTH at all.
  std::string password;
  // SELECT index. Pub/sub channels are not per database, so the index is part of channel names.
  std::int64_t database = 0;
  // Every key this store writes starts with "<key_prefix>:". Several independent Sluice
  // installations can share one Redis database with different prefixes.
  std::string key_prefix = "sluice";
  // Connections to Redis for store calls (the watcher for long-poll wake-ups has its own).
  std::int64_t pool_size = 8;
  std::int64_t connect_timeout_ms = 1000;
  // Limit for one round trip (a command or a pipeline). Also the longest a call waits for a free
  // pooled connection.
  std::int64_t command_timeout_ms = 5000;
  // After a failed connect, calls fail at once with kServiceUnavailable for this long instead of
  // each trying (and waiting for) a connect of its own.
  std::int64_t reconnect_backoff_ms = 200;
  // > 0: after every change, WAIT until this many replicas have it (or wait_timeout_ms passed;
  // then the call fails with kServiceUnavailable although the primary has the change).
  std::int64_t wait_replicas = 0;
  std::int64_t wait_timeout_ms = 1000;
  // hiredis 0.14 cannot speak TLS; options_from_config refuses true.
  bool tls = false;
};

// The option schema the plugin descriptor publishes.
std::span<const sdk::OptionSpec> redis_option_schema();

// Reads a config section already validated against redis_option_schema() (types, int ranges)
// and applies the checks a schema cannot express: tls = true (unsupported), a user without a
// password, a key prefix holding '{' or '}' (it would break the hash tags). Errors are
// kInvalidParameterValue naming the key.
sdk::Result<RedisStoreOptions> options_from_config(const sdk::PluginConfig& config);

// Sets host, port, user, password and database from
// redis://[[user]:password@]host[:port][/database] (user and password %-escaped; "secret@host"
// is a password alone; no port means 6379, no path database 0). kInvalidParameterValue naming the
// `uri` key for anything else, rediss:// (TLS) included.
sdk::Status apply_uri(std::string_view uri, RedisStoreOptions& options);

// "host:port/db" for log lines and error messages.
std::string describe_endpoint(const RedisStoreOptions& options);

}  // namespace sluice::plugins::redis
