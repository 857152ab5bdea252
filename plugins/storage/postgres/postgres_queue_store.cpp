#include "postgres_queue_store.hpp"

#include <mutex>
#include <random>
#include <utility>

#include "schema_migrations.hpp"
#include "store_call.hpp"

namespace sluice::plugins::postgres {
namespace {

using sdk::ErrorCode;
using sdk::make_error;

// Session settings every connection of the store gets, then the prepared statements.
void setup_session(pqxx::connection& connection, const PostgresStoreOptions& options,
                   const std::string& quoted_schema) {
  connection.set_variable("client_min_messages", "warning");
  connection.set_variable("application_name", "'" + options.application_name + "'");
  connection.set_variable("statement_timeout", std::to_string(options.statement_timeout_ms));
  if (!options.synchronous_commit.empty()) {
    connection.set_variable("synchronous_commit", options.synchronous_commit);
  }
  prepare_statements(connection, quoted_schema);
}

std::uint64_t random_generation() {
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard lock(mutex);
  std::uint64_t value = 0;
  while (value == 0) value = engine();
  return value;
}

sdk::Status check_name(std::string_view operation, std::string_view name) {
  if (name.empty()) {
    return make_error(ErrorCode::kInvalidParameterValue,
                      std::string(operation) + ": the queue name must not be empty");
  }
  if (name.find('\0') != std::string_view::npos) {
    return make_error(ErrorCode::kInvalidParameterValue,
                      std::string(operation) + ": the queue name contains a NUL byte");
  }
  return sdk::Status::Ok();
}

}  // namespace

std::string PostgresQueueStore::channel_for(std::string_view schema) {
  return "sluice_wake_" + std::string(schema);
}

sdk::Result<std::unique_ptr<PostgresQueueStore>> PostgresQueueStore::open(
    const PostgresStoreOptions& options, sdk::Logger* logger) {
  const std::string quoted = quoted_schema(options);
  PoolSettings settings;
  settings.conninfo = effective_conninfo(options);
  settings.size = static_cast<std::size_t>(options.pool_size);
  settings.acquire_timeout = std::chrono::milliseconds(options.acquire_timeout_ms);
  settings.reconnect_interval = std::chrono::milliseconds(options.reconnect_interval_ms);
  // Statements are prepared lazily (on first use), so a new connection may be set up before the
  // schema's functions exist.
  settings.setup = [options, quoted](pqxx::connection& connection) {
    setup_session(connection, options, quoted);
  };
  auto pool = std::make_unique<ConnectionPool>(std::move(settings), logger);

  // The first pooled connection migrates the schema and reads the receipt key.
  std::int64_t receipt_key = 0;
  {
    auto lease = pool->acquire();
    if (!lease.ok()) return lease.error();
    try {
      int applied = 0;
      auto migrated = migrate_schema(lease->connection(), options.schema, quoted, applied);
      if (!migrated.ok()) return migrated.error();
      if (applied > 0 && logger != nullptr) {
        logger->info("PostgreSQL schema '" + options.schema + "' is now at version " +
                     std::to_string(latest_schema_version()) + " (" + std::to_string(applied) +
                     " migration" + (applied == 1 ? "" : "s") + " applied)");
      }
      receipt_key = exec(lease->connection(), statement::kReceiptKey, SqlParams{})
                        .at(0)
                        .at(0)
                        .as<std::int64_t>();
    } catch (...) {
      lease->discard();
      return classify_current_exception("opening schema '" + options.schema + "'", "").error;
    }
  }
  return std::unique_ptr<PostgresQueueStore>(new PostgresQueueStore(
      options, logger, static_cast<std::uint64_t>(receipt_key), std::move(pool)));
}

PostgresQueueStore::PostgresQueueStore(PostgresStoreOptions options, sdk::Logger* logger,
                                       std::uint64_t receipt_key,
                                       std::unique_ptr<ConnectionPool> pool)
    : options_(std::move(options)),
      quoted_schema_(quoted_schema(options_)),
      channel_(channel_for(options_.schema)),
      logger_(logger),
      receipt_key_(receipt_key),
      pool_(std::move(pool)),
      notifier_(std::make_unique<WakeNotifier>(*pool_, channel_, logger_)),
      listener_(std::make_unique<WakeListener>(*pool_, channel_, notifier_.get(), logger_)) {
  // Both connect in the background now, so the first wake-up in either direction is as quick as
  // the others.
  notifier_->start();
  listener_->start();
}

PostgresQueueStore::~PostgresQueueStore() {
  // The threads use the pool: stop them first.
  listener_.reset();
  notifier_.reset();
  pool_.reset();
}

std::unique_ptr<sdk::WatchHandle> PostgresQueueStore::watch(std::string_view queue,
                                                            std::function<void()> on_change) {
  return listener_->watch(queue, std::move(on_change));
}

// --- Queues -----------------------------------------------------------------------------------

sdk::Result<sdk::QueueRecord> PostgresQueueStore::create_queue(const sdk::QueueRecord& queue) {
  if (auto checked = check_name("create_queue", queue.name); !checked.ok()) return checked.error();
  const std::uint64_t generation = queue.generation != 0 ? queue.generation : random_generation();
  return run<sdk::QueueRecord>("create_queue", queue.name,
                               [&](pqxx::connection& c) -> sdk::Result<sdk::QueueRecord> {
                                 SqlParams params;
                                 params.text(queue.name)
                                     .boolean(queue.fifo)
                                     .int8(static_cast<std::int64_t>(generation))
                                     .bytea(queue.metadata);
                                 const pqxx::result rows = exec(c, statement::kCreateQueue, params);
                                 if (rows.empty()) {
                                   return make_error(ErrorCode::kQueueAlreadyExists,
                                                     "queue '" + queue.name + "' already exists");
                                 }
                                 return queue_record_of(rows[0]);
                               });
}

sdk::Result<sdk::QueueRecord> PostgresQueueStore::get_queue(std::string_view name) {
  return run<sdk::QueueRecord>(
      "get_queue", name, [&](pqxx::connection& c) -> sdk::Result<sdk::QueueRecord> {
        SqlParams params;
        params.text(name);
        const pqxx::result rows = exec(c, statement::kGetQueue, params);
        if (rows.empty()) {
          return make_error(ErrorCode::kQueueDoesNotExist,
                            "queue '" + std::string(name) + "' does not exist");
        }
        return queue_record_of(rows[0]);
      });
}

sdk::Result<sdk::QueueRecord> PostgresQueueStore::update_queue(const sdk::QueueRecord& queue) {
  return run<sdk::QueueRecord>(
      "update_queue", queue.name, [&](pqxx::connection& c) -> sdk::Result<sdk::QueueRecord> {
        SqlParams params;
        params.text(queue.name)
            .int8(static_cast<std::int64_t>(queue.version))
            .bytea(queue.metadata);
        return queue_record_of(exec(c, statement::kUpdateQueue, params).at(0));
      });
}

sdk::Status PostgresQueueStore::delete_queue(std::string_view name) {
  auto done = run<bool>("delete_queue", name, [&](pqxx::connection& c) -> sdk::Result<bool> {
    SqlParams params;
    params.text(name);
    exec(c, statement::kDeleteQueue, params);
    return true;
  });
  if (!done.ok()) return done.error();
  return sdk::Status::Ok();
}

sdk::Result<sdk::ListQueuesPage> PostgresQueueStore::list_queues(std::string_view prefix,
                                                                 std::size_t max,
                                                                 std::string_view page_token) {
  if (max == 0) {
    return make_error(ErrorCode::kInvalidParameterValue,
                      "list_queues: max must be at least 1, got 0");
  }
  return run<sdk::ListQueuesPage>(
      "list_queues", prefix, [&](pqxx::connection& c) -> sdk::Result<sdk::ListQueuesPage> {
        SqlParams params;
        params.text(page_token).int8(static_cast<std::int64_t>(max) + 1).text(prefix);
        const pqxx::result rows = exec(c, statement::kListQueues, params);
        sdk::ListQueuesPage page;
        for (const auto& row : rows) {
          sdk::QueueRecord record = queue_record_of(row);
          if (!record.name.starts_with(prefix)) break;  // past the prefix's range
          if (page.queues.size() == max) {
            page.next_token = page.queues.back().name;
            break;
          }
          page.queues.push_back(std::move(record));
        }
        return page;
      });
}

}  // namespace sluice::plugins::postgres
