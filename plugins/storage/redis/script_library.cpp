#include "script_library.hpp"

#include <iterator>
#include <utility>

#include "lua_scripts.hpp"

namespace sluice::plugins::redis {
namespace {

constexpr std::array<std::string_view, kScriptCount> kNames = {
    "create_queue", "get_queue", "update_queue", "delete_queue",   "list_queues",
    "append",       "claim",     "remove",       "set_visibility", "counts",
    "purge",        "expire",    "peek",         "move",
};

sdk::Error internal(std::string message) {
  return sdk::make_error(sdk::ErrorCode::kInternal, std::move(message));
}

}  // namespace

std::string_view script_name(Script script) { return kNames[static_cast<std::size_t>(script)]; }

sdk::Status ScriptLibrary::init() {
  for (std::size_t i = 0; i < kScriptCount; ++i) {
    for (const LuaScript& script : lua_scripts()) {
      if (script.name == kNames[i]) sources_[i] = script.source;
    }
    if (sources_[i].empty()) {
      return internal("the Redis store was built without its Lua script '" +
                      std::string(kNames[i]) + ".lua'");
    }
  }
  return sdk::Status::Ok();
}

sdk::Status ScriptLibrary::load_all(RedisConnection& connection) {
  std::vector<Command> loads;
  for (std::size_t i = 0; i < kScriptCount; ++i) {
    loads.push_back({"SCRIPT", "LOAD", std::string(sources_[i])});
  }
  auto replies = connection.run(loads);
  if (!replies.ok()) return replies.error();
  for (std::size_t i = 0; i < kScriptCount; ++i) {
    const redisReply& reply = *(*replies)[i];
    if (is_error(reply)) {
      return error_from_reply("SCRIPT LOAD of " + std::string(kNames[i]) + ".lua", reply);
    }
    digests_[i] = std::string(reply_text(reply));
  }
  return sdk::Status::Ok();
}

sdk::Status ScriptLibrary::reload(RedisConnection& connection, Script script) const {
  auto reply = connection.run(Command{"SCRIPT", "LOAD", std::string(sources_[index(script)])});
  if (!reply.ok()) return reply.error();
  const std::string what = "SCRIPT LOAD of " + std::string(script_name(script)) + ".lua";
  if (is_error(**reply)) return error_from_reply(what, **reply);
  if (reply_text(**reply) != digests_[index(script)]) {
    return internal(what + " returned digest " + std::string(reply_text(**reply)) + ", expected " +
                    digests_[index(script)]);
  }
  return sdk::Status::Ok();
}

Command ScriptLibrary::evalsha(Script script, const std::vector<std::string>& keys,
                               std::vector<std::string> args) const {
  Command command;
  command.reserve(3 + keys.size() + args.size());
  command.push_back("EVALSHA");
  command.push_back(digests_[index(script)]);
  command.push_back(std::to_string(keys.size()));
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), std::make_move_iterator(args.begin()),
                 std::make_move_iterator(args.end()));
  return command;
}

}  // namespace sluice::plugins::redis
