// LocalCipher: the local encryption plugin's sdk::PayloadCipher. AES-256-GCM with 32-byte data
// keys; master keys come from a sdk::MasterKeyProvider (FileKeyProvider in this plugin).
//
// Sealed format (49 bytes of overhead):
//   0x01 | salt (32 random bytes) | AES-256-GCM(k, n, plaintext) | tag (16)
// where k (32 bytes) and n (12 bytes) are HKDF-SHA256(data key, salt, "sluice-local/seal/v1").
// Every message gets its own key and nonce from a fresh random salt, so a data key can seal any
// number of messages without the 2^32 limit of random GCM nonces under one key, and a nonce is
// never reused. The context is GCM's associated data.
//
// Thread-safe: no mutable state besides the provider, which is thread-safe itself.
#pragma once

#include <memory>

#include "sluice/sdk/crypto.hpp"
#include "sluice/sdk/key_provider.hpp"

namespace sluice::plugins::local_crypto {

class LocalCipher final : public sdk::PayloadCipher {
 public:
  explicit LocalCipher(std::unique_ptr<sdk::MasterKeyProvider> provider)
      : provider_(std::move(provider)) {}

  std::string current_master_key_id() const override;
  bool has_master_key(std::string_view master_key_id) const override;
  sdk::Result<std::shared_ptr<const sdk::DataKey>> generate_data_key() override;
  sdk::Result<sdk::WrappedKey> wrap(const sdk::DataKey& key, std::string_view context) override;
  sdk::Result<std::shared_ptr<const sdk::DataKey>> unwrap(const sdk::WrappedKey& wrapped,
                                                          std::string_view context) override;
  sdk::Result<std::string> seal(const sdk::DataKey& key, std::string_view context,
                                std::string_view plaintext) override;
  sdk::Result<std::string> open(const sdk::DataKey& key, std::string_view context,
                                std::string_view sealed) override;

 private:
  std::unique_ptr<sdk::MasterKeyProvider> provider_;
};

}  // namespace sluice::plugins::local_crypto
