#include "postgres_store_options.hpp"

#include <array>

namespace sluice::plugins::postgres {
namespace {

constexpr sdk::OptionSpec kOptions[] = {
    {"conninfo", sdk::OptionType::kString, "\"\"",
     "libpq connection string or postgresql:// URI; empty = libpq defaults and the PG* "
     "environment variables",
     0, 0},
    {"schema", sdk::OptionType::kString, "\"sluice\"",
     "PostgreSQL schema for this store's tables and functions (created and migrated at start-up); "
     "installations sharing one database use different schemas",
     0, 0},
    {"pool_size", sdk::OptionType::kInt, "8",
     "connections kept for queue operations (opened on demand); size it to [broker] "
     "storage_threads or more",
     1, 1000},
    {"acquire_timeout_ms", sdk::OptionType::kInt, "5000",
     "how long an operation waits for a free pooled connection before ServiceUnavailable", 1,
     600000},
    {"connect_timeout_seconds", sdk::OptionType::kInt, "3",
     "libpq connect_timeout, unless conninfo sets one", 1, 600},
    {"reconnect_interval_ms", sdk::OptionType::kInt, "250",
     "after a failed connection attempt, fail operations at once for this long before trying "
     "again",
     0, 60000},
    {"statement_timeout_ms", sdk::OptionType::kInt, "30000",
     "statement_timeout of the store's sessions; 0 = none", 0, 86400000},
    {"synchronous_commit", sdk::OptionType::kString, "\"\"",
     "synchronous_commit for the store's sessions: on, off, local, remote_write, remote_apply; "
     "empty = the server's setting",
     0, 0},
    {"application_name", sdk::OptionType::kString, "\"sluiced\"",
     "application_name of the store's sessions (pg_stat_activity)", 0, 0},
};

constexpr std::array<std::string_view, 5> kSynchronousCommitValues = {
    "on", "off", "local", "remote_write", "remote_apply"};

sdk::Error bad(std::string_view key, std::string reason) {
  return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                         "[storage.postgres] " + std::string(key) + ": " + std::move(reason));
}

bool valid_schema_name(std::string_view name) {
  // Schema names become identifiers and part of a notification channel name: keep them plain.
  if (name.empty() || name.size() > 48) return false;
  const char first = name.front();
  if (!((first >= 'a' && first <= 'z') || first == '_')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool is_uri(std::string_view conninfo) {
  return conninfo.starts_with("postgresql://") || conninfo.starts_with("postgres://");
}

}  // namespace

std::span<const sdk::OptionSpec> postgres_option_schema() { return kOptions; }

sdk::Result<PostgresStoreOptions> options_from_config(const sdk::PluginConfig& config) {
  PostgresStoreOptions options;
  options.conninfo = config.get_string("conninfo", options.conninfo);
  options.schema = config.get_string("schema", options.schema);
  options.pool_size = config.get_int("pool_size", options.pool_size);
  options.acquire_timeout_ms = config.get_int("acquire_timeout_ms", options.acquire_timeout_ms);
  options.connect_timeout_seconds =
      config.get_int("connect_timeout_seconds", options.connect_timeout_seconds);
  options.reconnect_interval_ms =
      config.get_int("reconnect_interval_ms", options.reconnect_interval_ms);
  options.statement_timeout_ms =
      config.get_int("statement_timeout_ms", options.statement_timeout_ms);
  options.synchronous_commit = config.get_string("synchronous_commit", options.synchronous_commit);
  options.application_name = config.get_string("application_name", options.application_name);

  if (!valid_schema_name(options.schema)) {
    return bad("schema", "'" + options.schema +
                             "' is not a plain schema name (1..48 characters: a-z, 0-9, _; not "
                             "starting with a digit)");
  }
  if (!options.synchronous_commit.empty()) {
    bool known = false;
    for (std::string_view value : kSynchronousCommitValues) {
      known = known || options.synchronous_commit == value;
    }
    if (!known) {
      return bad("synchronous_commit",
                 "'" + options.synchronous_commit +
                     "' is not one of on, off, local, remote_write, remote_apply (or empty)");
    }
  }
  for (char c : options.application_name) {
    if (c < 0x20 || c > 0x7e || c == '\'' || c == '\\') {
      return bad("application_name", "must be printable ASCII without quotes or backslashes");
    }
  }
  return options;
}

std::string effective_conninfo(const PostgresStoreOptions& options) {
  std::string conninfo = options.conninfo;
  if (conninfo.find("connect_timeout") != std::string::npos) return conninfo;
  const std::string timeout = std::to_string(options.connect_timeout_seconds);
  if (is_uri(conninfo)) {
    conninfo += conninfo.find('?') == std::string::npos ? "?" : "&";
    return conninfo + "connect_timeout=" + timeout;
  }
  if (!conninfo.empty()) conninfo += ' ';
  return conninfo + "connect_timeout=" + timeout;
}

std::string quoted_schema(const PostgresStoreOptions& options) {
  // valid_schema_name() admits no quote characters, so no escaping is needed.
  return "\"" + options.schema + "\"";
}

}  // namespace sluice::plugins::postgres
