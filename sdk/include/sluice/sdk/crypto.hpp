// Encryption plugins seal message payloads before they reach storage and open them after, with
// per-queue data keys wrapped by master keys from a key provider. A store never sees the
// plaintext of an encrypted queue.
#pragma once

#include <string>
#include <string_view>

#include "sluice/sdk/result.hpp"

namespace sluice::sdk {

class PayloadCipher {
 public:
  virtual ~PayloadCipher() = default;
  // `context` binds the ciphertext to its queue (authenticated, not encrypted), so a sealed
  // payload copied into another queue fails to open. Thread-safe.
  virtual Result<std::string> seal(std::string_view key_id, std::string_view context,
                                   std::string_view plaintext) = 0;
  virtual Result<std::string> open(std::string_view context, std::string_view sealed) = 0;
};

}  // namespace sluice::sdk
