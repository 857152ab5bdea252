// PostgresQueueStore::run (private to the store's .cpp files) and small helpers for reading rows.
#pragma once

#include <exception>
#include <string>
#include <utility>

#include <pqxx/binarystring>
#include <pqxx/field>
#include <pqxx/nontransaction>
#include <pqxx/prepared_statement>
#include <pqxx/result>
#include <pqxx/row>

#include "pg_errors.hpp"
#include "postgres_queue_store.hpp"
#include "sql_params.hpp"
#include "statements.hpp"

namespace sluice::plugins::postgres {

template <typename T, typename Body>
sdk::Result<T> PostgresQueueStore::run(std::string_view operation, std::string_view queue,
                                       Body&& body) {
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    auto lease = pool_->acquire();
    if (!lease.ok()) {
      return sdk::make_error(lease.code(), std::string(operation) + " on queue '" +
                                               std::string(queue) + "': " + lease.error().message);
    }
    PgFailure failure{sdk::make_error(sdk::ErrorCode::kInternal, "")};
    try {
      return body(lease->connection());
    } catch (...) {
      failure = classify_current_exception(operation, queue);
    }
    if (failure.discard) lease->discard();
    if (failure.unreachable) {
      pool_->discard_idle();
      pool_->note_unreachable(failure.error.message);
    }
    if (!failure.retry || attempt == kAttempts) return failure.error;
  }
}

// Runs prepared statement `name` in autocommit (one round trip, one transaction).
inline pqxx::result exec(pqxx::connection& connection, const char* name, const SqlParams& params) {
  pqxx::nontransaction tx(connection);
  return tx.exec_prepared(name, pqxx::prepare::make_dynamic_params(params.values()));
}

// A bytea column as raw bytes.
inline std::string bytes_of(const pqxx::field& field) {
  if (field.is_null()) return {};
  return pqxx::binarystring(field).str();
}

// A text column (empty when NULL).
inline std::string text_of(const pqxx::field& field) {
  if (field.is_null()) return {};
  return std::string(field.c_str(), field.size());
}

// A queue row: id, name, fifo, generation, version, metadata.
inline sdk::QueueRecord queue_record_of(const pqxx::row& row) {
  sdk::QueueRecord record;
  record.name = text_of(row[1]);
  record.fifo = row[2].as<bool>();
  record.generation = static_cast<std::uint64_t>(row[3].as<std::int64_t>());
  record.version = static_cast<std::uint64_t>(row[4].as<std::int64_t>());
  record.metadata = bytes_of(row[5]);
  return record;
}

}  // namespace sluice::plugins::postgres
