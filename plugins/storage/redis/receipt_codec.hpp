// Receipt handles of the Redis store and the text forms of the numbers scripts exchange. Pure
// functions, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::plugins::redis {

// What one delivery's receipt identifies. It is current only while the queue (id and generation)
// still exists, the message (by its arrival number inside that queue) still exists and its latest
// delivery carries the same token.
struct ReceiptFields {
  std::uint64_t generation = 0;  // sdk::QueueRecord::generation
  std::uint64_t queue_id = 0;    // the store's internal queue id (never reused)
  std::uint64_t arrival = 0;     // n of the message's seq text (see seq_text)
  std::uint64_t token = 0;       // random per delivery, kept in the message's record
};

// "r1-" + five lower-case hex fields joined by '-': generation, queue id, arrival, token and a
// check value over the four, so a mistyped, truncated or made-up receipt reads as malformed rather
// than as a receipt of some other message. Not a security boundary (the core signs receipts).
std::string encode_receipt(const ReceiptFields& fields);
// nullopt unless `text` is exactly what encode_receipt writes for some fields.
std::optional<ReceiptFields> decode_receipt(std::string_view text);

// How scripts spell a message's arrival number n: the 20 digits of 10^19 + n, so text order is
// arrival order. FIFO sequence numbers are this text. nullopt for anything else.
std::string seq_text(std::uint64_t arrival);
std::optional<std::uint64_t> arrival_of(std::string_view seq_text);

// Lower-case hex without leading zeros ("0" for 0): how a delivery token is stored and compared.
std::string hex_text(std::uint64_t value);

}  // namespace sluice::plugins::redis
