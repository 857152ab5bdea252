// ReceiptCodec: turns a store receipt into the receipt handle clients see, and back. A handle
// names the queue (and its generation) it was issued for and the time of the receive that issued
// it, and is signed with HMAC-SHA256 so a client can neither forge one nor point one at another
// queue. Encoding: base64url (no padding) of
//   version(1) | len16 | queue | generation(8) | received_at_ms(8) | len16 | store receipt |
//   mac(32)
// Thread-safe (immutable after construction).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/sdk/result.hpp"
#include "sluice/sdk/types.hpp"

namespace sluice::core {

struct DecodedReceipt {
  std::string queue;
  std::uint64_t generation = 0;
  sdk::TimePoint received_at;  // clock time of the receive that issued the handle
  std::string store_receipt;
};

class ReceiptCodec {
 public:
  // An empty secret draws a random 32-byte key (handles then do not survive a restart).
  explicit ReceiptCodec(std::string secret);

  std::string encode(const DecodedReceipt& receipt) const;
  // kReceiptHandleIsInvalid when the handle is malformed or its signature does not match. The
  // caller still checks that queue and generation are the ones addressed.
  sdk::Result<DecodedReceipt> decode(std::string_view handle) const;

 private:
  std::string mac(std::string_view payload) const;
  std::string key_;
};

// base64url without padding, used for receipt and task handles.
std::string base64url_encode(std::string_view bytes);
// Empty optional-like error on bad input: returns false.
bool base64url_decode(std::string_view text, std::string& out);

}  // namespace sluice::core
