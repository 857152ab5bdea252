#include "receipt_resolver.hpp"

#include "receipt_codec.hpp"
#include "status_macros.hpp"

namespace sluice::plugins::rocksdb {
namespace {

constexpr std::size_t kMaxQuoted = 64;

}  // namespace

std::string quote_receipt(const std::string& receipt) {
  if (receipt.size() <= kMaxQuoted) return "'" + receipt + "'";
  return "'" + receipt.substr(0, kMaxQuoted) + "...'";
}

sdk::Result<ResolvedReceipt> resolve_receipt(QueueWriter& queue, const std::string& receipt,
                                             std::uint64_t receipt_key) {
  const QueueHandle& handle = queue.queue();
  ResolvedReceipt resolved;
  const auto fields = decode_receipt(receipt, receipt_key);
  if (!fields) {
    resolved.why = "receipt handle " + quote_receipt(receipt) + " is malformed";
    return resolved;
  }
  if (fields->generation != handle.generation || fields->queue_id != handle.id) {
    resolved.why = "receipt handle " + quote_receipt(receipt) +
                   " belongs to another queue, not to '" + handle.name + "'";
    return resolved;
  }
  if (fields->seq == 0 || fields->seq >= queue.state().counters.next_seq || fields->token == 0) {
    resolved.why = "receipt handle " + quote_receipt(receipt) + " was never issued by queue '" +
                   handle.name + "'";
    return resolved;
  }
  resolved.seq = fields->seq;
  SLUICE_RDB_ASSIGN_OR_RETURN(auto state, queue.read_state(fields->seq));
  if (!state) {
    resolved.match = ReceiptMatch::kGone;
    return resolved;
  }
  if (state->token != fields->token) {
    resolved.why = "receipt handle " + quote_receipt(receipt) +
                   " was superseded by a later receive of the same message";
    return resolved;
  }
  resolved.match = ReceiptMatch::kCurrent;
  resolved.state = std::move(*state);
  return resolved;
}

}  // namespace sluice::plugins::rocksdb
