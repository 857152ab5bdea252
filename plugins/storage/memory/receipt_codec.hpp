// Receipt handles of the in-memory store: what one delivery's receipt carries and how it is
// written as text. Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::plugins::memory {

// Everything a receipt identifies. A receipt is current only while the queue incarnation and
// generation match, the message (by its per-queue arrival sequence) still exists and its latest
// delivery carries the same token.
struct ReceiptFields {
  std::uint64_t generation = 0;   // sdk::QueueRecord::generation of the queue
  std::uint64_t incarnation = 0;  // store-unique id of the queue object (never reused)
  std::uint64_t seq = 0;          // the message's arrival sequence inside that queue
  std::uint64_t token = 0;        // the delivery counter value handed out by the claim
};

// Text form: five lower-case hex fields joined by '-', the last a checksum keyed with `key`
// (a per-store random value), so a mistyped or truncated receipt reads as malformed rather than
// as a receipt of some other message. Not a security boundary: receipts are not secrets.
std::string encode_receipt(const ReceiptFields& fields, std::uint64_t key);

// nullopt when `text` is not exactly what encode_receipt(…, key) writes for some fields.
std::optional<ReceiptFields> decode_receipt(std::string_view text, std::uint64_t key);

}  // namespace sluice::plugins::memory
