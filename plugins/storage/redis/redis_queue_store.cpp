// RedisQueueStore: opening, the queue catalog and the helpers every operation shares.
#include "redis_queue_store.hpp"

#include <utility>

#include "receipt_codec.hpp"
#include "script_reply.hpp"
#include "server_check.hpp"
#include "store_guard.hpp"

namespace sluice::plugins::redis {
namespace {

using sdk::ErrorCode;
using sdk::make_error;

std::uint64_t random_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

// {qid, fifo, generation, version, metadata} as get_queue.lua and update_queue.lua return them,
// starting at element `first`.
std::optional<sdk::QueueRecord> record_from(const redisReply& reply, std::size_t first,
                                            std::string name, std::uint64_t* id) {
  const auto qid = field_u64(reply, first);
  const auto generation = field_u64(reply, first + 2);
  const auto version = field_u64(reply, first + 3);
  if (!qid || !generation || !version) return std::nullopt;
  if (id != nullptr) *id = *qid;
  sdk::QueueRecord record;
  record.name = std::move(name);
  record.fifo = field_bytes(reply, first + 1) == "1";
  record.generation = *generation;
  record.version = *version;
  record.metadata = field_bytes(reply, first + 4);
  return record;
}

}  // namespace

RedisQueueStore::RedisQueueStore(const RedisStoreOptions& options, sdk::Logger* logger)
    : logger_(logger),
      options_(options),
      keys_(options.key_prefix, options.database),
      pool_(options, logger),
      executor_(pool_, scripts_),
      random_(random_seed()) {
  instance_id_ = hex_text(random_()) + hex_text(random_());
}

RedisQueueStore::~RedisQueueStore() = default;

sdk::Result<std::unique_ptr<RedisQueueStore>> RedisQueueStore::open(
    const RedisStoreOptions& options, sdk::Logger* logger) {
  std::unique_ptr<RedisQueueStore> store(new RedisQueueStore(options, logger));
  if (auto started = store->start(); !started.ok()) return started.error();
  return store;
}

sdk::Status RedisQueueStore::start() {
  if (auto ready = scripts_.init(); !ready.ok()) return ready;
  auto lease = pool_.acquire();
  if (!lease.ok()) return lease.error();
  auto facts = read_server_facts(**lease);
  if (!facts.ok()) return facts.error();
  const std::string endpoint = describe_endpoint(options_);
  if (auto usable = check_server_usable(*facts, endpoint); !usable.ok()) return usable;
  const DurabilityVerdict verdict = judge_durability(*facts, endpoint);
  if (verdict.durable) {
    logger_->info(verdict.message);
  } else {
    logger_->warn(verdict.message);
  }
  if (auto eviction = judge_eviction(*facts, endpoint)) logger_->warn(*eviction);
  if (auto loaded = scripts_.load_all(**lease); !loaded.ok()) return loaded;
  logger_->info("Redis store on " + endpoint + " (Redis " + facts->version + ", key prefix '" +
                options_.key_prefix + "', " + std::to_string(options_.pool_size) +
                " pooled connections" +
                (options_.wait_replicas > 0
                     ? ", waiting for " + std::to_string(options_.wait_replicas) + " replicas"
                     : std::string()) +
                ")");
  watcher_ = std::make_unique<RedisWatcher>(options_, instance_id_, logger_);
  return sdk::Status::Ok();
}

sdk::Error RedisQueueStore::no_such_queue(std::string_view name) {
  return make_error(ErrorCode::kQueueDoesNotExist,
                    "queue '" + std::string(name) + "' does not exist");
}

std::vector<std::string> RedisQueueStore::fresh_tokens(std::size_t count) {
  std::vector<std::string> tokens;
  tokens.reserve(count);
  std::lock_guard lock(random_mutex_);
  for (std::size_t i = 0; i < count; ++i) tokens.push_back(hex_text(random_()));
  return tokens;
}

// --- Resolving names --------------------------------------------------------------------------

sdk::Result<QueueRef> RedisQueueStore::lookup(std::string_view name) {
  auto reply = executor_.eval("get_queue", Script::kGetQueue, {keys_.catalog()},
                              {std::string(name)}, Access::kRead);
  if (!reply.ok()) return reply.error();
  if (field_count(**reply) == 0) {
    refs_.put_absent(name);
    return no_such_queue(name);
  }
  std::uint64_t id = 0;
  auto record = record_from(**reply, 0, std::string(name), &id);
  if (!record) return unexpected_reply("get_queue", **reply);
  QueueRef ref{std::string(name), id, record->generation, record->fifo};
  refs_.put(ref);
  return ref;
}

sdk::Result<QueueRef> RedisQueueStore::resolve(std::string_view name) {
  // A remembered absence is not trusted here: another broker may have created the queue since.
  if (auto hit = refs_.find(name); hit && hit->ref) return *hit->ref;
  return lookup(name);
}

sdk::Result<std::optional<QueueRef>> RedisQueueStore::resolve_dead_letter_queue(
    std::string_view name) {
  if (auto hit = refs_.find(name)) return hit->ref;
  auto ref = lookup(name);
  if (ref.ok()) return std::optional<QueueRef>(std::move(ref).value());
  if (ref.code() == ErrorCode::kQueueDoesNotExist) return std::optional<QueueRef>();
  return ref.error();
}

sdk::Result<Reply> RedisQueueStore::run_queue_script(std::string_view what, Script script,
                                                     const QueueRef& ref,
                                                     std::vector<std::string> args, Access access,
                                                     const std::vector<std::string>& extra_keys) {
  std::vector<std::string> keys = keys_.queue_keys(ref.id);
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  args.insert(args.begin(), {ref.name, std::to_string(ref.generation)});
  return executor_.eval(std::string(what) + " on queue '" + ref.name + "'", script, keys,
                        std::move(args), access);
}

// --- Queues -----------------------------------------------------------------------------------

sdk::Result<sdk::QueueRecord> RedisQueueStore::create_queue(const sdk::QueueRecord& queue) {
  return guarded("create_queue", queue.name, [&]() -> sdk::Result<sdk::QueueRecord> {
    if (queue.name.empty()) {
      return make_error(ErrorCode::kInvalidParameterValue, "queue name must not be empty");
    }
    sdk::QueueRecord record = queue;
    record.version = 1;
    if (record.generation == 0) {
      std::lock_guard lock(random_mutex_);
      while (record.generation == 0) record.generation = random_();
    }
    // A fresh internal id first (an id wasted by a failed create is harmless).
    auto id_reply = executor_.command({"INCR", keys_.next_queue_id()}, Access::kWrite);
    if (!id_reply.ok()) return id_reply.error();
    const auto id = reply_int(**id_reply);
    if (!id || *id <= 0) return error_from_reply("create_queue: INCR queue id", **id_reply);

    std::vector<std::string> keys{keys_.catalog(), keys_.names()};
    for (std::string& key : keys_.queue_keys(static_cast<std::uint64_t>(*id))) {
      keys.push_back(std::move(key));
    }
    auto reply =
        executor_.eval("create_queue '" + record.name + "'", Script::kCreateQueue, keys,
                       {record.name, record.fifo ? "1" : "0", std::to_string(record.generation),
                        record.metadata, std::to_string(*id)},
                       Access::kWrite);
    if (!reply.ok()) return reply.error();
    const std::string_view status = script_status(**reply);
    if (status == "EXISTS") {
      return make_error(ErrorCode::kQueueAlreadyExists,
                        "queue '" + record.name + "' already exists");
    }
    if (status != "OK") return unexpected_reply("create_queue", **reply);
    refs_.put(
        QueueRef{record.name, static_cast<std::uint64_t>(*id), record.generation, record.fifo});
    return record;
  });
}

sdk::Result<sdk::QueueRecord> RedisQueueStore::get_queue(std::string_view name) {
  return guarded("get_queue", name, [&]() -> sdk::Result<sdk::QueueRecord> {
    auto reply = executor_.eval("get_queue", Script::kGetQueue, {keys_.catalog()},
                                {std::string(name)}, Access::kRead);
    if (!reply.ok()) return reply.error();
    if (field_count(**reply) == 0) return no_such_queue(name);
    std::uint64_t id = 0;
    auto record = record_from(**reply, 0, std::string(name), &id);
    if (!record) return unexpected_reply("get_queue", **reply);
    refs_.put(QueueRef{record->name, id, record->generation, record->fifo});
    return std::move(*record);
  });
}

sdk::Result<sdk::QueueRecord> RedisQueueStore::update_queue(const sdk::QueueRecord& queue) {
  return guarded("update_queue", queue.name, [&]() -> sdk::Result<sdk::QueueRecord> {
    auto reply =
        executor_.eval("update_queue '" + queue.name + "'", Script::kUpdateQueue, {keys_.catalog()},
                       {queue.name, std::to_string(queue.version), queue.metadata}, Access::kWrite);
    if (!reply.ok()) return reply.error();
    const std::string_view status = script_status(**reply);
    if (status == "NOQUEUE") return no_such_queue(queue.name);
    if (status == "CONFLICT") {
      return make_error(ErrorCode::kConflict,
                        "queue '" + queue.name + "' was updated concurrently: expected version " +
                            std::to_string(queue.version) + ", found version " +
                            std::to_string(field_int(**reply, 1).value_or(0)));
    }
    if (status != "OK") return unexpected_reply("update_queue", **reply);
    auto record = record_from(**reply, 1, queue.name, nullptr);
    if (!record) return unexpected_reply("update_queue", **reply);
    return std::move(*record);
  });
}

sdk::Status RedisQueueStore::delete_queue(std::string_view name) {
  return guarded("delete_queue", name, [&]() -> sdk::Status {
    // The script checks that the name still maps to the id resolved here; if another broker
    // re-created the queue meanwhile, resolve again.
    for (int attempt = 0; attempt < 3; ++attempt) {
      refs_.drop(name);
      auto ref = lookup(name);
      if (!ref.ok()) return ref.error();
      std::vector<std::string> keys{keys_.catalog(), keys_.names()};
      for (std::string& key : keys_.queue_keys(ref->id)) keys.push_back(std::move(key));
      auto reply =
          executor_.eval("delete_queue '" + std::string(name) + "'", Script::kDeleteQueue, keys,
                         {std::string(name), std::to_string(ref->id)}, Access::kWrite);
      if (!reply.ok()) return reply.error();
      const std::string_view status = script_status(**reply);
      refs_.drop(name);
      if (status == "OK") return sdk::Status::Ok();
      if (status == "NOQUEUE") return no_such_queue(name);
      if (status != "STALE") return unexpected_reply("delete_queue", **reply);
    }
    return make_error(ErrorCode::kConflict,
                      "queue '" + std::string(name) + "' kept being re-created while deleting it");
  });
}

sdk::Result<sdk::ListQueuesPage> RedisQueueStore::list_queues(std::string_view prefix,
                                                              std::size_t max,
                                                              std::string_view page_token) {
  return guarded("list_queues", prefix, [&]() -> sdk::Result<sdk::ListQueuesPage> {
    if (max == 0) {
      return make_error(ErrorCode::kInvalidParameterValue,
                        "list_queues: max must be at least 1, got 0");
    }
    auto reply = executor_.eval(
        "list_queues", Script::kListQueues, {keys_.catalog(), keys_.names()},
        {std::string(prefix), std::string(page_token), std::to_string(max)}, Access::kRead);
    if (!reply.ok()) return reply.error();
    const std::size_t fields = field_count(**reply);
    if (fields == 0 || (fields - 1) % 5 != 0) return unexpected_reply("list_queues", **reply);
    sdk::ListQueuesPage page;
    page.next_token = field_bytes(**reply, 0);
    for (std::size_t i = 1; i < fields; i += 5) {
      const auto generation = field_u64(**reply, i + 2);
      const auto version = field_u64(**reply, i + 3);
      if (!generation || !version) return unexpected_reply("list_queues", **reply);
      sdk::QueueRecord record;
      record.name = field_bytes(**reply, i);
      record.fifo = field_bytes(**reply, i + 1) == "1";
      record.generation = *generation;
      record.version = *version;
      record.metadata = field_bytes(**reply, i + 4);
      page.queues.push_back(std::move(record));
    }
    return page;
  });
}

std::unique_ptr<sdk::WatchHandle> RedisQueueStore::watch(std::string_view queue,
                                                         std::function<void()> on_change) {
  try {
    return watcher_->watch(keys_.wake_channel(queue), std::move(on_change));
  } catch (const std::exception& e) {
    logger_->error("cannot watch queue '" + std::string(queue) + "': " + e.what() +
                   " (long polls there wake on the broker's recheck tick only)");
    return nullptr;
  }
}

}  // namespace sluice::plugins::redis
