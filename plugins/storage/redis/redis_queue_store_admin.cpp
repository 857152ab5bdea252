// RedisQueueStore: purge, counts, expire (retention) and move (redrive).
#include <algorithm>
#include <utility>

#include "redis_queue_store.hpp"
#include "script_reply.hpp"
#include "store_guard.hpp"

namespace sluice::plugins::redis {
namespace {

using sdk::ErrorCode;
using sdk::make_error;

// Messages one expire or move script call handles (bounds the time a script holds Redis).
constexpr std::size_t kExpireBatch = 1000;
constexpr std::uint32_t kMoveBatch = 100;

sdk::Error stale_queue(const QueueRef& ref) {
  return make_error(ErrorCode::kNotFound, "queue '" + ref.name + "' changed under its cached id");
}

std::string millis(sdk::TimePoint t) { return std::to_string(sdk::to_unix_millis(t)); }

sdk::Error move_onto_itself(std::string_view from) {
  return make_error(ErrorCode::kInvalidParameterValue,
                    "cannot move messages from queue '" + std::string(from) + "' onto itself");
}

}  // namespace

sdk::Result<std::uint64_t> RedisQueueStore::purge(std::string_view queue) {
  return guarded("purge", queue, [&]() -> sdk::Result<std::uint64_t> {
    return on_queue<std::uint64_t>(queue, [&](const QueueRef& ref) -> sdk::Result<std::uint64_t> {
      auto reply = run_queue_script("purge", Script::kPurge, ref, {}, Access::kWrite);
      if (!reply.ok()) return reply.error();
      const std::string_view status = script_status(**reply);
      if (status == "NOQUEUE") return stale_queue(ref);
      const auto count = field_int(**reply, 1);
      if (status != "OK" || !count) return unexpected_reply("purge", **reply);
      return static_cast<std::uint64_t>(*count);
    });
  });
}

sdk::Result<sdk::QueueCounts> RedisQueueStore::counts(std::string_view queue, sdk::TimePoint now) {
  return guarded("counts", queue, [&]() -> sdk::Result<sdk::QueueCounts> {
    return on_queue<sdk::QueueCounts>(
        queue, [&](const QueueRef& ref) -> sdk::Result<sdk::QueueCounts> {
          auto reply =
              run_queue_script("counts", Script::kCounts, ref, {millis(now)}, Access::kRead);
          if (!reply.ok()) return reply.error();
          const std::string_view status = script_status(**reply);
          if (status == "NOQUEUE") return stale_queue(ref);
          const auto visible = field_int(**reply, 1);
          const auto in_flight = field_int(**reply, 2);
          const auto delayed = field_int(**reply, 3);
          if (status != "OK" || !visible || !in_flight || !delayed) {
            return unexpected_reply("counts", **reply);
          }
          return sdk::QueueCounts{static_cast<std::uint64_t>(*visible),
                                  static_cast<std::uint64_t>(*in_flight),
                                  static_cast<std::uint64_t>(*delayed)};
        });
  });
}

sdk::Result<std::uint64_t> RedisQueueStore::expire(std::string_view queue, sdk::TimePoint cutoff) {
  return guarded("expire", queue, [&]() -> sdk::Result<std::uint64_t> {
    return on_queue<std::uint64_t>(queue, [&](const QueueRef& ref) -> sdk::Result<std::uint64_t> {
      std::uint64_t total = 0;
      while (true) {
        auto reply = run_queue_script(
            "expire", Script::kExpire, ref,
            {millis(cutoff), std::to_string(kExpireBatch), keys_.wake_channel(ref.name)},
            Access::kWrite);
        if (!reply.ok()) return reply.error();
        const std::string_view status = script_status(**reply);
        if (status == "NOQUEUE") {
          if (total == 0) return stale_queue(ref);
          return total;  // deleted midway: what was expired before stays expired
        }
        const auto deleted = field_int(**reply, 1);
        const auto more = field_int(**reply, 2);
        if (status != "OK" || !deleted || !more) return unexpected_reply("expire", **reply);
        total += static_cast<std::uint64_t>(*deleted);
        if (*more == 0) return total;
      }
    });
  });
}

sdk::Result<sdk::MoveResult> RedisQueueStore::move(std::string_view from,
                                                   const sdk::MoveSpec& spec) {
  return guarded("move", from, [&]() -> sdk::Result<sdk::MoveResult> {
    auto source = resolve(from);
    if (!source.ok()) return source.error();
    std::optional<QueueRef> fixed_destination;
    if (!spec.destination.empty()) {
      if (spec.destination == from) return move_onto_itself(from);
      auto destination = resolve(spec.destination);
      if (!destination.ok()) return destination.error();
      fixed_destination = std::move(destination).value();
    }

    sdk::MoveResult result;
    bool source_empty = false;
    while (result.moved < spec.max_messages && !source_empty) {
      std::optional<QueueRef> destination = fixed_destination;
      if (!destination) {
        // Peek at the oldest message to learn where it goes.
        auto peeked =
            run_queue_script("peek", Script::kPeek, *source, {millis(spec.now)}, Access::kRead);
        if (!peeked.ok()) return peeked.error();
        const std::string_view status = script_status(**peeked);
        if (status == "NOQUEUE") {
          refs_.drop(from);
          return no_such_queue(from);
        }
        if (status == "EMPTY") break;
        if (status != "OK") return unexpected_reply("peek", **peeked);
        const std::string target = field_bytes(**peeked, 2);
        if (target.empty()) {
          return make_error(ErrorCode::kInvalidParameterValue,
                            "message " + field_bytes(**peeked, 1) + " in queue '" +
                                std::string(from) +
                                "' was not dead-lettered, so it has no source queue to return to");
        }
        if (target == from) return move_onto_itself(from);
        auto found = resolve(target);
        if (!found.ok()) return found.error();
        destination = std::move(found).value();
      }

      const std::uint32_t max = std::min(spec.max_messages - result.moved, kMoveBatch);
      std::vector<std::string> args{destination->name,
                                    std::to_string(destination->generation),
                                    millis(spec.now),
                                    std::to_string(max),
                                    fixed_destination ? std::string() : destination->name,
                                    keys_.wake_channel(destination->name)};
      auto reply = run_queue_script("move", Script::kMove, *source, std::move(args), Access::kWrite,
                                    keys_.queue_keys(destination->id));
      if (!reply.ok()) return reply.error();
      const std::string_view status = script_status(**reply);
      if (status == "NOQUEUE") {
        refs_.drop(from);
        return no_such_queue(from);
      }
      if (status == "NODEST") {
        refs_.drop(destination->name);
        return no_such_queue(destination->name);
      }
      const auto moved = field_int(**reply, 1);
      const std::string stop = field_bytes(**reply, 2);
      if (status != "OK" || !moved) return unexpected_reply("move", **reply);
      result.moved += static_cast<std::uint32_t>(*moved);
      source_empty = stop == "EMPTY";
    }

    auto remaining = counts(from, spec.now);
    if (!remaining.ok()) return remaining.error();
    result.remaining = static_cast<std::uint32_t>(remaining->visible);
    return result;
  });
}

}  // namespace sluice::plugins::redis
