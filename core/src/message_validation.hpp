// The request rules of the message path (spec sqs.md 5.8-5.14, 7.1-7.3, 7.11, 8.x), as pure
// functions of the request and the queue's settings. Messages use AWS's wording where it is known,
// because client libraries and their users recognise it. Thread-safe (no state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/core/queue_settings.hpp"
#include "sluice/sdk/broker_api.hpp"
#include "sluice/sdk/message.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::core {

inline constexpr std::size_t kMaxBatchEntries = 10;
inline constexpr std::size_t kMaxBatchBytes = 1048576;
inline constexpr std::int32_t kMaxDelaySeconds = 900;
inline constexpr std::int32_t kMaxVisibilitySeconds = 43200;
inline constexpr std::int32_t kMaxWaitSeconds = 20;
inline constexpr std::uint32_t kMaxReceiveMessages = 10;
inline constexpr std::size_t kMaxMessageAttributes = 10;

// Body or String/Number value: valid UTF-8 made only of the code points SQS allows (7.1). On
// failure `problem` describes the first offending input ("invalid UTF-8 at byte 3", "#x1B").
bool is_allowed_text(std::string_view text, std::string* problem);
// Batch entry id: 1..80 of [A-Za-z0-9_-].
bool is_valid_batch_entry_id(std::string_view id);
// MessageGroupId / MessageDeduplicationId / ReceiveRequestAttemptId: 1..128 ASCII letters,
// digits or punctuation (! .. ~).
bool is_valid_fifo_token(std::string_view token);
// Message size per 7.2: body + every attribute's name, data type and value (system attributes
// excluded).
std::size_t message_size(const sdk::SendEntry& entry);

// Whole-request rules of a send: entry count, entry ids, ids distinct, total size. An empty
// entry id is allowed only in a single-entry request (SendMessage carries none).
sdk::Status validate_send_batch(const std::vector<sdk::SendEntry>& entries);
// One entry against its queue: body, characters, size, attributes, system attributes, delay and
// the FIFO rules. Errors name the input.
sdk::Status validate_send_entry(const sdk::SendEntry& entry, const QueueSettings& settings);

// ReceiveMessage parameters after defaults: max 1..10, visibility 0..43200, wait 0..20, attempt
// id format (FIFO only; ignored on standard queues).
struct ReceiveParameters {
  std::uint32_t max_messages = 1;
  std::int32_t visibility_seconds = 30;
  std::int32_t wait_seconds = 0;
};
sdk::Result<ReceiveParameters> resolve_receive_parameters(const sdk::ReceiveRequest& request,
                                                          const QueueSettings& settings);
// A VisibilityTimeout parameter 0..43200.
sdk::Status validate_visibility_timeout(std::int32_t seconds);

}  // namespace sluice::core
