// Receipts of the RocksDB store: "r1" followed by five 16-digit lower-case hex fields: queue
// generation, internal queue id, message seq, delivery token and a keyed check value. The check
// key is random per database (kept in it), so receipts stay valid across restarts and garbage or
// edited receipts are rejected before any lookup. Receipts are integrity-checked, not secret.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::plugins::rocksdb {

struct ReceiptFields {
  std::uint64_t generation = 0;
  std::uint64_t queue_id = 0;
  std::uint64_t seq = 0;
  std::uint64_t token = 0;
};

std::string encode_receipt(const ReceiptFields& fields, std::uint64_t key);
// nullopt unless `text` is exactly what encode_receipt(fields, key) produces for some fields.
std::optional<ReceiptFields> decode_receipt(std::string_view text, std::uint64_t key);

}  // namespace sluice::plugins::rocksdb
