// AMQP 0-9-1 reply codes and the error value the wire layer and the channels pass around. A
// "hard" code is a connection exception (connection.close on channel 0); a "soft" one is a channel
// exception (channel.close on the channel that caused it). The split follows the spec's constant
// classes, which is also what RabbitMQ does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "sluice/sdk/result.hpp"

namespace sluice::plugins::amqp {

enum class ReplyCode : std::uint16_t {
  kReplySuccess = 200,
  kContentTooLarge = 311,
  kNoRoute = 312,
  kNoConsumers = 313,
  kConnectionForced = 320,
  kInvalidPath = 402,
  kAccessRefused = 403,
  kNotFound = 404,
  kResourceLocked = 405,
  kPreconditionFailed = 406,
  kFrameError = 501,
  kSyntaxError = 502,
  kCommandInvalid = 503,
  kChannelError = 504,
  kUnexpectedFrame = 505,
  kResourceError = 506,
  kNotAllowed = 530,
  kNotImplemented = 540,
  kInternalError = 541,
};

// "NOT_FOUND" for 404 and so on; "UNKNOWN" for a code outside the table.
std::string_view reply_code_name(ReplyCode code);
// True for connection exceptions (5xx), false for channel exceptions and the 2xx/3xx codes.
bool is_hard_error(ReplyCode code);

// A failure to report on the wire: the code, and the explanation that follows the code's name in
// the reply text ("NOT_FOUND - no queue 'q' in vhost '/'").
struct AmqpError {
  ReplyCode code;
  std::string explanation;
};

inline AmqpError amqp_error(ReplyCode code, std::string explanation) {
  return AmqpError{code, std::move(explanation)};
}

// The reply-text shortstr: "<NAME> - <explanation>", cut to 255 bytes (a shortstr's limit).
std::string reply_text(const AmqpError& error);

// How a broker error (sdk::ErrorCode) is reported to an AMQP client, via sdk::amqp_reply_code.
AmqpError from_broker_error(const sdk::Error& error);

// A value or an AmqpError: what every decoder in the wire layer returns.
template <typename T>
class [[nodiscard]] WireResult {
 public:
  WireResult(T value) : data_(std::in_place_index<0>, std::move(value)) {}          // NOLINT
  WireResult(AmqpError error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const AmqpError& error() const { return std::get<1>(data_); }

 private:
  std::variant<T, AmqpError> data_;
};

}  // namespace sluice::plugins::amqp
