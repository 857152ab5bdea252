// ScriptLibrary: the store's Lua scripts (lua/*.lua), loaded into Redis once with SCRIPT LOAD and
// called by EVALSHA. Redis forgets loaded scripts when it restarts (or on SCRIPT FLUSH); the
// executor then sees NOSCRIPT and calls reload().
//
// Threading: load_all() runs once, before the library is shared; afterwards every method is
// const and safe from any thread (the digests never change: SCRIPT LOAD of the same source always
// yields the same SHA1).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "redis_connection.hpp"
#include "redis_reply.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::plugins::redis {

enum class Script : std::uint8_t {
  kCreateQueue,
  kGetQueue,
  kUpdateQueue,
  kDeleteQueue,
  kListQueues,
  kAppend,
  kClaim,
  kRemove,
  kSetVisibility,
  kCounts,
  kPurge,
  kExpire,
  kPeek,
  kMove,
};
inline constexpr std::size_t kScriptCount = 14;

// The script's file name without ".lua" ("claim").
std::string_view script_name(Script script);

class ScriptLibrary {
 public:
  // Finds every script's embedded source; kInternal if the build left one out.
  sdk::Status init();
  // SCRIPT LOAD of every script on `connection`, remembering the digests.
  sdk::Status load_all(RedisConnection& connection);
  // Loads `script` again (after NOSCRIPT) and checks the digest did not change.
  sdk::Status reload(RedisConnection& connection, Script script) const;

  // EVALSHA <digest> <#keys> keys... args...
  Command evalsha(Script script, const std::vector<std::string>& keys,
                  std::vector<std::string> args) const;

 private:
  static std::size_t index(Script script) { return static_cast<std::size_t>(script); }

  std::array<std::string_view, kScriptCount> sources_{};
  std::array<std::string, kScriptCount> digests_{};
};

}  // namespace sluice::plugins::redis
