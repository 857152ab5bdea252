// Early-return helpers for code that chains many fallible RocksDB steps. Both work in any function
// returning sdk::Status or sdk::Result<T>, with an expression of either type: the error converts.
#pragma once

#include <utility>

#define SLUICE_RDB_CONCAT_INNER(a, b) a##b
#define SLUICE_RDB_CONCAT(a, b) SLUICE_RDB_CONCAT_INNER(a, b)

// Returns the error of a Status or Result<T> expression, if any.
#define SLUICE_RDB_RETURN_IF_ERROR(expr)                           \
  do {                                                             \
    auto&& sluice_rdb_status = (expr);                             \
    if (!sluice_rdb_status.ok()) return sluice_rdb_status.error(); \
  } while (0)

// `lhs = value of a Result<T> expression`, or returns its error.
#define SLUICE_RDB_ASSIGN_OR_RETURN(lhs, expr) \
  SLUICE_RDB_ASSIGN_IMPL(SLUICE_RDB_CONCAT(sluice_rdb_result_, __LINE__), lhs, expr)
#define SLUICE_RDB_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.error();           \
  lhs = std::move(tmp).value()
