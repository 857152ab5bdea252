// Messages as protocol front ends see them: what a client sends and what it receives. The core
// turns these into stored envelopes (sluice.v1.MessageEnvelope) and back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sluice/sdk/types.hpp"

namespace sluice::sdk {

// A typed message attribute. `data_type` is the full type string ("String", "Number.float",
// "Binary.gif"); `value` holds UTF-8 text for String/Number types and raw bytes for Binary types.
struct MessageAttributeValue {
  std::string data_type;
  std::string value;
  bool is_binary() const { return data_type.rfind("Binary", 0) == 0; }
  bool operator==(const MessageAttributeValue&) const = default;
};
using MessageAttributes = std::map<std::string, MessageAttributeValue>;  // sorted by name

// One message to send. Empty optionals take the queue's defaults.
struct SendEntry {
  std::string entry_id;  // the batch entry id, echoed in results; may be empty for single sends
  std::string body;
  MessageAttributes attributes;
  MessageAttributes system_attributes;  // AWSTraceHeader only, for SQS
  std::optional<std::int32_t> delay_seconds;
  std::string group_id;  // FIFO: required; standard: optional tenant id
  std::string dedup_id;  // FIFO: explicit deduplication id
  // Protocol-specific properties the core stores and returns untouched (AMQP content properties,
  // for instance), and which protocol wrote them.
  std::string native_protocol;
  std::string native_properties;
};

struct SendOutcome {
  std::string entry_id;
  std::string message_id;
  std::string md5_of_body;
  std::string md5_of_attributes;         // empty when there are no attributes
  std::string md5_of_system_attributes;  // empty when there are none
  std::string sequence_number;           // FIFO only
};

// A delivered message with every system attribute; front ends pick what the client asked for.
struct ReceivedMessage {
  std::string message_id;
  std::string receipt_handle;  // opaque, signed by the core; pass back to delete/change visibility
  std::string body;
  std::string md5_of_body;
  MessageAttributes attributes;
  MessageAttributes system_attributes;  // as sent (AWSTraceHeader)
  TimePoint sent_at;
  TimePoint first_received_at;
  std::uint32_t receive_count = 0;
  std::string sequence_number;  // FIFO only
  std::string group_id;
  std::string dedup_id;
  std::string sender_id;
  std::string dead_letter_source_arn;  // set if this message was dead-lettered into this queue
  std::string native_protocol;
  std::string native_properties;
};

}  // namespace sluice::sdk
