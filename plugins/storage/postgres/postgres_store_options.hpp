// The configuration of the PostgreSQL store: the option schema of `[storage.postgres]` (what the
// host validates and documents) and the parsed struct the store is opened with.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sluice/sdk/config.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::plugins::postgres {

struct PostgresStoreOptions {
  // libpq connection string ("host=db1 dbname=sluice user=sluice") or URI
  // ("postgresql://sluice@db1/sluice"). Empty: libpq's defaults and the PG* environment variables
  // (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, ...).
  std::string conninfo;
  // The PostgreSQL schema holding every table and function of this store. Several Sluice
  // installations (or test runs) share one database by using different schemas.
  std::string schema = "sluice";
  // Connections the store keeps open for queue operations (created on demand, at most this many).
  // Two more are opened per broker: one to send wake-up notifications and one to listen for them.
  std::int64_t pool_size = 8;
  // How long an operation waits for a free pooled connection before failing with
  // kServiceUnavailable.
  std::int64_t acquire_timeout_ms = 5000;
  // libpq connect_timeout (seconds) unless the conninfo sets its own.
  std::int64_t connect_timeout_seconds = 3;
  // After a failed connection attempt, operations fail at once (kServiceUnavailable) for this
  // long before the next attempt, so an outage costs callers no waiting.
  std::int64_t reconnect_interval_ms = 250;
  // PostgreSQL statement_timeout for the store's sessions (0 = none).
  std::int64_t statement_timeout_ms = 30000;
  // Empty: the server's synchronous_commit. Otherwise one of on, off, local, remote_write,
  // remote_apply, set for the store's sessions.
  std::string synchronous_commit;
  // Reported in pg_stat_activity.
  std::string application_name = "sluiced";
};

// The option schema the plugin descriptor publishes.
std::span<const sdk::OptionSpec> postgres_option_schema();

// Reads a config section already validated against postgres_option_schema() and checks what the
// schema cannot express (schema name syntax, synchronous_commit values): kInvalidParameterValue
// naming the key.
sdk::Result<PostgresStoreOptions> options_from_config(const sdk::PluginConfig& config);

// `options.conninfo` with connect_timeout added when it does not set one (keyword/value strings
// get " connect_timeout=N", URIs "?connect_timeout=N" or "&connect_timeout=N").
std::string effective_conninfo(const PostgresStoreOptions& options);

// The schema name as a quoted SQL identifier ("sluice").
std::string quoted_schema(const PostgresStoreOptions& options);

}  // namespace sluice::plugins::postgres
