// The exception boundary of the Redis store: hiredis reports errors as values, but the standard
// library may still throw (std::bad_alloc above all). Every public method of RedisQueueStore runs
// its body through guarded(), so nothing ever propagates out of the plugin.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "sluice/sdk/result.hpp"

namespace sluice::plugins::redis {

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
  try {
    return body();
  } catch (const std::exception& e) {
    return failure(e.what());
  } catch (...) {
    return failure("unknown exception");
  }
}

}  // namespace sluice::plugins::redis
