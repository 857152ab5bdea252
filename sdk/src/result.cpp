#include "sluice/sdk/result.hpp"

namespace sluice::sdk {
namespace {

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  SqsError sqs;
  std::uint16_t amqp;
};

// One row per code: how each front end reports it. AMQP reply codes: 404 NOT_FOUND, 405
// RESOURCE_LOCKED, 406 PRECONDITION_FAILED, 403 ACCESS_REFUSED, 540 NOT_IMPLEMENTED, 541
// INTERNAL_ERROR, 506 RESOURCE_ERROR (a server resource exhausted or unavailable).
constexpr CodeInfo kCodes[] = {
    {ErrorCode::kQueueDoesNotExist,
     "QueueDoesNotExist",
     {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", 400, true},
     404},
    {ErrorCode::kQueueAlreadyExists,
     "QueueAlreadyExists",
     {"QueueAlreadyExists", "QueueNameExists", 400, true},
     406},
    {ErrorCode::kQueueDeletedRecently,
     "QueueDeletedRecently",
     {"AWS.SimpleQueueService.QueueDeletedRecently", "QueueDeletedRecently", 400, true},
     405},
    {ErrorCode::kPurgeQueueInProgress,
     "PurgeQueueInProgress",
     {"AWS.SimpleQueueService.PurgeQueueInProgress", "PurgeQueueInProgress", 403, true},
     405},
    {ErrorCode::kInvalidAttributeName,
     "InvalidAttributeName",
     {"InvalidAttributeName", "InvalidAttributeName", 400, true},
     406},
    {ErrorCode::kInvalidAttributeValue,
     "InvalidAttributeValue",
     {"InvalidAttributeValue", "InvalidAttributeValue", 400, true},
     406},
    {ErrorCode::kInvalidParameterValue,
     "InvalidParameterValue",
     {"InvalidParameterValue", "InvalidParameterValue", 400, true},
     406},
    {ErrorCode::kInvalidParameterCombination,
     "InvalidParameterCombination",
     {"InvalidParameterCombination", "InvalidParameterCombination", 400, true},
     406},
    {ErrorCode::kMissingParameter,
     "MissingParameter",
     {"MissingParameter", "MissingParameter", 400, true},
     406},
    {ErrorCode::kInvalidMessageContents,
     "InvalidMessageContents",
     {"InvalidMessageContents", "InvalidMessageContents", 400, true},
     406},
    {ErrorCode::kTooManyEntriesInBatchRequest,
     "TooManyEntriesInBatchRequest",
     {"AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "TooManyEntriesInBatchRequest", 400,
      true},
     406},
    {ErrorCode::kEmptyBatchRequest,
     "EmptyBatchRequest",
     {"AWS.SimpleQueueService.EmptyBatchRequest", "EmptyBatchRequest", 400, true},
     406},
    {ErrorCode::kBatchEntryIdsNotDistinct,
     "BatchEntryIdsNotDistinct",
     {"AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "BatchEntryIdsNotDistinct", 400, true},
     406},
    {ErrorCode::kInvalidBatchEntryId,
     "InvalidBatchEntryId",
     {"AWS.SimpleQueueService.InvalidBatchEntryId", "InvalidBatchEntryId", 400, true},
     406},
    {ErrorCode::kBatchRequestTooLong,
     "BatchRequestTooLong",
     {"AWS.SimpleQueueService.BatchRequestTooLong", "BatchRequestTooLong", 400, true},
     406},
    {ErrorCode::kReceiptHandleIsInvalid,
     "ReceiptHandleIsInvalid",
     {"ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404, true},
     406},
    {ErrorCode::kMessageNotInflight,
     "MessageNotInflight",
     {"AWS.SimpleQueueService.MessageNotInflight", "MessageNotInflight", 400, true},
     406},
    {ErrorCode::kOverLimit, "OverLimit", {"OverLimit", "OverLimit", 403, true}, 506},
    {ErrorCode::kResourceNotFound,
     "ResourceNotFound",
     {"ResourceNotFoundException", "ResourceNotFoundException", 404, true},
     404},
    {ErrorCode::kUnsupportedOperation,
     "UnsupportedOperation",
     {"AWS.SimpleQueueService.UnsupportedOperation", "UnsupportedOperation", 400, true},
     540},
    {ErrorCode::kConflict, "Conflict", {"InternalError", "InternalError", 500, false}, 405},
    {ErrorCode::kAccessDenied, "AccessDenied", {"AccessDenied", "AccessDenied", 403, true}, 403},
    {ErrorCode::kAuthenticationFailed,
     "AuthenticationFailed",
     {"InvalidClientTokenId", "InvalidClientTokenId", 403, true},
     403},
    {ErrorCode::kServiceUnavailable,
     "ServiceUnavailable",
     {"ServiceUnavailable", "ServiceUnavailable", 503, false},
     506},
    {ErrorCode::kInternal, "InternalError", {"InternalError", "InternalError", 500, false}, 541},
    {ErrorCode::kNotFound, "NotFound", {"InternalError", "InternalError", 500, false}, 404},
    {ErrorCode::kSignatureMismatch,
     "SignatureMismatch",
     {"SignatureDoesNotMatch", "SignatureDoesNotMatch", 403, true},
     403},
    {ErrorCode::kThrottled, "Throttled", {"RequestThrottled", "RequestThrottled", 403, true}, 403},
};

const CodeInfo& info(ErrorCode code) {
  for (const auto& row : kCodes) {
    if (row.code == code) return row;
  }
  // An unknown code is our bug, not the caller's: report it as an internal error.
  return code == ErrorCode::kInternal ? kCodes[0] : info(ErrorCode::kInternal);
}

}  // namespace

std::string_view error_code_name(ErrorCode code) { return info(code).name; }
SqsError sqs_error(ErrorCode code) { return info(code).sqs; }
std::uint16_t amqp_reply_code(ErrorCode code) { return info(code).amqp; }

}  // namespace sluice::sdk
