// EnvelopeCodec: a validated SendEntry <-> the stored sluice.v1.MessageEnvelope, and a store
// Delivery -> the ReceivedMessage front ends see. The envelope is the only place message content
// lives in a store, so this file is the one that decides what is kept. Thread-safe (no state).
#pragma once

#include <string>

#include "sluice/sdk/message.hpp"
#include "sluice/sdk/result.hpp"
#include "sluice/sdk/types.hpp"

namespace sluice::v1 {
class MessageEnvelope;
}

namespace sluice::core {

// What the core adds to a client's entry before storing it.
struct EnvelopeStamp {
  std::string message_id;
  sdk::TimePoint sent_at;
  std::string sender_id;
  std::string trace_header;  // AWSTraceHeader: the entry's system attribute or the request's
  std::string dedup_id;      // FIFO: the client's id or the content hash; empty otherwise
  std::string md5_of_body;
  std::string md5_of_attributes;
};

// Serialized MessageEnvelope bytes.
std::string encode_envelope(const sdk::SendEntry& entry, const EnvelopeStamp& stamp);

// Fills every field of a ReceivedMessage from the delivery and its envelope except
// receipt_handle and dead_letter_source_arn, which need the broker (signing key, ARN naming).
// kInternal when the envelope does not parse (a corrupt store record), or when it is sealed
// (encrypted at rest): those go through EnvelopeSealer::open_delivery, and reach this only when no
// encryption plugin is configured.
sdk::Result<sdk::ReceivedMessage> decode_delivery(const sdk::Delivery& delivery);

// The same from an envelope already parsed (and opened, if it was sealed).
sdk::ReceivedMessage received_message_from(const sluice::v1::MessageEnvelope& envelope,
                                           const sdk::Delivery& delivery);

// A random UUID v4 in lower case (36 characters), the form AWS uses for MessageId.
std::string new_uuid_v4();

}  // namespace sluice::core
