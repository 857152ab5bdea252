// RedisExecutor: runs one script or command on a pooled connection, with the store's policies
// for failures: lost script caches, stale connections, replica acknowledgements.
//
// Threading: every method may be called from any thread at once (each call leases its own
// connection).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "connection_pool.hpp"
#include "redis_reply.hpp"
#include "script_library.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::plugins::redis {

enum class Access : std::uint8_t {
  // Changes nothing: retried once on a new connection when a pooled one fails with an I/O error
  // (a connection that died since its last use), since running it twice is harmless.
  kRead,
  // Changes data: never retried after it may have reached the server (the caller cannot know
  // whether it ran; the error says so). With wait_replicas > 0 a WAIT follows it in the same
  // round trip and too few acknowledgements fail the call with kServiceUnavailable.
  kWrite,
};

class RedisExecutor {
 public:
  RedisExecutor(ConnectionPool& pool, const ScriptLibrary& scripts);

  // EVALSHA `script`: one round trip, plus a SCRIPT LOAD and a second EVALSHA if Redis lost its
  // script cache (NOSCRIPT: the script did not run, so running it again is safe). An error reply
  // becomes an error naming `what`; any other reply is returned for the caller to decode.
  sdk::Result<Reply> eval(std::string_view what, Script script,
                          const std::vector<std::string>& keys, std::vector<std::string> args,
                          Access access);

  // One plain command (no WAIT). Error replies are returned as replies.
  sdk::Result<Reply> command(const Command& command, Access access);

 private:
  sdk::Result<Reply> eval_once(ConnectionPool::Lease& lease, std::string_view what, Script script,
                               const Command& evalsha, Access access);

  ConnectionPool& pool_;
  const ScriptLibrary& scripts_;
};

}  // namespace sluice::plugins::redis
