// Small helpers shared by the action files: unwrapping inputs into wire errors and adapting
// BrokerApi completions.
#pragma once

#include <optional>
#include <string>

#include "sluice/sdk/broker_api.hpp"
#include "sqs_call.hpp"
#include "sqs_input.hpp"

namespace sluice::plugins::sqs {

inline void fail(const ActionDone& done, const sdk::Error& error) { done(WireError::from(error)); }

// Unwraps `result` into `out`, or reports its error and returns false.
template <typename T>
bool take(sdk::Result<T>&& result, T& out, const ActionDone& done) {
  if (!result.ok()) {
    fail(done, result.error());
    return false;
  }
  out = std::move(result).value();
  return true;
}

// The target queue of a queue-addressed action, or nullopt after reporting the error.
inline std::optional<std::string> target_queue(const SqsCall& call, const ActionDone& done) {
  auto name = queue_name_from(Input(call.input), call.path_queue);
  if (!name.ok()) {
    fail(done, name.error());
    return std::nullopt;
  }
  if (name->empty()) {
    const auto url = Input(call.input).string("QueueUrl");
    done(WireError::invalid_address(url.ok() && url->has_value() ? **url : call.path_queue));
    return std::nullopt;
  }
  return std::move(name).value();
}

// A completion for actions without output: null output on success.
inline sdk::StatusCompletion no_output(ActionDone done) {
  return [done = std::move(done)](sdk::Status status) {
    if (!status.ok()) return fail(done, status.error());
    done(nlohmann::json(nullptr));
  };
}

}  // namespace sluice::plugins::sqs
