// The PostgreSQL store's own behaviour on a real server (run_with_postgres.sh): schema creation
// and migration, schemas as separate installations, wake-ups across stores, and recovery from
// connections the server dropped.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "postgres_test_env.hpp"
#include "schema_migrations.hpp"

namespace sluice::plugins::postgres::testing {
namespace {

using namespace std::chrono_literals;

sdk::TimePoint t0() { return sdk::from_unix_millis(1'700'000'000'000); }

std::unique_ptr<PostgresQueueStore> open_store(const PostgresStoreOptions& options) {
  auto store = PostgresQueueStore::open(options, nullptr);
  EXPECT_TRUE(store.ok()) << store.error().message;
  return store.ok() ? std::move(*store) : nullptr;
}

sdk::NewMessage message(const std::string& id) {
  sdk::NewMessage m;
  m.message_id = id;
  m.envelope = "body of " + id;
  m.sent_at = t0();
  m.visible_at = t0();
  return m;
}

sdk::Status append_one(sdk::QueueStore& store, const std::string& queue, const std::string& id) {
  std::vector<sdk::NewMessage> batch{message(id)};
  sdk::AppendSpec spec;
  spec.now = t0();
  auto appended = store.append(queue, batch, spec);
  if (!appended.ok()) return appended.error();
  return sdk::Status::Ok();
}

// Runs SQL on the test server outside any store.
pqxx::result admin(const std::string& sql) {
  pqxx::connection connection(test_conninfo());
  pqxx::nontransaction tx(connection);
  return tx.exec(sql);
}

// Terminates the backends of `application_name` whose last query starts with `query_prefix`
// (any query if empty); returns how many.
int terminate_backends(const std::string& application_name, const std::string& query_prefix = "") {
  pqxx::connection connection(test_conninfo());
  pqxx::nontransaction tx(connection);
  const auto rows = tx.exec_params(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE application_name = $1 AND query LIKE $2 AND pid <> pg_backend_pid()",
      application_name, query_prefix + "%");
  return rows[0][0].as<int>();
}

// Waits until `application_name` has a backend whose last query starts with `prefix`.
bool wait_for_backend(const std::string& application_name, const std::string& prefix) {
  for (int i = 0; i < 100; ++i) {
    pqxx::connection connection(test_conninfo());
    pqxx::nontransaction tx(connection);
    const auto rows = tx.exec_params(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE $2",
        application_name, prefix + "%");
    if (rows[0][0].as<int>() > 0) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// Counts watch callbacks and lets a test wait for the next one.
class Wakes {
 public:
  std::function<void()> callback() {
    return [this] {
      std::lock_guard lock(mutex_);
      ++count_;
      changed_.notify_all();
    };
  }
  // Waits until more than `seen` callbacks happened; false on timeout.
  bool wait_beyond(int seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return count_ > seen; });
  }
  int count() {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
};

TEST(PostgresSchemaMigration, BrokersStartingTogetherMigrateTheSchemaExactlyOnce) {
  const std::string schema = fresh_schema("race");
  std::vector<std::thread> brokers;
  std::atomic<int> opened{0};
  for (int i = 0; i < 6; ++i) {
    brokers.emplace_back([&] {
      auto store = PostgresQueueStore::open(test_options(schema), nullptr);
      if (store.ok())
        ++opened;
      else
        ADD_FAILURE() << store.error().message;
    });
  }
  for (auto& broker : brokers) broker.join();
  EXPECT_EQ(opened.load(), 6);
  const auto rows = admin("SELECT count(*), min(version) FROM \"" + schema + "\".schema_version");
  EXPECT_EQ(rows[0][0].as<int>(), latest_schema_version());  // one row per migration, once each
  EXPECT_EQ(rows[0][1].as<int>(), 1);
}

TEST(PostgresSchemaMigration, ASchemaNewerThanThePluginStopsStartUpWithAClearMessage) {
  const std::string schema = fresh_schema("newer");
  ASSERT_NE(open_store(test_options(schema)), nullptr);
  admin("INSERT INTO \"" + schema +
        "\".schema_version (version, description, plugin_version) VALUES (7, 'future', '9.9')");
  auto store = PostgresQueueStore::open(test_options(schema), nullptr);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), sdk::ErrorCode::kUnsupportedOperation);
  EXPECT_NE(store.error().message.find("at version 7"), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("version " + std::to_string(latest_schema_version())),
            std::string::npos)
      << store.error().message;
}

TEST(PostgresSchemaMigration, ReopeningAnUpToDateSchemaKeepsItsData) {
  const std::string schema = fresh_schema("reopen");
  {
    auto store = open_store(test_options(schema));
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->create_queue({"kept", false, 5, 0, "meta"}).ok());
    ASSERT_TRUE(append_one(*store, "kept", "m1").ok());
  }
  auto store = open_store(test_options(schema));
  ASSERT_NE(store, nullptr);
  auto counts = store->counts("kept", t0());
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  EXPECT_EQ(counts->visible, 1u);
}

TEST(PostgresConnection, AnEmptyConninfoUsesThePgEnvironmentVariables) {
  // run_with_postgres.sh exports PGHOST, PGPORT, PGUSER and PGDATABASE for its server.
  ASSERT_NE(std::getenv("PGPORT"), nullptr);
  auto options = test_options(fresh_schema("from_env"));
  options.conninfo = "";
  auto store = open_store(options);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->create_queue({"q", false, 1, 0, ""}).ok());
}

