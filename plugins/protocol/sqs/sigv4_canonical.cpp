#include "sigv4_canonical.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <map>

#include "sluice/sdk/digests.hpp"

namespace sluice::plugins::sqs {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::int64_t kMaxPresignedExpiry = 604800;  // one week, as AWS

char lower_char(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), lower_char);
  return out;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower_char(x) == lower_char(y);
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes decoded; everything else (including '+') kept. A malformed escape stays literal.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

// RFC 3986 encoding: unreserved characters as they are, every other byte as %XX (upper case).
std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kDigits[byte >> 4]);
      out.push_back(kDigits[byte & 0xf]);
    }
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == separator) {
      pieces.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return pieces;
}

std::pair<std::string_view, std::string_view> path_and_query(std::string_view target) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return {target, {}};
  return {target.substr(0, question), target.substr(question + 1)};
}

// Decoded query parameters (first occurrence wins), for reading X-Amz-* values.
std::map<std::string, std::string, std::less<>> decoded_query(std::string_view raw_query) {
  std::map<std::string, std::string, std::less<>> params;
  for (std::string_view pair : split(raw_query, '&')) {
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    std::string key = percent_decode(pair.substr(0, equals));
    std::string value =
        equals == std::string_view::npos ? std::string() : percent_decode(pair.substr(equals + 1));
    params.emplace(std::move(key), std::move(value));
  }
  return params;
}

SigV4Problem incomplete(std::string message) {
  return SigV4Problem{SigV4Problem::Kind::kIncomplete, std::move(message)};
}
SigV4Problem mismatch(std::string message) {
  return SigV4Problem{SigV4Problem::Kind::kMismatch, std::move(message)};
}

bool is_hex64(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return hex_value(c) >= 0; });
}

