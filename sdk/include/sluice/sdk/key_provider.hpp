// Master keys for encryption at rest: the keys that wrap data keys (see crypto.hpp). A provider
// hides where master keys live. The local encryption plugin reads them from files; a KMS or Vault
// provider implements the same interface by calling the service (Encrypt/Decrypt, transit
// encrypt/decrypt), so the master key never has to be in this process.
//
// Identity: every master key has a provider-defined id that is not secret (a fingerprint, a KMS
// key ARN) and is stored next to each wrapped data key, so the core can tell which master key a
// data key needs and re-wrap it when the master key changes.
//
// Threads: every method may be called from any thread at the same time. Errors are values:
// kAccessDenied for a master key the provider does not hold, kInvalidMessageContents when the
// wrapped bytes fail authentication (altered, other context, other key), kServiceUnavailable when
// a remote provider cannot be reached, kInternal for anything else.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/result.hpp"

namespace sluice::sdk {

class MasterKeyProvider {
 public:
  virtual ~MasterKeyProvider() = default;

  // The master key new wraps use.
  virtual std::string current_key_id() const = 0;
  // Every master key this provider can unwrap with, the current one first.
  virtual std::vector<std::string> key_ids() const = 0;

  // Encrypts `plaintext_key` under the current master key, authenticating `context` with it.
  virtual Result<std::string> wrap(std::string_view plaintext_key, std::string_view context) = 0;
  // The plaintext key, if `wrapped` was made by wrap() under master key `key_id` with the same
  // `context`.
  virtual Result<std::string> unwrap(std::string_view key_id, std::string_view wrapped,
                                     std::string_view context) = 0;
};

}  // namespace sluice::sdk
