// The store's schema in PostgreSQL and how it is created and upgraded.
//
// Migrations are forward-only: migration N (the SQL files listed for it in CMakeLists.txt) takes
// a schema from version N-1 to N, and the version table records each one applied. They run at
// start-up inside one transaction that first takes an advisory lock named after the schema, so
// brokers starting together take turns: the first migrates, the others find the work done. Every
// statement is idempotent (IF NOT EXISTS, CREATE OR REPLACE) as a second line of defence. A
// schema newer than this plugin knows stops start-up: an old broker must never run against data
// a newer one has reshaped.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <pqxx/connection>

#include "sluice/sdk/result.hpp"

namespace sluice::plugins::postgres {

// Migration N's SQL is element N-1; @S@ stands for the quoted schema name. Generated from sql/.
std::span<const std::string_view> migration_sql();

// The schema version this plugin creates and understands.
int latest_schema_version();

// `sql` with every @S@ replaced by `quoted_schema`.
std::string render_sql(std::string_view sql, std::string_view quoted_schema);

// Brings schema `schema` (plain name; `quoted_schema` is its quoted form) up to
// latest_schema_version(). Returns kUnsupportedOperation, with a message naming both versions, if
// the schema is newer; database failures come out as pqxx exceptions for the caller to map.
// `applied` is set to the number of migrations this call applied.
sdk::Status migrate_schema(pqxx::connection_base& connection, const std::string& schema,
                           const std::string& quoted_schema, int& applied);

}  // namespace sluice::plugins::postgres
