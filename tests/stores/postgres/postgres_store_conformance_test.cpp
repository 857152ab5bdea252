// The storage conformance kit against the PostgreSQL store on a real server (started by
// run_with_postgres.sh).
//
// By default every test gets the same store object: the kit's per-test queue names keep tests
// apart, exactly as several brokers share one schema. A new store per test, as a new broker
// would open, spends about nine tenths of the run warming up fresh server backends (PL/pgSQL
// compilation, first plans), so it is opt-in: SLUICE_PG_FRESH_STORE_PER_TEST=1. Opening stores
// is covered by postgres_store_tests and by the plugin runner (a store per test, through the
// plugin host).
#include <cstdlib>
#include <memory>
#include <mutex>

#include "postgres_test_env.hpp"
#include "sluice/testing/queue_store_conformance.hpp"

namespace {

namespace pg = sluice::plugins::postgres;

std::shared_ptr<sluice::sdk::QueueStore> open_store() {
  auto store = pg::PostgresQueueStore::open(pg::testing::test_options("conformance"), nullptr);
  if (!store.ok()) {
    ADD_FAILURE() << "cannot open the PostgreSQL store: " << store.error().message;
    return nullptr;
  }
  return std::shared_ptr<sluice::sdk::QueueStore>(std::move(*store));
}

struct PostgresStoreFactory {
  static std::shared_ptr<sluice::sdk::QueueStore> create() {
    const char* fresh = std::getenv("SLUICE_PG_FRESH_STORE_PER_TEST");
    if (fresh != nullptr && std::string(fresh) == "1") return open_store();
    static std::mutex mutex;
    static std::shared_ptr<sluice::sdk::QueueStore> shared;
    std::lock_guard lock(mutex);
    if (shared == nullptr) shared = open_store();
    return shared;
  }
};

}  // namespace

SLUICE_INSTANTIATE_QUEUE_STORE_CONFORMANCE(Postgres, PostgresStoreFactory);
