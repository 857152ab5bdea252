#include "schema_migrations.hpp"

#include <array>

#include <pqxx/nontransaction>
#include <pqxx/transaction>

namespace sluice::plugins::postgres {
namespace {

constexpr std::string_view kPluginVersion = "0.1.0";

// One line per migration, recorded next to its version number.
constexpr std::array<std::string_view, 2> kDescriptions = {
    "queues, messages, FIFO groups, dedup records and the queue operation functions",
    "claim: in-flight census without bitmap scans, statements planned per call",
};

// The version recorded in the schema, or -1 when it has no version table yet. Runs outside any
// transaction so a missing table costs nothing but the error.
int recorded_version(pqxx::connection_base& connection, const std::string& quoted_schema) {
  pqxx::nontransaction tx(connection);
  const pqxx::result exists =
      tx.exec_params("SELECT to_regclass($1) IS NOT NULL", quoted_schema + ".schema_version");
  if (!exists[0][0].as<bool>()) return -1;
  const pqxx::result version =
      tx.exec("SELECT coalesce(max(version), 0) FROM " + quoted_schema + ".schema_version");
  return version[0][0].as<int>();
}

sdk::Error too_new(const std::string& schema, int found) {
  return sdk::make_error(sdk::ErrorCode::kUnsupportedOperation,
                         "PostgreSQL schema '" + schema + "' is at version " +
                             std::to_string(found) + ", newer than this sluice-storage-postgres (" +
                             std::string(kPluginVersion) + ") knows (version " +
                             std::to_string(latest_schema_version()) +
                             "): upgrade the plugin, or point it at another schema");
}

}  // namespace

int latest_schema_version() { return static_cast<int>(migration_sql().size()); }

std::string render_sql(std::string_view sql, std::string_view quoted_schema) {
  constexpr std::string_view kPlaceholder = "@S@";
  std::string out;
  out.reserve(sql.size() + sql.size() / 8);
  std::size_t from = 0;
  while (true) {
    const std::size_t at = sql.find(kPlaceholder, from);
    if (at == std::string_view::npos) break;
    out.append(sql.substr(from, at - from));
    out.append(quoted_schema);
    from = at + kPlaceholder.size();
  }
  out.append(sql.substr(from));
  return out;
}

sdk::Status migrate_schema(pqxx::connection_base& connection, const std::string& schema,
                           const std::string& quoted_schema, int& applied) {
  static_assert(kDescriptions.size() > 0);
  applied = 0;
  const int latest = latest_schema_version();
  const int seen = recorded_version(connection, quoted_schema);
  if (seen == latest) return sdk::Status::Ok();
  if (seen > latest) return too_new(schema, seen);

  pqxx::work tx(connection);
  // Brokers starting together take turns here; the lock ends with the transaction.
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                 "sluice-storage-postgres:" + schema);
  tx.exec("CREATE SCHEMA IF NOT EXISTS " + quoted_schema);
  tx.exec("CREATE TABLE IF NOT EXISTS " + quoted_schema +
          ".schema_version (version integer PRIMARY KEY, description text NOT NULL, "
          "plugin_version text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
  const int current =
      tx.exec("SELECT coalesce(max(version), 0) FROM " + quoted_schema + ".schema_version")[0][0]
          .as<int>();
  if (current > latest) {
    tx.abort();
    return too_new(schema, current);
  }
  const auto sql = migration_sql();
  for (int version = current + 1; version <= latest; ++version) {
    tx.exec(render_sql(sql[static_cast<std::size_t>(version - 1)], quoted_schema));
    const std::size_t index = static_cast<std::size_t>(version - 1);
    tx.exec_params("INSERT INTO " + quoted_schema +
                       ".schema_version (version, description, plugin_version) "
                       "VALUES ($1, $2, $3)",
                   version,
                   index < kDescriptions.size()
                       ? std::string(kDescriptions[index])
                       : std::string("migration ") + std::to_string(version),
                   std::string(kPluginVersion));
    ++applied;
  }
  tx.commit();
  return sdk::Status::Ok();
}

}  // namespace sluice::plugins::postgres
