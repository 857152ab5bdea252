#include "local_cipher.hpp"

#include <algorithm>

#include "aes_gcm.hpp"

namespace sluice::plugins::local_crypto {
namespace {

constexpr char kSealVersion = 0x01;
constexpr std::size_t kSaltBytes = 32;
constexpr std::size_t kSealedOverhead = 1 + kSaltBytes + kGcmTagBytes;
constexpr std::string_view kSealLabel = "sluice-local/seal/v1";

sdk::Result<std::string> message_key_and_nonce(const sdk::DataKey& key, std::string_view salt) {
  if (key.material().size() != kAesKeyBytes) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           "data key is not a sluice-local AES-256 key (" +
                               std::to_string(key.material().size()) + " bytes)");
  }
  return hkdf_sha256(key.material(), salt, kSealLabel, kAesKeyBytes + kGcmNonceBytes);
}

}  // namespace

std::string LocalCipher::current_master_key_id() const { return provider_->current_key_id(); }

bool LocalCipher::has_master_key(std::string_view master_key_id) const {
  const auto ids = provider_->key_ids();
  return std::find(ids.begin(), ids.end(), master_key_id) != ids.end();
}

sdk::Result<std::shared_ptr<const sdk::DataKey>> LocalCipher::generate_data_key() {
  auto material = random_bytes(kAesKeyBytes);
  if (!material.ok()) return material.error();
  return std::shared_ptr<const sdk::DataKey>(
      std::make_shared<sdk::DataKey>(std::move(material).value()));
}

sdk::Result<sdk::WrappedKey> LocalCipher::wrap(const sdk::DataKey& key, std::string_view context) {
  const std::string master = provider_->current_key_id();
  auto wrapped = provider_->wrap(key.material(), context);
  if (!wrapped.ok()) return wrapped.error();
  return sdk::WrappedKey{master, std::move(wrapped).value()};
}

sdk::Result<std::shared_ptr<const sdk::DataKey>> LocalCipher::unwrap(const sdk::WrappedKey& wrapped,
                                                                     std::string_view context) {
  auto material = provider_->unwrap(wrapped.master_key_id, wrapped.wrapped, context);
  if (!material.ok()) return material.error();
  if (material->size() != kAesKeyBytes) {
    wipe(*material);
    return sdk::make_error(
        sdk::ErrorCode::kInvalidMessageContents,
        "unwrapped data key has " + std::to_string(material->size()) + " bytes, expected 32");
  }
  return std::shared_ptr<const sdk::DataKey>(
      std::make_shared<sdk::DataKey>(std::move(material).value()));
}

sdk::Result<std::string> LocalCipher::seal(const sdk::DataKey& key, std::string_view context,
                                           std::string_view plaintext) {
  auto salt = random_bytes(kSaltBytes);
  if (!salt.ok()) return salt.error();
  auto derived = message_key_and_nonce(key, *salt);
  if (!derived.ok()) return derived.error();
  const std::string_view material = *derived;
  std::string out;
  out.reserve(kSealedOverhead + plaintext.size());
  out.push_back(kSealVersion);
  out += *salt;
  auto sealed = gcm_seal(material.substr(0, kAesKeyBytes), material.substr(kAesKeyBytes), context,
                         plaintext, out);
  wipe(*derived);
  if (!sealed) return sealed.error();
  return out;
}

sdk::Result<std::string> LocalCipher::open(const sdk::DataKey& key, std::string_view context,
                                           std::string_view sealed) {
  if (sealed.size() < kSealedOverhead || sealed.front() != kSealVersion) {
    return sdk::make_error(sdk::ErrorCode::kInvalidMessageContents,
                           "sealed payload is not in the sluice-local v1 format (" +
                               std::to_string(sealed.size()) + " bytes)");
  }
  auto derived = message_key_and_nonce(key, sealed.substr(1, kSaltBytes));
  if (!derived.ok()) return derived.error();
  const std::string_view material = *derived;
  auto plaintext = gcm_open(material.substr(0, kAesKeyBytes), material.substr(kAesKeyBytes),
                            context, sealed.substr(1 + kSaltBytes));
  wipe(*derived);
  return plaintext;
}

}  // namespace sluice::plugins::local_crypto
