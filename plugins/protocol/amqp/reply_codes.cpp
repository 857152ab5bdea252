#include "reply_codes.hpp"

namespace sluice::plugins::amqp {

std::string_view reply_code_name(ReplyCode code) {
  switch (code) {
    case ReplyCode::kReplySuccess:
      return "REPLY_SUCCESS";
    case ReplyCode::kContentTooLarge:
      return "CONTENT_TOO_LARGE";
    case ReplyCode::kNoRoute:
      return "NO_ROUTE";
    case ReplyCode::kNoConsumers:
      return "NO_CONSUMERS";
    case ReplyCode::kConnectionForced:
      return "CONNECTION_FORCED";
    case ReplyCode::kInvalidPath:
      return "INVALID_PATH";
    case ReplyCode::kAccessRefused:
      return "ACCESS_REFUSED";
    case ReplyCode::kNotFound:
      return "NOT_FOUND";
    case ReplyCode::kResourceLocked:
      return "RESOURCE_LOCKED";
    case ReplyCode::kPreconditionFailed:
      return "PRECONDITION_FAILED";
    case ReplyCode::kFrameError:
      return "FRAME_ERROR";
    case ReplyCode::kSyntaxError:
      return "SYNTAX_ERROR";
    case ReplyCode::kCommandInvalid:
      return "COMMAND_INVALID";
    case ReplyCode::kChannelError:
      return "CHANNEL_ERROR";
    case ReplyCode::kUnexpectedFrame:
      return "UNEXPECTED_FRAME";
    case ReplyCode::kResourceError:
      return "RESOURCE_ERROR";
    case ReplyCode::kNotAllowed:
      return "NOT_ALLOWED";
    case ReplyCode::kNotImplemented:
      return "NOT_IMPLEMENTED";
    case ReplyCode::kInternalError:
      return "INTERNAL_ERROR";
  }
  return "UNKNOWN";
}

bool is_hard_error(ReplyCode code) {
  // 320 CONNECTION_FORCED and 402 INVALID_PATH are connection-class constants in the spec too.
  const auto value = static_cast<std::uint16_t>(code);
  return value >= 500 || code == ReplyCode::kConnectionForced || code == ReplyCode::kInvalidPath;
}

std::string reply_text(const AmqpError& error) {
  std::string text(reply_code_name(error.code));
  if (!error.explanation.empty()) text += " - " + error.explanation;
  if (text.size() > 255) text.resize(255);
  return text;
}

AmqpError from_broker_error(const sdk::Error& error) {
  const auto code = static_cast<ReplyCode>(sdk::amqp_reply_code(error.code));
  switch (code) {
    case ReplyCode::kAccessRefused:
    case ReplyCode::kNotFound:
    case ReplyCode::kResourceLocked:
    case ReplyCode::kPreconditionFailed:
    case ReplyCode::kResourceError:
    case ReplyCode::kNotImplemented:
    case ReplyCode::kInternalError:
      return AmqpError{code, error.message};
    default:
      return AmqpError{ReplyCode::kInternalError, error.message};
  }
}

}  // namespace sluice::plugins::amqp
