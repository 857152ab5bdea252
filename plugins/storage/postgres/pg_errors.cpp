#include "pg_errors.hpp"

#include <pqxx/except>

namespace sluice::plugins::postgres {
namespace {

using sdk::ErrorCode;

std::string where(std::string_view operation, std::string_view queue) {
  std::string out(operation);
  if (!queue.empty()) out += " on queue '" + std::string(queue) + "'";
  return out;
}

PgFailure failure(ErrorCode code, std::string message) {
  return PgFailure{sdk::make_error(code, std::move(message))};
}

PgFailure lost_connection(std::string_view operation, std::string_view queue,
                          std::string_view what) {
  PgFailure f = failure(
      ErrorCode::kServiceUnavailable,
      where(operation, queue) + ": the PostgreSQL connection was lost: " + primary_message(what));
  f.discard = true;
  f.unreachable = true;
  return f;
}

PgFailure from_sqlstate(std::string_view operation, std::string_view queue,
                        const std::string& state, std::string_view what) {
  const std::string message = primary_message(what);
  if (state == "SL001") return failure(ErrorCode::kQueueDoesNotExist, message);
  if (state == "SL002") {
    PgFailure f = failure(ErrorCode::kQueueDoesNotExist, where(operation, queue) + ": " + message);
    f.retry = true;  // a retry sees the queue gone, or the dead-letter queue gone, and adapts
    return f;
  }
  if (state == "SL003") return failure(ErrorCode::kOverLimit, message);
  if (state == "SL004") return failure(ErrorCode::kConflict, message);
  if (state == "40001" || state == "40P01") {
    PgFailure f = failure(ErrorCode::kServiceUnavailable,
                          where(operation, queue) + ": PostgreSQL kept aborting the transaction (" +
                              message + "); retry");
    f.retry = true;
    return f;
  }
  const bool connection_class = state.starts_with("08");
  const bool shutting_down = state == "57P01" || state == "57P02" || state == "57P03";
  if (connection_class || shutting_down) return lost_connection(operation, queue, what);
  if (state == "57014") {
    return failure(ErrorCode::kServiceUnavailable,
                   where(operation, queue) + ": PostgreSQL cancelled the statement (" + message +
                       "; see [storage.postgres] statement_timeout_ms)");
  }
  if (state.starts_with("53")) {  // insufficient resources: disk full, out of memory, connections
    return failure(ErrorCode::kServiceUnavailable,
                   where(operation, queue) + ": PostgreSQL is out of resources: " + message);
  }
  std::string hint;
  if (state == "42P01" || state == "42883" || state == "3F000") {
    hint = " (the store's schema is missing or incomplete: was it dropped while running?)";
  }
  return failure(ErrorCode::kInternal, where(operation, queue) + " failed: " + message +
                                           " (SQLSTATE " + state + ")" + hint);
}

}  // namespace

std::string primary_message(std::string_view what) {
  std::string_view line = what.substr(0, what.find('\n'));
  for (std::string_view prefix : {"ERROR:  ", "FATAL:  ", "PANIC:  "}) {
    if (line.starts_with(prefix)) line.remove_prefix(prefix.size());
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
  return std::string(line);
}

PgFailure classify_current_exception(std::string_view operation, std::string_view queue) {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    return lost_connection(operation, queue, e.what());
  } catch (const pqxx::in_doubt_error& e) {
    PgFailure f = failure(ErrorCode::kServiceUnavailable,
                          where(operation, queue) + ": the outcome is unknown (" +
                              primary_message(e.what()) + "); retry");
    f.discard = true;
    f.unreachable = true;
    return f;
  } catch (const pqxx::statement_completion_unknown& e) {
    PgFailure f = failure(ErrorCode::kServiceUnavailable,
                          where(operation, queue) + ": the outcome is unknown (" +
                              primary_message(e.what()) + "); retry");
    f.discard = true;
    return f;
  } catch (const pqxx::transaction_rollback& e) {
    PgFailure f = failure(ErrorCode::kServiceUnavailable,
                          where(operation, queue) + ": PostgreSQL kept aborting the transaction (" +
                              primary_message(e.what()) + "); retry");
    f.retry = true;
    return f;
  } catch (const pqxx::sql_error& e) {
    return from_sqlstate(operation, queue, e.sqlstate(), e.what());
  } catch (const std::exception& e) {
    return failure(ErrorCode::kInternal, where(operation, queue) + " failed: " + e.what());
  } catch (...) {
    return failure(ErrorCode::kInternal, where(operation, queue) + " failed");
  }
}

}  // namespace sluice::plugins::postgres
