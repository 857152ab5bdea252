// PostgresQueueStore: purge, counts, expire and move (sql/v1_queues.sql, sql/v1_settle.sql).
#include <algorithm>

#include <pqxx/array>

#include "postgres_queue_store.hpp"
#include "store_call.hpp"

namespace sluice::plugins::postgres {
namespace {

using sdk::ErrorCode;
using sdk::make_error;

// expire() deletes this many messages per transaction, so retention of a large backlog never
// holds one long transaction.
constexpr std::int32_t kExpireBatch = 1000;

std::int64_t millis(sdk::TimePoint t) { return sdk::to_unix_millis(t); }

// The elements of a one-dimensional text[] value in text form.
std::vector<std::string> text_array_of(const pqxx::field& field) {
  std::vector<std::string> out;
  if (field.is_null()) return out;
  pqxx::array_parser parser = field.as_array();
  while (true) {
    auto [juncture, value] = parser.get_next();
    if (juncture == pqxx::array_parser::juncture::done) break;
    if (juncture == pqxx::array_parser::juncture::string_value) out.push_back(value);
  }
  return out;
}

}  // namespace

sdk::Result<std::uint64_t> PostgresQueueStore::purge(std::string_view queue) {
  return run<std::uint64_t>("purge", queue, [&](pqxx::connection& c) -> sdk::Result<std::uint64_t> {
    SqlParams params;
    params.text(queue);
    return exec(c, statement::kPurge, params).at(0).at(0).as<std::uint64_t>();
  });
}

sdk::Result<sdk::QueueCounts> PostgresQueueStore::counts(std::string_view queue,
                                                         sdk::TimePoint now) {
  return run<sdk::QueueCounts>(
      "counts", queue, [&](pqxx::connection& c) -> sdk::Result<sdk::QueueCounts> {
        SqlParams params;
        params.text(queue).int8(millis(now));
        const pqxx::row row = exec(c, statement::kCounts, params).at(0);
        return sdk::QueueCounts{row[0].as<std::uint64_t>(), row[1].as<std::uint64_t>(),
                                row[2].as<std::uint64_t>()};
      });
}

sdk::Result<std::uint64_t> PostgresQueueStore::expire(std::string_view queue,
                                                      sdk::TimePoint cutoff) {
  std::uint64_t total = 0;
  while (true) {
    auto batch =
        run<std::uint64_t>("expire", queue, [&](pqxx::connection& c) -> sdk::Result<std::uint64_t> {
          SqlParams params;
          params.text(queue).int8(millis(cutoff)).int4(kExpireBatch);
          return exec(c, statement::kExpire, params).at(0).at(0).as<std::uint64_t>();
        });
    if (!batch.ok()) {
      // What earlier batches deleted stays deleted; report the failure, the sweeper comes back.
      return batch.error();
    }
    total += *batch;
    if (*batch < static_cast<std::uint64_t>(kExpireBatch)) return total;
  }
}

sdk::Result<sdk::MoveResult> PostgresQueueStore::move(std::string_view from,
                                                      const sdk::MoveSpec& spec) {
  if (spec.max_messages == 0) return sdk::MoveResult{};
  std::vector<std::string> moved_to;
  auto moved =
      run<sdk::MoveResult>("move", from, [&](pqxx::connection& c) -> sdk::Result<sdk::MoveResult> {
        SqlParams params;
        params.text(from)
            .text(spec.destination)
            .int8(millis(spec.now))
            .int4(static_cast<std::int32_t>(std::min<std::uint32_t>(spec.max_messages, INT32_MAX)));
        const pqxx::row row = exec(c, statement::kMove, params).at(0);
        moved_to = text_array_of(row[3]);
        const int error = row[1].as<int>();
        const std::string detail = text_of(row[2]);
        switch (error) {
          case 0:
            break;
          case 1:
            return make_error(ErrorCode::kQueueDoesNotExist,
                              "queue '" + detail + "' does not exist");
          case 2:
            return make_error(ErrorCode::kInvalidParameterValue,
                              "message " + detail + " in queue '" + std::string(from) +
                                  "' was not dead-lettered, so it has no source queue to return "
                                  "to");
          case 3:
            return make_error(
                ErrorCode::kInvalidParameterValue,
                "cannot move messages from queue '" + std::string(from) + "' onto itself");
          default:
            return make_error(ErrorCode::kInternal, "move from queue '" + std::string(from) +
                                                        "': unknown error " +
                                                        std::to_string(error));
        }
        sdk::MoveResult result;
        result.moved = static_cast<std::uint32_t>(row[0].as<std::int64_t>());
        result.remaining = static_cast<std::uint32_t>(
            std::min<std::int64_t>(row[4].as<std::int64_t>(), UINT32_MAX));
        return result;
      });
  for (const auto& queue : moved_to) notifier_->poke(queue);
  return moved;
}

}  // namespace sluice::plugins::postgres
