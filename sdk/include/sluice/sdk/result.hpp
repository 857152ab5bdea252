// Errors as values. Every call that can fail across a plugin boundary returns a Result<T> or a
// Status; exceptions never cross it. An ErrorCode is protocol-neutral: front ends map it onto the
// wire with sqs_error() / amqp_reply_code() so every front end reports the same failure the same
// way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sluice::sdk {

enum class ErrorCode : std::uint16_t {
  // Queue addressing
  kQueueDoesNotExist = 1,
  kQueueAlreadyExists,    // same name, different attributes
  kQueueDeletedRecently,  // re-created within 60 s of deletion
  kPurgeQueueInProgress,  // second purge within 60 s
  // Request validation
  kInvalidAttributeName,
  kInvalidAttributeValue,
  kInvalidParameterValue,
  kInvalidParameterCombination,
  kMissingParameter,
  kInvalidMessageContents,
  kTooManyEntriesInBatchRequest,
  kEmptyBatchRequest,
  kBatchEntryIdsNotDistinct,
  kInvalidBatchEntryId,
  kBatchRequestTooLong,
  // Message state
  kReceiptHandleIsInvalid,  // forged, malformed, from another queue, or superseded by a later
                            // receive
  kMessageNotInflight,      // visibility change on a message nobody holds
  kOverLimit,               // in-flight limit reached
  kResourceNotFound,        // message move task or ARN unknown
  kUnsupportedOperation,  // valid request the queue's state does not allow (e.g. second move task)
  // Concurrency between brokers sharing a store
  kConflict,  // optimistic update lost a race; the caller re-reads and retries
  // Security
  kAccessDenied,
  kAuthenticationFailed,
  // Server side
  kServiceUnavailable,  // backend unreachable; clients should retry
  kInternal,
  kNotFound,  // generic lookup miss inside a plugin (never sent on the wire as is)
  // Security, added in SDK 0.1 (appended: existing values keep their numbers)
  kSignatureMismatch,  // a known key, but the request signature is wrong (SignatureDoesNotMatch)
  kThrottled,          // too many requests or failed logins from one source (RequestThrottled)
};

// The canonical name of a code, for logs ("QueueDoesNotExist").
std::string_view error_code_name(ErrorCode code);

// How the SQS front end reports a code: the Query error code, the JSON shape name (used as
// "com.amazonaws.sqs#<shape>"), the HTTP status and whether the caller (Sender) is at fault.
struct SqsError {
  std::string_view query_code;
  std::string_view json_shape;
  int http_status;
  bool sender_fault;
};
SqsError sqs_error(ErrorCode code);

// The AMQP 0-9-1 reply code for a code (404 NOT_FOUND, 406 PRECONDITION_FAILED, 403
// ACCESS_REFUSED, 405 RESOURCE_LOCKED, 541 INTERNAL_ERROR, ...).
std::uint16_t amqp_reply_code(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;  // says what was wrong, with which input
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

// Result<T>: a T or an Error. Cheap to move; check ok() before value().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(data_); }
  ErrorCode code() const { return error().code; }

 private:
  std::variant<T, Error> data_;
};

// Status: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  static Status Ok() { return {}; }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }
  ErrorCode code() const { return error_->code; }

 private:
  std::optional<Error> error_;
};

}  // namespace sluice::sdk
