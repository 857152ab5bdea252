// PostgresQueueStore: sdk::QueueStore on PostgreSQL, for several brokers sharing one database.
//
// Every operation is one call of a function the store installs in its schema (sql/*.sql), sent
// as one prepared statement in autocommit: one round trip and one transaction, however many
// messages it carries. The database enforces everything that must hold across brokers: claims
// pick rows with FOR UPDATE SKIP LOCKED, FIFO groups are locked through their group rows, dedup
// windows and receive limits are checked inside the same transaction that acts on them. With
// synchronous_commit = on, a call returns only after its commit is durable.
//
// Threading: every method may be called from any number of threads at once; each call borrows
// one pooled connection. Failures never throw: a lost or refused connection, an unknown outcome
// or a statement timeout is kServiceUnavailable (the pool reconnects by itself), the store's
// own conditions map to their SPI codes, anything else is kInternal with the server's message.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connection_pool.hpp"
#include "postgres_store_options.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/storage.hpp"
#include "wake_listener.hpp"
#include "wake_notifier.hpp"

namespace sluice::plugins::postgres {

class PostgresQueueStore final : public sdk::QueueStore {
 public:
  // Connects, creates or migrates the schema and reads the store-wide receipt key. Fails with
  // kServiceUnavailable if PostgreSQL cannot be reached, kUnsupportedOperation if the schema is
  // newer than this plugin, kInvalidParameterValue for bad options. `logger` may be null and must
  // otherwise outlive the store.
  static sdk::Result<std::unique_ptr<PostgresQueueStore>> open(const PostgresStoreOptions& options,
                                                               sdk::Logger* logger);
  ~PostgresQueueStore() override;
  PostgresQueueStore(const PostgresQueueStore&) = delete;
  PostgresQueueStore& operator=(const PostgresQueueStore&) = delete;

  sdk::Result<sdk::QueueRecord> create_queue(const sdk::QueueRecord& queue) override;
  sdk::Result<sdk::QueueRecord> get_queue(std::string_view name) override;
  sdk::Result<sdk::QueueRecord> update_queue(const sdk::QueueRecord& queue) override;
  sdk::Status delete_queue(std::string_view name) override;
  // The page token is the last name of the previous page.
  sdk::Result<sdk::ListQueuesPage> list_queues(std::string_view prefix, std::size_t max,
                                               std::string_view page_token) override;

  sdk::Result<std::vector<sdk::AppendOutcome>> append(std::string_view queue,
                                                      std::span<const sdk::NewMessage> messages,
                                                      const sdk::AppendSpec& spec) override;
  sdk::Result<sdk::ClaimResult> claim(std::string_view queue, const sdk::ClaimSpec& spec) override;
  sdk::Result<std::vector<sdk::Status>> remove(std::string_view queue,
                                               std::span<const std::string> receipts) override;
  sdk::Result<std::vector<sdk::Status>> set_visibility(
      std::string_view queue, std::span<const sdk::VisibilityChange> changes,
      sdk::TimePoint now) override;
  sdk::Result<std::uint64_t> purge(std::string_view queue) override;
  sdk::Result<sdk::QueueCounts> counts(std::string_view queue, sdk::TimePoint now) override;
  sdk::Result<std::uint64_t> expire(std::string_view queue, sdk::TimePoint cutoff) override;
  sdk::Result<sdk::MoveResult> move(std::string_view from, const sdk::MoveSpec& spec) override;

  // Wakes `on_change` when another broker appends to `queue` or releases messages in it.
  std::unique_ptr<sdk::WatchHandle> watch(std::string_view queue,
                                          std::function<void()> on_change) override;

  // The notification channel of a schema (also used by tests).
  static std::string channel_for(std::string_view schema);

 private:
  PostgresQueueStore(PostgresStoreOptions options, sdk::Logger* logger, std::uint64_t receipt_key,
                     std::unique_ptr<ConnectionPool> pool);

  // Runs `body` with a pooled connection, turning exceptions into errors; retries a body whose
  // transaction PostgreSQL rolled back on its own (deadlock, serialization, a queue deleted
  // meanwhile) up to three times.
  template <typename T, typename Body>
  sdk::Result<T> run(std::string_view operation, std::string_view queue, Body&& body);

  const PostgresStoreOptions options_;
  const std::string quoted_schema_;
  const std::string channel_;
  sdk::Logger* logger_;
  const std::uint64_t receipt_key_;
  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<WakeNotifier> notifier_;
  std::unique_ptr<WakeListener> listener_;
};

}  // namespace sluice::plugins::postgres
