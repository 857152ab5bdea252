// What the PostgreSQL store tests share: the server run_with_postgres.sh started (found through
// SLUICE_PG_CONNINFO) and store options pointing at it.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include "postgres_queue_store.hpp"

namespace sluice::plugins::postgres::testing {

// The server's connection string, or "" (with a test failure saying how to run the tests).
inline std::string test_conninfo() {
  const char* conninfo = std::getenv("SLUICE_PG_CONNINFO");
  if (conninfo == nullptr || *conninfo == '\0') {
    ADD_FAILURE() << "SLUICE_PG_CONNINFO is not set: run this test through "
                     "tests/stores/postgres/run_with_postgres.sh, which starts a server";
    return {};
  }
  return conninfo;
}

// Options for a store on the test server in `schema`, with quick failure settings.
inline PostgresStoreOptions test_options(const std::string& schema) {
  PostgresStoreOptions options;
  options.conninfo = test_conninfo();
  options.schema = schema;
  options.pool_size = 6;
  options.acquire_timeout_ms = 5000;
  options.reconnect_interval_ms = 100;
  options.statement_timeout_ms = 20000;
  options.application_name = "sluice-test";
  return options;
}

// A schema name no other test (or run) uses.
inline std::string fresh_schema(const std::string& stem) {
  std::random_device device;
  std::mt19937_64 engine((static_cast<std::uint64_t>(device()) << 32) ^ device());
  return stem + "_" + std::to_string(engine() % 1'000'000'000);
}

}  // namespace sluice::plugins::postgres::testing
