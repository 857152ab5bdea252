// Authenticates one SQS request with AWS Signature Version 4, in the Authorization header or
// in a presigned query string: reads the claim, checks the time window and the payload hash,
// builds the string to sign and asks the auth plugin (which holds the secrets) to check the
// signature. Failures come back as the wire errors AWS uses:
//   no signature at all            MissingAuthenticationToken  403
//   malformed signature parameters IncompleteSignature         400
//   unknown or inactive access key InvalidClientTokenId        403
//   wrong signature, wrong scope   SignatureDoesNotMatch       403
//   outside the clock-skew window,
//   or a presigned URL past expiry RequestExpired              400
//   too many failures from a peer  RequestThrottled            403
// Thread-safe; runs on I/O threads (it hashes the body once and calls the authenticator, which
// does not block).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <variant>

#include "sigv4_canonical.hpp"
#include "sluice/sdk/auth.hpp"
#include "wire_error.hpp"

namespace sluice::plugins::sqs {

class SigV4Verifier {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // `max_skew`: how far X-Amz-Date may be from the server's clock either way.
  SigV4Verifier(sdk::Authenticator& authenticator, std::chrono::seconds max_skew, Clock clock = {});

  std::variant<sdk::Principal, WireError> verify(const SignedRequestView& request,
                                                 const std::string& peer_address) const;

 private:
  std::variant<std::string, WireError> payload_hash(const SignedRequestView& request) const;
  std::optional<WireError> check_time(const SigV4Claim& claim) const;

  sdk::Authenticator& authenticator_;
  const std::chrono::seconds max_skew_;
  const Clock clock_;
};

// The auth errors, in both wire shapes (query code = JSON shape name, as AWS and moto do).
WireError missing_authentication_token(const std::string& message);
WireError incomplete_signature(const std::string& message);
WireError invalid_client_token_id();
WireError signature_does_not_match(const std::string& message);
WireError request_expired(const std::string& message);
WireError access_denied(const std::string& resource_url);

}  // namespace sluice::plugins::sqs
