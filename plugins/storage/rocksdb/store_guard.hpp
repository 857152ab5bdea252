// The exception boundary of the RocksDB store: RocksDB reports errors as Status values, but the
// standard library may still throw (std::bad_alloc above all). Every public method of
// RocksDbQueueStore runs its body through guarded(), so nothing ever propagates out of the plugin.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "rocksdb_database.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::plugins::rocksdb {

template <typename Body>
auto guarded(std::string_view operation, std::string_view queue, Body&& body) -> decltype(body()) {
  const auto failure = [&](const char* why) -> sdk::Error {
    try {
      return sdk::make_error(
          sdk::ErrorCode::kInternal,
          std::string(operation) + " on queue '" + std::string(queue) + "' failed: " + why);
    } catch (...) {
      return sdk::Error{sdk::ErrorCode::kInternal, std::string()};  // no memory for a message
    }
  };
  // Durable changes the body made were written without sync under its queue locks, which are
  // released by now: make them durable before reporting success (see wal_sync_group.hpp).
  const auto settle = [&]() { return settle_deferred_sync(); };
  try {
    auto result = body();
    sdk::Status settled = settle();
    if (!settled.ok() && result.ok()) return settled.error();
    return result;
  } catch (const std::exception& e) {
    (void)settle();
    return failure(e.what());
  } catch (...) {
    (void)settle();
    return failure("unknown exception");
  }
}

}  // namespace sluice::plugins::rocksdb
