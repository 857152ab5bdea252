// What the store learns about the Redis server at start-up, and what it concludes: can it run on
// this server, and can the server make acknowledged changes durable? Parsing and judging are pure
// functions (unit-tested); read_server_facts does one round trip.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "redis_connection.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::plugins::redis {

struct ServerFacts {
  std::string version;   // redis_version from INFO server, "" if unknown
  bool cluster = false;  // cluster_enabled:1 in INFO cluster
  std::string role;      // role from INFO replication ("master", "slave"), "" if unknown
  // CONFIG GET results; nullopt when CONFIG is disabled or denied (then config_error says why).
  std::optional<std::string> appendonly;
  std::optional<std::string> appendfsync;
  std::optional<std::string> no_appendfsync_on_rewrite;
  std::optional<std::string> maxmemory_policy;
  std::string config_error;
};

// INFO server, INFO cluster, INFO replication and CONFIG GET of appendonly, appendfsync,
// no-appendfsync-on-rewrite and maxmemory-policy in one round trip. A refused CONFIG is no error
// (managed Redis services often disable it).
sdk::Result<ServerFacts> read_server_facts(RedisConnection& connection);

// The value of `field` in an INFO text ("field:value" lines), "" if absent.
std::string info_field(std::string_view info, std::string_view field);

// Refuses servers this store cannot work with: Redis before 5.0, Cluster mode (this client speaks
// to one node and cannot follow MOVED redirections), a replica (read-only). kUnsupportedOperation
// naming the endpoint and the reason.
sdk::Status check_server_usable(const ServerFacts& facts, std::string_view endpoint);

struct DurabilityVerdict {
  // True only with appendonly yes, appendfsync always and no-appendfsync-on-rewrite no: every
  // change is fsynced before Redis answers, so an acknowledged change survives a crash or power
  // loss of the Redis host.
  bool durable = false;
  std::string message;  // one log line for the operator
};
DurabilityVerdict judge_durability(const ServerFacts& facts, std::string_view endpoint);

// A warning when the server may evict keys under memory pressure (any maxmemory-policy but
// noeviction): an evicted key is lost messages or a broken queue. nullopt when it cannot.
std::optional<std::string> judge_eviction(const ServerFacts& facts, std::string_view endpoint);

}  // namespace sluice::plugins::redis
