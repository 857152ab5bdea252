// SQS queue attributes (spec 6.2): which exist, which apply to which queue type, which CreateQueue
// and SetQueueAttributes accept, their ranges and defaults, and the rules that tie them together
// (server-side encryption modes, high-throughput FIFO). Stateless checks only: whether a
// RedrivePolicy target exists is the registry's job. Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "queue_metadata_codec.hpp"
#include "sluice/core/queue_settings.hpp"
#include "sluice/sdk/broker_api.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::core {

namespace attr {
inline constexpr std::string_view kAll = "All";
inline constexpr std::string_view kDelaySeconds = "DelaySeconds";
inline constexpr std::string_view kMaximumMessageSize = "MaximumMessageSize";
inline constexpr std::string_view kMessageRetentionPeriod = "MessageRetentionPeriod";
inline constexpr std::string_view kReceiveMessageWaitTimeSeconds = "ReceiveMessageWaitTimeSeconds";
inline constexpr std::string_view kVisibilityTimeout = "VisibilityTimeout";
inline constexpr std::string_view kPolicy = "Policy";
inline constexpr std::string_view kRedrivePolicy = "RedrivePolicy";
inline constexpr std::string_view kRedriveAllowPolicy = "RedriveAllowPolicy";
inline constexpr std::string_view kKmsMasterKeyId = "KmsMasterKeyId";
inline constexpr std::string_view kKmsDataKeyReusePeriodSeconds = "KmsDataKeyReusePeriodSeconds";
inline constexpr std::string_view kSqsManagedSseEnabled = "SqsManagedSseEnabled";
inline constexpr std::string_view kFifoQueue = "FifoQueue";
inline constexpr std::string_view kContentBasedDeduplication = "ContentBasedDeduplication";
inline constexpr std::string_view kDeduplicationScope = "DeduplicationScope";
inline constexpr std::string_view kFifoThroughputLimit = "FifoThroughputLimit";
inline constexpr std::string_view kQueueArn = "QueueArn";
inline constexpr std::string_view kApproximateNumberOfMessages = "ApproximateNumberOfMessages";
inline constexpr std::string_view kApproximateNumberOfMessagesNotVisible =
    "ApproximateNumberOfMessagesNotVisible";
inline constexpr std::string_view kApproximateNumberOfMessagesDelayed =
    "ApproximateNumberOfMessagesDelayed";
inline constexpr std::string_view kCreatedTimestamp = "CreatedTimestamp";
inline constexpr std::string_view kLastModifiedTimestamp = "LastModifiedTimestamp";
}  // namespace attr

enum class AttributeOp : std::uint8_t { kCreate, kSet };

// Checks every name and value of a CreateQueue / SetQueueAttributes map for a queue of the given
// type and returns the values in canonical form (integers without sign or leading zeros, booleans
// lower case, JSON documents compact). An empty value of a removable attribute (Policy,
// RedrivePolicy, RedriveAllowPolicy, KmsMasterKeyId) stays "" and means "remove".
// On create, FifoQueue must be "true" exactly when `fifo`; it is returned like the others.
// Errors: kInvalidAttributeName ("Unknown Attribute X."), kInvalidAttributeValue ("Invalid value
// for the parameter X."), kInvalidParameterValue (FIFO type vs name, JSON policies), kOverLimit.
sdk::Result<sdk::AttributeMap> validate_attributes(const sdk::AttributeMap& attributes, bool fifo,
                                                   AttributeOp op);

// Applies validated changes to stored attributes: removals, the SSE rules of spec 6.2 (a KMS key
// turns SSE-SQS off, SSE-SQS on drops the key and resets the reuse period, removing the key turns
// SSE-SQS back on), then checks the combination (FifoThroughputLimit=perMessageGroupId needs
// DeduplicationScope=messageGroup). FifoQueue is never stored. On error `stored` is unchanged.
sdk::Status merge_attributes(sdk::AttributeMap& stored, const sdk::AttributeMap& changes);

// The effective value of a stored attribute, its default filled in; nullopt when it is unset and
// has no default (Policy, RedrivePolicy, RedriveAllowPolicy, KmsMasterKeyId) or is not a stored
// attribute at all (FifoQueue, read-only ones).
std::optional<std::string> effective_value(const sdk::AttributeMap& stored, std::string_view name);

// GetQueueAttributes: kInvalidAttributeName unless `name` is "All" or applies to the queue type.
sdk::Status validate_requested_name(std::string_view name, bool fifo);

// Every attribute GetQueueAttributes "All" may return for the queue type (read-only ones included).
std::vector<std::string_view> applicable_attribute_names(bool fifo);

// Whether two canonical values of attribute `name` are the same setting (policies compare as
// parsed JSON).
bool same_attribute_value(std::string_view name, std::string_view a, std::string_view b);

// The message path's view of a queue. `region`/`account_id` resolve the dead-letter ARN to a name;
// a RedrivePolicy aimed at an ARN that is not ours yields no redrive.
QueueSettings make_queue_settings(const sdk::QueueRecord& record, const QueueMetadata& metadata,
                                  std::string_view region, std::string_view account_id);

}  // namespace sluice::core
