// Reading the array replies of the store's scripts: {status, fields...}. Pure helpers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "redis_reply.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::plugins::redis {

// The first element of an array reply ("OK", "NOQUEUE", ...), or "" if there is none.
std::string_view script_status(const redisReply& reply);
// Element i as bytes ("" when it is missing or not a string).
std::string field_bytes(const redisReply& reply, std::size_t i);
// Element i as an integer (an integer reply or decimal text).
std::optional<std::int64_t> field_int(const redisReply& reply, std::size_t i);
// Element i as an unsigned decimal (generations are 64-bit and travel as text).
std::optional<std::uint64_t> field_u64(const redisReply& reply, std::size_t i);
std::size_t field_count(const redisReply& reply);

// kInternal: the script answered something this code does not expect (a version mismatch
// between the plugin and scripts loaded by another one, or a bug). Names the script.
sdk::Error unexpected_reply(std::string_view script, const redisReply& reply);

}  // namespace sluice::plugins::redis
