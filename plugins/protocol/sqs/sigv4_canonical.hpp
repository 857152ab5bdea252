// AWS Signature Version 4, the request half: reading the signature parameters from an
// Authorization header or a presigned query string, and building the canonical request and the
// string to sign exactly as AWS clients do (spec section 9.1). The secret-holding half (signing
// key, signature comparison) lives in the auth plugin. Pure functions, safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sluice::plugins::sqs {

// The request as received, without any decoding.
struct SignedRequestView {
  std::string_view method;  // "POST"
  std::string_view target;  // "/000000000000/q?Action=...": path and raw query
  std::vector<std::pair<std::string, std::string>> headers;  // names in any case, in order
  std::string_view body;
};

// What a SigV4-signed request claims: the credential scope, the signed headers, the signature.
struct SigV4Claim {
  bool presigned = false;
  std::string access_key_id;
  std::string scope_date;  // yyyymmdd
  std::string region;
  std::string service;
  std::string signed_headers;  // "content-type;host;x-amz-date", as sent
  std::vector<std::string> signed_header_names;
  std::string signature;
  std::string amz_date;              // yyyymmddTHHMMSSZ (X-Amz-Date, or the Date header converted)
  std::int64_t expires_seconds = 0;  // presigned only: X-Amz-Expires
  bool has_security_token = false;   // X-Amz-Security-Token present (temporary credentials)
};

// Why a request's signature parameters cannot be used, as the AWS error code to send.
struct SigV4Problem {
  enum class Kind { kMissing, kIncomplete, kMismatch } kind;
  std::string message;
};

// Reads the claim from the Authorization header (AWS4-HMAC-SHA256 Credential=..., SignedHeaders=
// ..., Signature=...) or, when there is none, from X-Amz-* query parameters. kMissing when the
// request carries neither; kIncomplete for malformed or missing pieces; kMismatch for a scope
// that cannot be right (service not "sqs", scope date not the request date).
std::variant<SigV4Claim, SigV4Problem> read_sigv4_claim(const SignedRequestView& request);

// The canonical URI: the path as received, dot segments removed, each segment URI-encoded again
// (non-S3 services double-encode). Empty -> "/".
std::string canonical_uri(std::string_view path);

// The canonical query string: pairs percent-decoded ('+' stays '+'), re-encoded per RFC 3986,
// sorted by key then value, joined with '&'. `drop_signature` leaves out X-Amz-Signature
// (presigned requests).
std::string canonical_query(std::string_view raw_query, bool drop_signature);

// "name:value\n" for each signed header: occurrences joined with ',', each trimmed, inner runs of
// spaces collapsed. A signed header the request lacks contributes an empty value (the signature
// then cannot match).
std::string canonical_headers(const SignedRequestView& request,
                              const std::vector<std::string>& signed_header_names);

// The whole canonical request for `claim`, with `payload_hash` as its last line.
std::string canonical_request(const SignedRequestView& request, const SigV4Claim& claim,
                              std::string_view payload_hash);

// "AWS4-HMAC-SHA256\n<amz date>\n<date>/<region>/<service>/aws4_request\n<hex sha256(canonical)>"
std::string string_to_sign(const SigV4Claim& claim, std::string_view canonical);

// Parses "20261124T120000Z".
std::optional<std::chrono::system_clock::time_point> parse_amz_date(std::string_view text);
std::string format_amz_date(std::chrono::system_clock::time_point time);

// The value of the first header named `name` (case-insensitive), if any.
std::optional<std::string_view> header_value(const SignedRequestView& request,
                                             std::string_view name);

}  // namespace sluice::plugins::sqs
