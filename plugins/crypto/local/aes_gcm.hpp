// The symmetric primitives of the local encryption plugin, on OpenSSL 3 (EVP): AES-256-GCM,
// HKDF-SHA256, HMAC-SHA256 and the system's random generator. Stateless functions over fetched
// algorithm objects that OpenSSL shares between threads: safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sluice/sdk/result.hpp"

namespace sluice::plugins::local_crypto {

inline constexpr std::size_t kAesKeyBytes = 32;  // AES-256
inline constexpr std::size_t kGcmNonceBytes = 12;
inline constexpr std::size_t kGcmTagBytes = 16;

// Appends ciphertext || tag (plaintext.size() + 16 bytes) to `out`. `key` must be 32 bytes and
// `nonce` 12; a nonce must never be used twice with one key.
sdk::Status gcm_seal(std::string_view key, std::string_view nonce, std::string_view aad,
                     std::string_view plaintext, std::string& out);

// The plaintext of `ciphertext_and_tag`, or kInvalidMessageContents when the tag does not verify
// (altered bytes, other key, nonce or associated data).
sdk::Result<std::string> gcm_open(std::string_view key, std::string_view nonce,
                                  std::string_view aad, std::string_view ciphertext_and_tag);

// `length` bytes of HKDF-SHA256 (RFC 5869) output.
sdk::Result<std::string> hkdf_sha256(std::string_view input_key, std::string_view salt,
                                     std::string_view info, std::size_t length);

// HMAC-SHA256 (32 bytes).
sdk::Result<std::string> hmac_sha256(std::string_view key, std::string_view data);

// `count` bytes from OpenSSL's CSPRNG; kInternal if it cannot produce them.
sdk::Result<std::string> random_bytes(std::size_t count);

// Lower-case hex of `bytes`.
std::string to_hex(std::string_view bytes);

// Overwrites `bytes` (key material that is about to be dropped).
void wipe(std::string& bytes);

}  // namespace sluice::plugins::local_crypto
