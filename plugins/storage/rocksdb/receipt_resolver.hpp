// Matching a client's receipt against the message it names, for remove and set_visibility.
// A receipt is current only for the latest delivery of a message still in this queue generation.
//
// Threading: as QueueWriter (the caller holds the queue's mutex).
#pragma once

#include <cstdint>
#include <string>

#include "queue_writer.hpp"
#include "sluice/sdk/result.hpp"
#include "value_codec.hpp"

namespace sluice::plugins::rocksdb {

enum class ReceiptMatch : std::uint8_t {
  kCurrent,  // the message's latest delivery: `state` is its stored state
  kGone,     // a receipt this queue issued for a message that is no longer there
  kInvalid,  // malformed, another queue or generation, never issued, or superseded: see `why`
};

struct ResolvedReceipt {
  ReceiptMatch match = ReceiptMatch::kInvalid;
  std::uint64_t seq = 0;
  MessageState state;
  std::string why;
};

sdk::Result<ResolvedReceipt> resolve_receipt(QueueWriter& queue, const std::string& receipt,
                                             std::uint64_t receipt_key);

// The receipt, quoted and cut short, for error messages (receipts are client input).
std::string quote_receipt(const std::string& receipt);

}  // namespace sluice::plugins::rocksdb
