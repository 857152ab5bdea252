// Owning hiredis replies and commands, and how Redis error replies become sdk errors. Pure
// helpers: safe from any thread.
#pragma once

#include <hiredis/hiredis.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/result.hpp"

namespace sluice::plugins::redis {

struct ReplyDeleter {
  void operator()(redisReply* reply) const {
    if (reply != nullptr) freeReplyObject(reply);
  }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// One command: its words, binary-safe ("EVALSHA", sha, "3", key, ...).
using Command = std::vector<std::string>;

// The text of a string, status or error reply; empty for other types.
std::string_view reply_text(const redisReply& reply);
// An integer reply, or a string reply holding a decimal integer; nullopt otherwise.
std::optional<std::int64_t> reply_int(const redisReply& reply);
// Element `i` of an array reply, or nullptr when the reply is no array or too short.
const redisReply* reply_element(const redisReply& reply, std::size_t i);

bool is_error(const redisReply& reply);
// The server lost the script cache (a restart, SCRIPT FLUSH): load the script and retry.
bool is_noscript(const redisReply& reply);

// The sdk error for an error reply. Server states that pass (loading after a restart, a replica
// that is read-only, out of memory, persistence failing, a busy script, a failover, refused
// authentication) are kServiceUnavailable so clients retry; anything else (a script bug, a
// Cluster redirection this client cannot follow) is kInternal. `what` names the operation.
sdk::Error error_from_reply(std::string_view what, const redisReply& reply);

// Quotes arbitrary bytes for an error message: at most 64 of them, non-printables as \xNN.
std::string quote_bytes(std::string_view bytes);

}  // namespace sluice::plugins::redis
