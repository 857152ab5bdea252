#include "sigv4_verifier.hpp"

#include <algorithm>

#include "sluice/sdk/digests.hpp"

namespace sluice::plugins::sqs {
namespace {

constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr const char* kMismatchMessage =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

bool is_lower_hex64(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string minutes_text(std::chrono::seconds s) {
  if (s.count() % 60 == 0) return std::to_string(s.count() / 60) + " min.";
  return std::to_string(s.count()) + " s";
}

}  // namespace

WireError missing_authentication_token(const std::string& message) {
  return {"MissingAuthenticationToken", "MissingAuthenticationToken", 403, true, message};
}
WireError incomplete_signature(const std::string& message) {
  return {"IncompleteSignature", "IncompleteSignature", 400, true, message};
}
WireError invalid_client_token_id() {
  return {"InvalidClientTokenId", "InvalidClientTokenId", 403, true,
          "The security token included in the request is invalid."};
}
WireError signature_does_not_match(const std::string& message) {
  return {"SignatureDoesNotMatch", "SignatureDoesNotMatch", 403, true, message};
}
WireError request_expired(const std::string& message) {
  return {"RequestExpired", "RequestExpired", 400, true, message};
}
WireError access_denied(const std::string& resource_url) {
  return {"AccessDenied", "AccessDenied", 403, true,
          "Access to the resource " + resource_url + " is denied."};
}

SigV4Verifier::SigV4Verifier(sdk::Authenticator& authenticator, std::chrono::seconds max_skew,
                             Clock clock)
    : authenticator_(authenticator),
      max_skew_(max_skew),
      clock_(clock ? std::move(clock) : [] { return std::chrono::system_clock::now(); }) {}

std::variant<std::string, WireError> SigV4Verifier::payload_hash(
    const SignedRequestView& request) const {
  const std::string computed = sdk::sha256_hex(request.body);
  auto declared = header_value(request, "x-amz-content-sha256");
  if (!declared) return computed;
  if (*declared == kUnsignedPayload) {
    // Over plain HTTP an unsigned body could be replaced in transit: accept it only when there
    // is no body to replace.
    if (!request.body.empty()) {
      return incomplete_signature(
          "UNSIGNED-PAYLOAD is not accepted for a request with a body: sign the payload.");
    }
    return std::string(kUnsignedPayload);
  }
  if (!is_lower_hex64(*declared)) {
    return incomplete_signature(
        "x-amz-content-sha256 must be the lower-case hex SHA-256 of the "
        "body or UNSIGNED-PAYLOAD.");
  }
  if (*declared != computed) {
    return signature_does_not_match(
        "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  return computed;
}

std::optional<WireError> SigV4Verifier::check_time(const SigV4Claim& claim) const {
  const auto now = clock_();
  const auto signed_at = *parse_amz_date(claim.amz_date);
  if (claim.presigned && now > signed_at + std::chrono::seconds(claim.expires_seconds)) {
    return request_expired("Request has expired: it was signed at " + claim.amz_date + " for " +
                           std::to_string(claim.expires_seconds) + " seconds, and it is now " +
                           format_amz_date(now) + ".");
  }
  if (!claim.presigned && now - signed_at > max_skew_) {
    return request_expired("Signature expired: " + claim.amz_date + " is now earlier than " +
                           format_amz_date(now - max_skew_) + " (" + format_amz_date(now) + " - " +
                           minutes_text(max_skew_) + ")");
  }
  if (signed_at - now > max_skew_) {
    return request_expired("Signature not yet current: " + claim.amz_date +
                           " is still later than " + format_amz_date(now + max_skew_) + " (" +
                           format_amz_date(now) + " + " + minutes_text(max_skew_) + ")");
  }
  return std::nullopt;
}

std::variant<sdk::Principal, WireError> SigV4Verifier::verify(
    const SignedRequestView& request, const std::string& peer_address) const {
  auto read = read_sigv4_claim(request);
  if (auto* problem = std::get_if<SigV4Problem>(&read)) {
    switch (problem->kind) {
      case SigV4Problem::Kind::kMissing:
        return missing_authentication_token(problem->message);
      case SigV4Problem::Kind::kIncomplete:
        return incomplete_signature(problem->message);
      case SigV4Problem::Kind::kMismatch:
        return signature_does_not_match(problem->message);
    }
  }
  const SigV4Claim& claim = std::get<SigV4Claim>(read);
  if (auto expired = check_time(claim)) return *expired;
  // Sluice issues no temporary credentials, so no session token can be valid.
  if (claim.has_security_token) return invalid_client_token_id();
  auto hash = payload_hash(request);
  if (auto* error = std::get_if<WireError>(&hash)) return *error;

  sdk::Credentials credentials;
  credentials.mechanism = "AWS4-HMAC-SHA256";
  credentials.identity = claim.access_key_id;
  credentials.peer_address = peer_address;
  credentials.parts = {
      {"string_to_sign",
       string_to_sign(claim, canonical_request(request, claim, std::get<std::string>(hash)))},
      {"signature", claim.signature},
      {"date", claim.scope_date},
      {"region", claim.region},
      {"service", claim.service}};
  auto principal = authenticator_.authenticate(credentials);
  if (principal.ok()) return std::move(principal).value();
  switch (principal.code()) {
    case sdk::ErrorCode::kAuthenticationFailed:
      return invalid_client_token_id();
    case sdk::ErrorCode::kSignatureMismatch:
      return signature_does_not_match(kMismatchMessage);
    default:
      return WireError::from(principal.error());
  }
}

}  // namespace sluice::plugins::sqs
