// The secret-holding half of AWS Signature Version 4: deriving the signing key from a secret
// access key and the credential scope, and signing a string to sign. (The front end builds the
// canonical request and the string to sign; it never sees the secret.) Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace sluice::plugins::auth_local {

struct SigV4Scope {
  std::string_view date;     // yyyymmdd
  std::string_view region;   // "us-east-1"
  std::string_view service;  // "sqs"
};

// Lower-case hex HMAC-SHA256 of `string_to_sign` under the key derived from `secret` and `scope`:
//   kDate = HMAC("AWS4" + secret, date), kRegion = HMAC(kDate, region),
//   kService = HMAC(kRegion, service), kSigning = HMAC(kService, "aws4_request").
std::string sigv4_signature(std::string_view secret, const SigV4Scope& scope,
                            std::string_view string_to_sign);

// Constant-time equality of two signatures (lengths are not secret).
bool same_signature(std::string_view a, std::string_view b);

}  // namespace sluice::plugins::auth_local
