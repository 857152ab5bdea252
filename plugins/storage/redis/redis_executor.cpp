#include "redis_executor.hpp"

#include <utility>

namespace sluice::plugins::redis {

RedisExecutor::RedisExecutor(ConnectionPool& pool, const ScriptLibrary& scripts)
    : pool_(pool), scripts_(scripts) {}

sdk::Result<Reply> RedisExecutor::eval(std::string_view what, Script script,
                                       const std::vector<std::string>& keys,
                                       std::vector<std::string> args, Access access) {
  const Command evalsha = scripts_.evalsha(script, keys, std::move(args));
  for (int attempt = 0;; ++attempt) {
    auto lease = pool_.acquire();
    if (!lease.ok()) return lease.error();
    auto reply = eval_once(*lease, what, script, evalsha, access);
    // A pooled connection can die between two uses without showing it (a reset Redis that sent
    // no FIN); a read is safe to repeat on a new one.
    if (!reply.ok() && (*lease)->broken() && access == Access::kRead && !lease->fresh() &&
        attempt == 0) {
      continue;
    }
    return reply;
  }
}

sdk::Result<Reply> RedisExecutor::eval_once(ConnectionPool::Lease& lease, std::string_view what,
                                            Script script, const Command& evalsha, Access access) {
  const std::int64_t replicas = pool_.options().wait_replicas;
  const bool wait = access == Access::kWrite && replicas > 0;
  std::vector<Command> commands{evalsha};
  if (wait) {
    commands.push_back(
        {"WAIT", std::to_string(replicas), std::to_string(pool_.options().wait_timeout_ms)});
  }
  for (int attempt = 0;; ++attempt) {
    auto replies = lease->run(commands);
    if (!replies.ok()) {
      sdk::Error error = replies.error();
      if (access == Access::kWrite) {
        error.message += " (" + std::string(what) + " may or may not have taken effect)";
      }
      return error;
    }
    Reply& reply = (*replies)[0];
    if (is_noscript(*reply) && attempt == 0) {
      if (auto reloaded = scripts_.reload(*lease, script); !reloaded.ok()) return reloaded.error();
      continue;
    }
    if (is_error(*reply)) return error_from_reply(what, *reply);
    if (wait) {
      const auto acknowledged = reply_int(*(*replies)[1]);
      if (!acknowledged || *acknowledged < replicas) {
        return sdk::make_error(sdk::ErrorCode::kServiceUnavailable,
                               std::string(what) + ": the Redis primary applied it but only " +
                                   std::to_string(acknowledged.value_or(0)) + " of " +
                                   std::to_string(replicas) +
                                   " replicas (wait_replicas) acknowledged it within " +
                                   std::to_string(pool_.options().wait_timeout_ms) + " ms");
      }
    }
    return std::move(reply);
  }
}

sdk::Result<Reply> RedisExecutor::command(const Command& command, Access access) {
  for (int attempt = 0;; ++attempt) {
    auto lease = pool_.acquire();
    if (!lease.ok()) return lease.error();
    auto reply = (*lease)->run(command);
    if (!reply.ok() && access == Access::kRead && !lease->fresh() && attempt == 0) continue;
    return reply;
  }
}

}  // namespace sluice::plugins::redis
