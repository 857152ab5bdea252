#include "local_authenticator.hpp"

#include <openssl/rand.h>

#include <array>

#include "password_hash.hpp"
#include "sigv4_signer.hpp"
#include "sluice/sdk/digests.hpp"
#include "users_file.hpp"

namespace sluice::plugins::auth_local {
namespace {

constexpr std::string_view kSigV4 = "AWS4-HMAC-SHA256";
constexpr std::size_t kMaxCachedPolicies = 1024;

sdk::Error auth_error(sdk::ErrorCode code, std::string message) {
  return sdk::make_error(code, std::move(message));
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string part(const sdk::Credentials& credentials, const char* name) {
  auto it = credentials.parts.find(name);
  return it == credentials.parts.end() ? std::string() : it->second;
}

std::string random_pepper() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return {};
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

sdk::Result<std::unique_ptr<LocalAuthenticator>> LocalAuthenticator::create(
    LocalAuthOptions options, sdk::Logger& logger, Clock clock) {
  auto loaded = load_users_file(options.users_file);
  if (!loaded.ok()) return loaded.error();
  for (const auto& warning : loaded->warnings) logger.warn(warning);
  logger.info("loaded " + std::to_string(loaded->directory->user_count()) + " user(s) and " +
              std::to_string(loaded->directory->access_key_count()) + " access key(s) from " +
              options.users_file.string());
  if (!clock) clock = [] { return std::chrono::steady_clock::now(); };
  return std::unique_ptr<LocalAuthenticator>(new LocalAuthenticator(
      std::move(options), logger, std::move(clock), std::move(loaded->directory)));
}

LocalAuthenticator::LocalAuthenticator(LocalAuthOptions options, sdk::Logger& logger, Clock clock,
                                       std::shared_ptr<const UserDirectory> users)
    : options_(std::move(options)),
      logger_(logger),
      clock_(std::move(clock)),
      limiter_(options_.limiter),
      users_(std::move(users)),
      pepper_(random_pepper()) {}

std::shared_ptr<const UserDirectory> LocalAuthenticator::users() const {
  std::lock_guard lock(mu_);
  return users_;
}

sdk::Status LocalAuthenticator::reload() {
  auto loaded = load_users_file(options_.users_file);
  if (!loaded.ok()) {
    return sdk::make_error(loaded.code(),
                           loaded.error().message + " (the users loaded before stay in force)");
  }
  for (const auto& warning : loaded->warnings) logger_.warn(warning);
  const std::size_t users = loaded->directory->user_count();
  const std::size_t keys = loaded->directory->access_key_count();
  {
    std::lock_guard lock(mu_);
    users_ = std::move(loaded->directory);
    recent_passwords_.clear();
  }
  logger_.info("reloaded " + std::to_string(users) + " user(s) and " + std::to_string(keys) +
               " access key(s) from " + options_.users_file.string());
  return sdk::Status::Ok();
}

sdk::Result<sdk::Principal> LocalAuthenticator::authenticate(const sdk::Credentials& credentials) {
  if (!limiter_.admits(credentials.peer_address, clock_())) {
    return auth_error(sdk::ErrorCode::kThrottled, "Too many failed authentication attempts from " +
                                                      credentials.peer_address +
                                                      "; try again later.");
  }
  const auto snapshot = users();
  if (credentials.mechanism == kSigV4) return check_sigv4(*snapshot, credentials);
  if (credentials.mechanism == "PLAIN" || credentials.mechanism == "AMQPLAIN") {
    return check_password(*snapshot, credentials);
  }
  return failed(credentials, auth_error(sdk::ErrorCode::kAuthenticationFailed,
                                        "unsupported mechanism " + credentials.mechanism));
}

sdk::Result<sdk::Principal> LocalAuthenticator::check_sigv4(const UserDirectory& users,
                                                            const sdk::Credentials& credentials) {
  const AccessKey* key = nullptr;
  const User* user = users.find_by_access_key(credentials.identity, &key);
  if (user == nullptr || !key->active) {
    return failed(credentials,
                  auth_error(sdk::ErrorCode::kAuthenticationFailed,
                             user == nullptr ? "unknown access key" : "inactive access key"));
  }
  const std::string date = part(credentials, "date");
  const std::string region = part(credentials, "region");
  const std::string service = part(credentials, "service");
  const std::string string_to_sign = part(credentials, "string_to_sign");
  const std::string signature = lower(part(credentials, "signature"));
  if (date.empty() || region.empty() || service.empty() || string_to_sign.empty()) {
    return failed(credentials,
                  auth_error(sdk::ErrorCode::kAuthenticationFailed, "incomplete SigV4 parts"));
  }
  const std::string expected =
      sigv4_signature(key->secret, SigV4Scope{date, region, service}, string_to_sign);
  if (!same_signature(expected, signature)) {
    return failed(credentials,
                  auth_error(sdk::ErrorCode::kSignatureMismatch, "signature does not match"));
  }
  return user->principal();
}

sdk::Result<sdk::Principal> LocalAuthenticator::check_password(
    const UserDirectory& users, const sdk::Credentials& credentials) {
  const User* user = users.find_by_name(credentials.identity);
  if (user == nullptr || user->password_hash.empty()) {
    // Spend the same effort as a real check, so timing does not tell which user names exist.
    static const std::string kDummyHash = "pbkdf2-sha256$" +
                                          std::to_string(kDefaultPasswordIterations) + "$" +
                                          std::string(32, '0') + "$" + std::string(64, '0');
    verify_password(credentials.secret, kDummyHash);
    return failed(credentials,
                  auth_error(sdk::ErrorCode::kAuthenticationFailed,
                             user == nullptr ? "unknown user" : "user has no password"));
  }
  const std::string remembered =
      sdk::sha256_hex(pepper_ + '\0' + user->name + '\0' + credentials.secret);
  {
    std::lock_guard lock(mu_);
    auto it = recent_passwords_.find(user->name);
    if (!pepper_.empty() && it != recent_passwords_.end() && it->second == remembered) {
      return user->principal();
    }
  }
  if (!verify_password(credentials.secret, user->password_hash)) {
    return failed(credentials, auth_error(sdk::ErrorCode::kAuthenticationFailed, "wrong password"));
  }
  if (!pepper_.empty()) {
    std::lock_guard lock(mu_);
    recent_passwords_[user->name] = remembered;
  }
  return user->principal();
}

sdk::Error LocalAuthenticator::failed(const sdk::Credentials& credentials, sdk::Error error) {
  const bool now_throttled = limiter_.record_failure(credentials.peer_address, clock_());
  logger_.warn("authentication failed: mechanism=" + credentials.mechanism +
               " identity=" + credentials.identity + " peer=" + credentials.peer_address +
               " reason=" + error.message);
  if (now_throttled) {
    logger_.warn("peer " + credentials.peer_address +
                 " is over its failed-authentication limit: its attempts are refused unchecked "
                 "until it slows down");
  }
  return error;
}

sdk::Result<std::string> LocalAuthenticator::secret_for(const std::string& identity) {
  const auto snapshot = users();
  const AccessKey* key = nullptr;
  if (snapshot->find_by_access_key(identity, &key) == nullptr || !key->active) {
    return auth_error(sdk::ErrorCode::kAuthenticationFailed, "unknown access key " + identity);
  }
  return key->secret;
}

sdk::Result<std::shared_ptr<const PolicyDocument>> LocalAuthenticator::resource_policy(
    const std::string& text) {
  {
    std::lock_guard lock(mu_);
    auto it = policy_cache_.find(text);
    if (it != policy_cache_.end()) return it->second;
  }
  auto parsed = parse_policy_json(text, PolicyKind::kResource);
  if (!parsed.ok()) return parsed.error();
  auto document = std::make_shared<const PolicyDocument>(std::move(parsed).value());
  std::lock_guard lock(mu_);
  if (policy_cache_.size() >= kMaxCachedPolicies) policy_cache_.clear();
  policy_cache_.emplace(text, document);
  return document;
}

sdk::Status LocalAuthenticator::authorize(const sdk::Principal& principal,
                                          const std::string& action, const std::string& resource) {
  sdk::AccessRequest request;
  request.principal = principal;
  request.action = action;
  request.resource = resource;
  return authorize_access(request);
}

sdk::Status LocalAuthenticator::authorize_access(const sdk::AccessRequest& request) {
  const std::string& who = request.principal.arn;
  auto denied = [&](const std::string& why) {
    return auth_error(sdk::ErrorCode::kAccessDenied,
                      "User " + who + " is not authorized to perform " + request.action + " on " +
                          request.resource + ": " + why);
  };
  const auto snapshot = users();
  const User* user = snapshot->find_by_arn(who);
  if (user == nullptr) return denied("no such user (removed by a reload?)");

  std::map<std::string, std::string> context;
  for (const auto& [key, value] : request.context) context.emplace(lower(key), value);
  context.emplace("aws:username", user->name);
  context.emplace("aws:principalarn", who);
  context.emplace("aws:principalaccount", user->account);
  const PolicyQuery query{request.principal, request.action, request.resource, context};

  Decision identity = Decision::kNotApplicable;
  for (const auto& document : user->policies) {
    identity = combine(identity, evaluate(*document, query, PolicyKind::kIdentity));
  }
  Decision resource = Decision::kNotApplicable;
  if (!request.resource_policy.empty()) {
    auto document = resource_policy(request.resource_policy);
    if (!document.ok()) {
      // Fail closed: a policy we cannot read may have been meant to deny.
      return denied("the resource policy cannot be evaluated (" + document.error().message + ")");
    }
    resource = evaluate(**document, query, PolicyKind::kResource);
  }
  if (identity == Decision::kDeny) return denied("explicitly denied by the user's policy");
  if (resource == Decision::kDeny) return denied("explicitly denied by the resource policy");
  const bool same_account =
      request.resource_owner.empty() || request.resource_owner == user->account;
  if (same_account) {
    if (identity == Decision::kAllow || resource == Decision::kAllow) return sdk::Status::Ok();
    return denied("no policy allows it");
  }
  if (identity != Decision::kAllow) return denied("no policy of the user allows it");
  if (resource != Decision::kAllow) {
    return denied("the resource belongs to account " + request.resource_owner +
                  " and its policy grants nothing to " + user->account);
  }
  return sdk::Status::Ok();
}

}  // namespace sluice::plugins::auth_local
