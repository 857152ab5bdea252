// Password hashes for SASL PLAIN/AMQPLAIN users: PBKDF2-HMAC-SHA256 with a random salt, stored as
//   pbkdf2-sha256$<iterations>$<salt, hex>$<derived key, hex>
// (32-byte key, 16-byte salt). Verification is constant-time in the key comparison.
// Thread-safe; hashing is deliberately slow (iterations), so callers should not hash on a hot path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/sdk/result.hpp"

namespace sluice::plugins::auth_local {

// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. A login costs a few hundred ms of CPU,
// once per AMQP connection; LocalAuthenticator remembers recent successes.
inline constexpr std::uint32_t kDefaultPasswordIterations = 600'000;
inline constexpr std::uint32_t kMinPasswordIterations = 10'000;
inline constexpr std::uint32_t kMaxPasswordIterations = 10'000'000;

// A fresh hash of `password` with a random salt. kInternal if the system RNG fails.
sdk::Result<std::string> hash_password(std::string_view password,
                                       std::uint32_t iterations = kDefaultPasswordIterations);

// Checks that `hash` is well formed (scheme, iteration bounds, hex lengths), without a password.
// kInvalidParameterValue saying what is wrong (never echoing the hash).
sdk::Status check_password_hash(std::string_view hash);

// True when `password` matches `hash`; false for a wrong password or a malformed hash.
bool verify_password(std::string_view password, std::string_view hash);

}  // namespace sluice::plugins::auth_local
