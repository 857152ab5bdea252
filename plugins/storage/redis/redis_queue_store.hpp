// RedisQueueStore: the sdk::QueueStore on Redis, for several brokers sharing one Redis. Every
// operation that touches more than one key is one Lua script (lua/*.lua), so it is atomic on the
// server whichever broker runs it; the brokers share no state but Redis. See README.md for the key
// layout and docs/operations/redis.md for running it.
//
// Threading: every method may be called from any thread at once. Calls lease a connection from a
// pool (options.pool_size); nothing is locked across a round trip. watch() callbacks run on the
// watcher thread.
//
// Failures: Redis unreachable, restarting, loading, read-only or out of memory ->
// kServiceUnavailable naming the endpoint; the pool reconnects on later calls by itself. No method
// throws.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connection_pool.hpp"
#include "key_layout.hpp"
#include "queue_ref_cache.hpp"
#include "redis_executor.hpp"
#include "redis_store_options.hpp"
#include "redis_watcher.hpp"
#include "script_library.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::plugins::redis {

class RedisQueueStore final : public sdk::QueueStore {
 public:
  // Connects, checks the server (Redis 5+, not in Cluster mode; reads its persistence settings
  // and logs a warning when they cannot make acknowledgements durable), loads the scripts.
  // kServiceUnavailable if Redis cannot be reached, kUnsupportedOperation for a server this
  // store cannot use. `logger` must outlive the store.
  static sdk::Result<std::unique_ptr<RedisQueueStore>> open(const RedisStoreOptions& options,
                                                            sdk::Logger* logger);
  ~RedisQueueStore() override;
  RedisQueueStore(const RedisQueueStore&) = delete;
  RedisQueueStore& operator=(const RedisQueueStore&) = delete;

  // A queue created with generation 0 gets a random non-zero generation.
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
  // At most kMaxClaimBatch messages per call, however large spec.max_messages is. A dead-letter
  // queue equal to `queue` itself counts as no dead-letter queue.
  sdk::Result<sdk::ClaimResult> claim(std::string_view queue, const sdk::ClaimSpec& spec) override;
  sdk::Result<std::vector<sdk::Status>> remove(std::string_view queue,
                                               std::span<const std::string> receipts) override;
  sdk::Result<std::vector<sdk::Status>> set_visibility(
      std::string_view queue, std::span<const sdk::VisibilityChange> changes,
      sdk::TimePoint now) override;
  sdk::Result<std::uint64_t> purge(std::string_view queue) override;
  sdk::Result<sdk::QueueCounts> counts(std::string_view queue, sdk::TimePoint now) override;
  sdk::Result<std::uint64_t> expire(std::string_view queue, sdk::TimePoint cutoff) override;
  // As the memory store: moved messages restart with receive count 0, no dead_letter_source,
  // visible at spec.now; moving onto the source itself or (without a destination) a message that
  // was never dead-lettered is kInvalidParameterValue; messages moved before an error stay moved.
  sdk::Result<sdk::MoveResult> move(std::string_view from, const sdk::MoveSpec& spec) override;

  // Wake-ups published by other brokers on `queue`'s channel (see RedisWatcher).
  std::unique_ptr<sdk::WatchHandle> watch(std::string_view queue,
                                          std::function<void()> on_change) override;

  static constexpr std::uint32_t kMaxClaimBatch = 1000;

 private:
  RedisQueueStore(const RedisStoreOptions& options, sdk::Logger* logger);
  sdk::Status start();

  static sdk::Error no_such_queue(std::string_view name);
  // The queue's catalog entry, read now (and cached).
  sdk::Result<QueueRef> lookup(std::string_view name);
  // From the cache, else lookup().
  sdk::Result<QueueRef> resolve(std::string_view name);
  // Where a claim dead-letters to: nullopt if that queue does not exist (remembered briefly).
  sdk::Result<std::optional<QueueRef>> resolve_dead_letter_queue(std::string_view name);
  // Runs op(ref) for `name`. A script that finds the queue's keys gone answers NOQUEUE, which op
  // reports as kNotFound: the cached ref was stale (the queue was deleted, maybe re-created), so
  // the name is looked up again and op runs once more.
  template <typename T, typename Op>
  sdk::Result<T> on_queue(std::string_view name, Op&& op);

  // Runs a script on one queue: KEYS = the queue's keys (then `extra_keys`), ARGV = name,
  // generation, then `args`.
  sdk::Result<Reply> run_queue_script(std::string_view what, Script script, const QueueRef& ref,
                                      std::vector<std::string> args, Access access,
                                      const std::vector<std::string>& extra_keys = {});

  sdk::Result<sdk::ClaimResult> claim_once(const QueueRef& ref, const sdk::ClaimSpec& spec,
                                           const std::optional<QueueRef>& dead_letter_queue);
  std::vector<std::string> fresh_tokens(std::size_t count);

  sdk::Logger* logger_;
  const RedisStoreOptions options_;
  const KeyLayout keys_;
  ScriptLibrary scripts_;
  ConnectionPool pool_;
  RedisExecutor executor_;
  QueueRefCache refs_;
  std::string instance_id_;

  std::mutex random_mutex_;
  std::mt19937_64 random_;  // guarded by random_mutex_

  // Last, so it stops (and joins its thread) before anything it may call goes away.
  std::unique_ptr<RedisWatcher> watcher_;
};

template <typename T, typename Op>
sdk::Result<T> RedisQueueStore::on_queue(std::string_view name, Op&& op) {
  auto ref = resolve(name);
  if (!ref.ok()) return ref.error();
  sdk::Result<T> result = op(*ref);
  if (result.ok() || result.code() != sdk::ErrorCode::kNotFound) return result;
  refs_.drop(name);
  auto fresh = lookup(name);
  if (!fresh.ok()) return fresh.error();
  if (fresh->id == ref->id && fresh->generation == ref->generation) {
    refs_.drop(name);  // being deleted right now: the catalog entry goes next
    return no_such_queue(name);
  }
  result = op(*fresh);
  if (!result.ok() && result.code() == sdk::ErrorCode::kNotFound) return no_such_queue(name);
  return result;
}

}  // namespace sluice::plugins::redis