TEST(PostgresSchemas, StoresInDifferentSchemasDoNotSeeEachOthersQueues) {
  auto a = open_store(test_options(fresh_schema("tenant_a")));
  auto b = open_store(test_options(fresh_schema("tenant_b")));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->create_queue({"shared-name", false, 1, 0, "a"}).ok());
  ASSERT_TRUE(b->create_queue({"shared-name", false, 2, 0, "b"}).ok());
  ASSERT_TRUE(append_one(*a, "shared-name", "only-in-a").ok());
  auto counts = b->counts("shared-name", t0());
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->visible, 0u);
  EXPECT_EQ(b->get_queue("shared-name")->metadata, "b");
}

TEST(PostgresWatch, AnAppendThroughAnotherStoreWakesTheWatcher) {
  const std::string schema = fresh_schema("watch");
  auto options_a = test_options(schema);
  options_a.application_name = "watch-a-" + schema;
  auto a = open_store(options_a);
  auto b = open_store(test_options(schema));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->create_queue({"q", false, 1, 0, ""}).ok());
  Wakes wakes;
  auto handle = a->watch("q", wakes.callback());
  ASSERT_NE(handle, nullptr);
  ASSERT_TRUE(wait_for_backend(options_a.application_name, "LISTEN"));

  // The first append also opens B's notification connection; the second shows the usual delay.
  ASSERT_TRUE(append_one(*b, "q", "warm-up").ok());
  ASSERT_TRUE(wakes.wait_beyond(0, 5s)) << "no wake-up within 5 s";
  const int seen = wakes.count();
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(append_one(*b, "q", "wake-me").ok());
  ASSERT_TRUE(wakes.wait_beyond(seen, 5s)) << "no wake-up within 5 s";
  const auto latency = std::chrono::steady_clock::now() - sent;
  std::cout << "cross-store wake-up after "
            << std::chrono::duration_cast<std::chrono::microseconds>(latency).count() / 1000.0
            << " ms" << std::endl;
  EXPECT_LT(latency, 1s);
}

TEST(PostgresWatch, ADroppedHandleIsNeverCalledAgain) {
  const std::string schema = fresh_schema("unwatch");
  auto options_a = test_options(schema);
  options_a.application_name = "unwatch-a-" + schema;
  auto a = open_store(options_a);
  auto b = open_store(test_options(schema));
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->create_queue({"q", false, 1, 0, ""}).ok());
  Wakes kept;
  Wakes dropped;
  auto kept_handle = a->watch("q", kept.callback());
  auto dropped_handle = a->watch("q", dropped.callback());
  ASSERT_TRUE(wait_for_backend(options_a.application_name, "LISTEN"));
  dropped_handle.reset();
  ASSERT_TRUE(append_one(*b, "q", "m").ok());
  ASSERT_TRUE(kept.wait_beyond(0, 5s));
  EXPECT_EQ(dropped.count(), 0);
}

TEST(PostgresWatch, TheListenerReconnectsAndWakesEveryWatcherAfterLosingItsConnection) {
  const std::string schema = fresh_schema("relisten");
  auto options_a = test_options(schema);
  options_a.application_name = "relisten-a-" + schema;
  auto a = open_store(options_a);
  auto b = open_store(test_options(schema));
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->create_queue({"q", false, 1, 0, ""}).ok());
  Wakes wakes;
  auto handle = a->watch("q", wakes.callback());
  ASSERT_TRUE(wait_for_backend(options_a.application_name, "LISTEN"));
  ASSERT_EQ(terminate_backends(options_a.application_name, "LISTEN"), 1);
  // Whatever was sent while it was away is lost, so the listener wakes everyone once it is back.
  ASSERT_TRUE(wakes.wait_beyond(0, 5s)) << "no wake-up after the listener reconnected";
  ASSERT_TRUE(wait_for_backend(options_a.application_name, "LISTEN"));
  const int seen = wakes.count();
  ASSERT_TRUE(append_one(*b, "q", "after").ok());
  EXPECT_TRUE(wakes.wait_beyond(seen, 5s)) << "no wake-up for an append after the reconnection";
}

TEST(PostgresReconnection, ConnectionsTheServerDroppedAreReplacedWithoutARestart) {
  const std::string schema = fresh_schema("dropped");
  auto options = test_options(schema);
  options.application_name = "dropped-" + schema;
  auto store = open_store(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->create_queue({"q", false, 1, 0, ""}).ok());
  ASSERT_TRUE(append_one(*store, "q", "before").ok());
  ASSERT_GE(terminate_backends(options.application_name), 1);
  // The dead pooled connection is noticed before use (or the call fails as unavailable); either
  // way the store serves again without being reopened, and nothing acknowledged is lost.
  int unavailable = 0;
  sdk::Status appended = append_one(*store, "q", "after");
  while (!appended.ok() && unavailable < 5) {
    EXPECT_EQ(appended.code(), sdk::ErrorCode::kServiceUnavailable) << appended.error().message;
    ++unavailable;
    std::this_thread::sleep_for(150ms);
    appended = append_one(*store, "q", "after");
  }
  ASSERT_TRUE(appended.ok()) << appended.error().message;
  auto counts = store->counts("q", t0());
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->visible, 2u);
}

TEST(PostgresReconnection, AnUnreachableServerFailsFastWithServiceUnavailable) {
  auto options = test_options("unreachable");
  options.conninfo = "host=127.0.0.1 port=1 user=postgres dbname=postgres";
  const auto started = std::chrono::steady_clock::now();
  auto store = PostgresQueueStore::open(options, nullptr);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), sdk::ErrorCode::kServiceUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

}  // namespace
}  // namespace sluice::plugins::postgres::testing
