#include "envelope_codec.hpp"

#include <array>
#include <cstdint>
#include <random>

#include "sluice/v1/message.pb.h"

namespace sluice::core {
namespace {

void put_attributes(const sdk::MessageAttributes& in,
                    google::protobuf::Map<std::string, sluice::v1::AttributeValue>* out) {
  for (const auto& [name, value] : in) {
    auto& slot = (*out)[name];
    slot.set_data_type(value.data_type);
    slot.set_value(value.value);
  }
}

sdk::MessageAttributes get_attributes(
    const google::protobuf::Map<std::string, sluice::v1::AttributeValue>& in) {
  sdk::MessageAttributes out;
  for (const auto& [name, value] : in) {
    out.emplace(name, sdk::MessageAttributeValue{value.data_type(), value.value()});
  }
  return out;
}

}  // namespace

std::string encode_envelope(const sdk::SendEntry& entry, const EnvelopeStamp& stamp) {
  sluice::v1::MessageEnvelope envelope;
  envelope.set_message_id(stamp.message_id);
  envelope.set_body(entry.body);
  put_attributes(entry.attributes, envelope.mutable_attributes());
  if (!stamp.trace_header.empty()) {
    auto& trace = (*envelope.mutable_system_attributes())["AWSTraceHeader"];
    trace.set_data_type("String");
    trace.set_value(stamp.trace_header);
  }
  envelope.set_sent_at_ms(sdk::to_unix_millis(stamp.sent_at));
  envelope.set_sender_id(stamp.sender_id);
  envelope.set_group_id(entry.group_id);
  envelope.set_dedup_id(stamp.dedup_id);
  envelope.set_md5_of_body(stamp.md5_of_body);
  envelope.set_md5_of_attributes(stamp.md5_of_attributes);
  envelope.set_native_protocol(entry.native_protocol);
  envelope.set_native_properties(entry.native_properties);
  return envelope.SerializeAsString();
}

sdk::Result<sdk::ReceivedMessage> decode_delivery(const sdk::Delivery& delivery) {
  sluice::v1::MessageEnvelope envelope;
  if (!envelope.ParseFromString(delivery.envelope)) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           "stored envelope of message " + delivery.message_id +
                               " does not parse as sluice.v1.MessageEnvelope");
  }
  if (!envelope.sealed().empty()) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           "message " + delivery.message_id + " is encrypted (data key " +
                               envelope.key_id() +
                               ") but no encryption plugin is configured: add the [encryption] "
                               "section it was sealed with");
  }
  return received_message_from(envelope, delivery);
}

sdk::ReceivedMessage received_message_from(const sluice::v1::MessageEnvelope& envelope,
                                           const sdk::Delivery& delivery) {
  sdk::ReceivedMessage out;
  out.message_id = delivery.message_id.empty() ? envelope.message_id() : delivery.message_id;
  out.body = envelope.body();
  out.md5_of_body = envelope.md5_of_body();
  out.attributes = get_attributes(envelope.attributes());
  out.system_attributes = get_attributes(envelope.system_attributes());
  // SentTimestamp is when the client's send was accepted; a FIFO DLQ restarts the store's
  // retention clock (delivery.sent_at) but not this.
  out.sent_at =
      envelope.sent_at_ms() != 0 ? sdk::from_unix_millis(envelope.sent_at_ms()) : delivery.sent_at;
  out.first_received_at = delivery.first_received_at;
  out.receive_count = delivery.receive_count;
  out.sequence_number = delivery.sequence;
  out.group_id = envelope.group_id().empty() ? delivery.group_id : envelope.group_id();
  out.dedup_id = envelope.dedup_id();
  out.sender_id = envelope.sender_id();
  out.native_protocol = envelope.native_protocol();
  out.native_properties = envelope.native_properties();
  return out;
}

std::string new_uuid_v4() {
  // A per-thread generator seeded from the OS: message ids need uniqueness, not secrecy.
  thread_local std::mt19937_64 rng = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    const std::uint64_t r = rng();
    for (std::size_t k = 0; k < 8; ++k) bytes[i + k] = static_cast<std::uint8_t>(r >> (8 * k));
  }
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0f]);
  }
  return out;
}

}  // namespace sluice::core
