// The store's Lua scripts, embedded at build time from lua/*.lua (embed_lua.cmake): each one is
// lua/common.lua followed by the script's own file, ready for SCRIPT LOAD.
#pragma once

#include <span>
#include <string_view>

namespace sluice::plugins::redis {

struct LuaScript {
  std::string_view name;    // the file name without ".lua"
  std::string_view source;  // common.lua + <name>.lua
};

std::span<const LuaScript> lua_scripts();

}  // namespace sluice::plugins::redis
