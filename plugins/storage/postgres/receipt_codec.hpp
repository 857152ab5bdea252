// Receipts of the PostgreSQL store: which delivery of which message of which queue.
//
// Text form: five lower-case hex fields without leading zeros, joined by '-':
//   <queue generation>-<queue id>-<message seq>-<delivery token>-<check>
// The queue id and seq locate the row; the generation and queue id reject receipts of another
// queue or of an earlier queue of the same name; the token (random per delivery, stored in the
// row) rejects a receipt superseded by a later delivery; the check (a keyed hash of the other
// fields, with a key stored in the database and shared by every broker) rejects forged or
// damaged receipts without a database round trip.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::plugins::postgres {

struct ReceiptFields {
  std::uint64_t generation = 0;
  std::int64_t queue_id = 0;
  std::int64_t seq = 0;
  std::int64_t token = 0;
};

std::string encode_receipt(const ReceiptFields& fields, std::uint64_t key);
// nullopt for anything that encode_receipt did not produce with this key.
std::optional<ReceiptFields> decode_receipt(std::string_view text, std::uint64_t key);

// A FIFO sequence number as the SPI hands it out: 20 decimal digits (10^19 + seq), so the strings
// compare the same way as numbers.
std::string sequence_text(std::int64_t seq);

}  // namespace sluice::plugins::postgres