// Fills the scope fields from "AKID/yyyymmdd/region/service/aws4_request".
std::optional<SigV4Problem> read_credential(std::string_view credential, SigV4Claim& claim) {
  const auto parts = split(credential, '/');
  if (parts.size() != 5 || parts[0].empty() || parts[1].size() != 8 || parts[2].empty() ||
      parts[3].empty()) {
    return incomplete(
        "Credential must be <access key>/<yyyymmdd>/<region>/<service>/aws4_request;"
        " found \"" +
        std::string(credential) + "\".");
  }
  if (parts[4] != "aws4_request") {
    return incomplete("Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                      std::string(parts[4]) + "'.");
  }
  claim.access_key_id = std::string(parts[0]);
  claim.scope_date = std::string(parts[1]);
  claim.region = std::string(parts[2]);
  claim.service = std::string(parts[3]);
  return std::nullopt;
}

std::optional<SigV4Problem> read_signed_headers(std::string_view text, SigV4Claim& claim) {
  claim.signed_headers = std::string(text);
  claim.signed_header_names.clear();
  for (std::string_view name : split(text, ';')) {
    if (name.empty()) return incomplete("SignedHeaders has an empty header name.");
    claim.signed_header_names.push_back(lower(name));
  }
  if (std::find(claim.signed_header_names.begin(), claim.signed_header_names.end(), "host") ==
      claim.signed_header_names.end()) {
    return incomplete("The host header must be signed (SignedHeaders=" + claim.signed_headers +
                      ").");
  }
  return std::nullopt;
}

// "Tue, 24 Nov 2026 12:00:00 GMT" -> time point.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  std::tm tm{};
  const std::string copy(text);
  const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::variant<SigV4Claim, SigV4Problem> from_header(const SignedRequestView& request,
                                                   std::string_view authorization) {
  if (authorization.substr(0, kAlgorithm.size()) != kAlgorithm ||
      (authorization.size() > kAlgorithm.size() && authorization[kAlgorithm.size()] != ' ')) {
    return incomplete(
        "Unsupported Authorization scheme: only AWS4-HMAC-SHA256 (Signature "
        "Version 4) is accepted.");
  }
  SigV4Claim claim;
  std::map<std::string, std::string, std::less<>> fields;
  for (std::string_view piece : split(authorization.substr(kAlgorithm.size()), ',')) {
    piece = trim(piece);
    const auto equals = piece.find('=');
    if (piece.empty() || equals == std::string_view::npos) continue;
    fields.emplace(std::string(trim(piece.substr(0, equals))),
                   std::string(trim(piece.substr(equals + 1))));
  }
  for (const char* required : {"Credential", "SignedHeaders", "Signature"}) {
    if (fields.find(required) == fields.end()) {
      return incomplete(std::string("Authorization header requires '") + required + "' parameter.");
    }
  }
  if (auto problem = read_credential(fields["Credential"], claim)) return *problem;
  if (auto problem = read_signed_headers(fields["SignedHeaders"], claim)) return *problem;
  claim.signature = lower(fields["Signature"]);
  if (!is_hex64(claim.signature)) {
    return incomplete("Signature must be 64 hexadecimal characters.");
  }
  if (auto date = header_value(request, "x-amz-date")) {
    claim.amz_date = std::string(trim(*date));
  } else if (auto http_date = header_value(request, "date")) {
    auto parsed = parse_http_date(trim(*http_date));
    if (!parsed) return incomplete("The Date header is not an HTTP date.");
    claim.amz_date = format_amz_date(*parsed);
  } else {
    return incomplete(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  claim.has_security_token = header_value(request, "x-amz-security-token").has_value();
  return claim;
}

std::variant<SigV4Claim, SigV4Problem> from_query(std::string_view raw_query) {
  const auto params = decoded_query(raw_query);
  const bool presigned = params.count("X-Amz-Algorithm") != 0 ||
                         params.count("X-Amz-Signature") != 0 ||
                         params.count("X-Amz-Credential") != 0;
  if (!presigned) {
    if (params.count("AWSAccessKeyId") != 0 || params.count("SignatureVersion") != 0) {
      return incomplete(
          "Signature Version 2 is not supported; sign requests with Signature "
          "Version 4 (AWS4-HMAC-SHA256).");
    }
    return SigV4Problem{SigV4Problem::Kind::kMissing,
                        "Request is missing Authentication Token: sign it with AWS Signature "
                        "Version 4."};
  }
  for (const char* required : {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
                               "X-Amz-SignedHeaders", "X-Amz-Signature"}) {
    if (params.count(required) == 0) {
      return incomplete(std::string("A presigned request requires the '") + required +
                        "' parameter.");
    }
  }
  SigV4Claim claim;
  claim.presigned = true;
  if (params.at("X-Amz-Algorithm") != kAlgorithm) {
    return incomplete("X-Amz-Algorithm must be AWS4-HMAC-SHA256.");
  }
  if (auto problem = read_credential(params.at("X-Amz-Credential"), claim)) return *problem;
  if (auto problem = read_signed_headers(params.at("X-Amz-SignedHeaders"), claim)) return *problem;
  claim.signature = lower(params.at("X-Amz-Signature"));
  if (!is_hex64(claim.signature)) {
    return incomplete("X-Amz-Signature must be 64 hexadecimal characters.");
  }
  claim.amz_date = params.at("X-Amz-Date");
  const std::string& expires = params.at("X-Amz-Expires");
  auto [ptr, ec] =
      std::from_chars(expires.data(), expires.data() + expires.size(), claim.expires_seconds);
  if (ec != std::errc() || ptr != expires.data() + expires.size() || claim.expires_seconds < 1 ||
      claim.expires_seconds > kMaxPresignedExpiry) {
    return incomplete("X-Amz-Expires must be a number of seconds from 1 to 604800 (a week).");
  }
  claim.has_security_token = params.count("X-Amz-Security-Token") != 0;
  return claim;
}

}  // namespace

std::optional<std::string_view> header_value(const SignedRequestView& request,
                                             std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (equal_ignoring_case(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::variant<SigV4Claim, SigV4Problem> read_sigv4_claim(const SignedRequestView& request) {
  auto authorization = header_value(request, "authorization");
  auto result = authorization ? from_header(request, trim(*authorization))
                              : from_query(path_and_query(request.target).second);
  auto* claim = std::get_if<SigV4Claim>(&result);
  if (claim == nullptr) return result;
  if (!parse_amz_date(claim->amz_date)) {
    return incomplete(
        "X-Amz-Date must be in the ISO 8601 basic format yyyyMMdd'T'HHmmss'Z'; found "
        "\"" +
        claim->amz_date + "\".");
  }
  if (claim->service != "sqs") {
    return mismatch("Credential should be scoped to correct service: 'sqs'.");
  }
  if (claim->amz_date.compare(0, 8, claim->scope_date) != 0) {
    return mismatch(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
        "date from HTTP: '" +
        claim->scope_date + "' != '" + claim->amz_date.substr(0, 8) + "'.");
  }
  return result;
}

std::string canonical_uri(std::string_view path) {
  // Dot segments and empty segments (repeated slashes) go, as in the AWS SDKs.
  std::vector<std::string_view> kept;
  for (std::string_view segment : split(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
      continue;
    }
    kept.push_back(segment);
  }
  std::string normalized = "/";
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) normalized += '/';
    normalized += kept[i];
  }
  if (!kept.empty() && !path.empty() && path.back() == '/') normalized += '/';
  return uri_encode(normalized, /*keep_slash=*/true);
}

std::string canonical_query(std::string_view raw_query, bool drop_signature) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (std::string_view pair : split(raw_query, '&')) {
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    const std::string key = percent_decode(pair.substr(0, equals));
    if (drop_signature && key == "X-Amz-Signature") continue;
    const std::string value =
        equals == std::string_view::npos ? std::string() : percent_decode(pair.substr(equals + 1));
    pairs.emplace_back(uri_encode(key, false), uri_encode(value, false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += '&';
    out += key + "=" + value;
  }
  return out;
}

std::string canonical_headers(const SignedRequestView& request,
                              const std::vector<std::string>& signed_header_names) {
  std::string out;
  for (const auto& name : signed_header_names) {
    std::string joined;
    bool first = true;
    for (const auto& [key, value] : request.headers) {
      if (!equal_ignoring_case(key, name)) continue;
      if (!first) joined += ',';
      first = false;
      // Trim and collapse whitespace runs to one space.
      bool pending_space = false;
      std::string collapsed;
      for (char c : trim(value)) {
        if (c == ' ' || c == '\t') {
          pending_space = true;
          continue;
        }
        if (pending_space) collapsed += ' ';
        pending_space = false;
        collapsed += c;
      }
      joined += collapsed;
    }
    out += name + ":" + joined + "\n";
  }
  return out;
}

std::string canonical_request(const SignedRequestView& request, const SigV4Claim& claim,
                              std::string_view payload_hash) {
  const auto [path, query] = path_and_query(request.target);
  std::string text;
  text += std::string(request.method) + "\n";
  text += canonical_uri(path) + "\n";
  text += canonical_query(query, claim.presigned) + "\n";
  text += canonical_headers(request, claim.signed_header_names) + "\n";
  text += claim.signed_headers + "\n";
  text += payload_hash;
  return text;
}

std::string string_to_sign(const SigV4Claim& claim, std::string_view canonical) {
  return std::string(kAlgorithm) + "\n" + claim.amz_date + "\n" + claim.scope_date + "/" +
         claim.region + "/" + claim.service + "/aws4_request\n" + sdk::sha256_hex(canonical);
}

std::optional<std::chrono::system_clock::time_point> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t count, int& out) {
    auto [ptr, ec] = std::from_chars(text.data() + from, text.data() + from + count, out);
    return ec == std::errc() && ptr == text.data() + from + count;
  };
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(0, 4, year) || !digits(4, 2, month) || !digits(6, 2, day) || !digits(9, 2, hour) ||
      !digits(11, 2, minute) || !digits(13, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string format_amz_date(std::chrono::system_clock::time_point time) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

}  // namespace sluice::plugins::sqs
