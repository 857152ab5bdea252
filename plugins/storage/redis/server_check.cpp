#include "server_check.hpp"

#include <charconv>
#include <vector>

namespace sluice::plugins::redis {
namespace {

// The value of a CONFIG GET reply ([name, value]), or nullopt with the reason in `error`.
std::optional<std::string> config_value(const redisReply& reply, std::string& error) {
  if (is_error(reply)) {
    if (error.empty()) error = std::string(reply_text(reply));
    return std::nullopt;
  }
  const redisReply* value = reply_element(reply, 1);
  if (value == nullptr) {
    if (error.empty()) error = "CONFIG GET returned no value";
    return std::nullopt;
  }
  return std::string(reply_text(*value));
}

int major_version(std::string_view version) {
  int major = 0;
  auto [ptr, ec] = std::from_chars(version.data(), version.data() + version.size(), major);
  (void)ptr;
  return ec == std::errc{} ? major : 0;
}

}  // namespace

std::string info_field(std::string_view info, std::string_view field) {
  std::size_t start = 0;
  while (start < info.size()) {
    std::size_t end = info.find('\n', start);
    if (end == std::string_view::npos) end = info.size();
    std::string_view line = info.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > field.size() && line.starts_with(field) && line[field.size()] == ':') {
      return std::string(line.substr(field.size() + 1));
    }
    start = end + 1;
  }
  return {};
}

sdk::Result<ServerFacts> read_server_facts(RedisConnection& connection) {
  const std::vector<Command> commands = {
      {"INFO", "server"},
      {"INFO", "cluster"},
      {"INFO", "replication"},
      {"CONFIG", "GET", "appendonly"},
      {"CONFIG", "GET", "appendfsync"},
      {"CONFIG", "GET", "no-appendfsync-on-rewrite"},
      {"CONFIG", "GET", "maxmemory-policy"},
  };
  auto replies = connection.run(commands);
  if (!replies.ok()) return replies.error();
  ServerFacts facts;
  const auto info = [&](std::size_t i, std::string_view field) {
    const redisReply& reply = *(*replies)[i];
    return is_error(reply) ? std::string() : info_field(reply_text(reply), field);
  };
  facts.version = info(0, "redis_version");
  facts.cluster = info(1, "cluster_enabled") == "1";
  facts.role = info(2, "role");
  facts.appendonly = config_value(*(*replies)[3], facts.config_error);
  facts.appendfsync = config_value(*(*replies)[4], facts.config_error);
  facts.no_appendfsync_on_rewrite = config_value(*(*replies)[5], facts.config_error);
  facts.maxmemory_policy = config_value(*(*replies)[6], facts.config_error);
  return facts;
}

sdk::Status check_server_usable(const ServerFacts& facts, std::string_view endpoint) {
  const auto refuse = [&](const std::string& why) {
    return sdk::make_error(sdk::ErrorCode::kUnsupportedOperation,
                           "Redis at " + std::string(endpoint) + ": " + why);
  };
  if (!facts.version.empty() && major_version(facts.version) < 5) {
    return refuse("version " + facts.version + " is too old; the store needs Redis 5.0 or later");
  }
  if (facts.cluster) {
    return refuse(
        "the server runs in Cluster mode, which this store cannot use: hiredis 0.14 speaks to one "
        "node and cannot follow MOVED redirections, and dead-lettering and moves span two queues' "
        "hash slots. Use a single primary (with replicas and Sentinel for failover)");
  }
  if (facts.role == "slave") {
    return refuse("the server is a read-only replica; point the store at the primary");
  }
  return sdk::Status::Ok();
}

DurabilityVerdict judge_durability(const ServerFacts& facts, std::string_view endpoint) {
  const std::string where = "Redis at " + std::string(endpoint);
  if (!facts.appendonly || !facts.appendfsync) {
    return {false, where + ": cannot read the persistence settings (CONFIG GET refused: " +
                       facts.config_error +
                       "); acknowledged messages are durable only if the server runs with "
                       "appendonly yes and appendfsync always"};
  }
  if (*facts.appendonly != "yes") {
    return {false, where + " runs with appendonly " + *facts.appendonly +
                       ": acknowledged messages live in memory (and RDB snapshots, if any); a "
                       "Redis restart or crash loses every change since the last snapshot. Set "
                       "appendonly yes and appendfsync always for durable acknowledgements"};
  }
  if (*facts.appendfsync == "always") {
    if (facts.no_appendfsync_on_rewrite.value_or("no") == "yes") {
      return {false, where +
                         " runs with appendfsync always but no-appendfsync-on-rewrite yes: "
                         "while the append-only file is rewritten, changes are not fsynced, "
                         "and a power loss then can lose acknowledged changes. Set "
                         "no-appendfsync-on-rewrite no"};
    }
    return {true, where +
                      " runs with appendonly yes, appendfsync always: every acknowledged "
                      "change is fsynced before Redis answers"};
  }
  if (*facts.appendfsync == "everysec") {
    return {false, where +
                       " runs with appendfsync everysec: a crash of the Redis process loses "
                       "nothing, but a power loss or kernel crash of its host can lose about "
                       "the last second (up to two) of acknowledged sends, deletes and "
                       "receives. Set appendfsync always for durable acknowledgements"};
  }
  return {false, where + " runs with appendfsync " + *facts.appendfsync +
                     ": the OS decides when the append-only file reaches the disk, so a power "
                     "loss or kernel crash can lose many seconds of acknowledged changes. Set "
                     "appendfsync always for durable acknowledgements"};
}

std::optional<std::string> judge_eviction(const ServerFacts& facts, std::string_view endpoint) {
  if (!facts.maxmemory_policy || *facts.maxmemory_policy == "noeviction") return std::nullopt;
  return "Redis at " + std::string(endpoint) + " runs with maxmemory-policy " +
         *facts.maxmemory_policy +
         ": when it reaches maxmemory it may evict Sluice's keys, which loses messages and can "
         "break queues. Set maxmemory-policy noeviction (sends then fail with ServiceUnavailable "
         "when memory is full)";
}

}  // namespace sluice::plugins::redis
