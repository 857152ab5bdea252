// The local auth plugin's Authenticator and Authorizer in one object: users, keys and policies
// come from a TOML users file (users_file.hpp), held as an immutable snapshot that reload()
// swaps (SIGHUP), so requests in flight finish with the snapshot they started with and no
// connection is dropped.
//
// authenticate():
//   "AWS4-HMAC-SHA256"  parts string_to_sign, signature, date, region, service (SigV4; the front
//                       end builds the canonical request, this object holds the secret);
//   "PLAIN", "AMQPLAIN" identity = user name, secret = password (PBKDF2 hash in the file).
// Failures are counted per peer address by a FailureLimiter; an address over its limit is
// refused with kThrottled before anything is checked. Every failure is logged with mechanism,
// identity (access key id or user name), peer and reason; never a secret, password or
// signature.
//
// authorize_access(): the user's policies (identity) and the resource policy (queue Policy
// attribute) combined as IAM does: an explicit Deny in either wins; a principal of the
// resource's owner account needs an Allow in either; a principal of another account needs an
// Allow in both. No Allow: denied.
//
// Thread-safe: every method may be called from any thread at any time.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "failure_limiter.hpp"
#include "iam_policy.hpp"
#include "sluice/sdk/auth.hpp"
#include "sluice/sdk/logger.hpp"
#include "user_directory.hpp"

namespace sluice::plugins::auth_local {

struct LocalAuthOptions {
  std::filesystem::path users_file;
  FailureLimiterOptions limiter;
};

class LocalAuthenticator final : public sdk::Authenticator, public sdk::Authorizer {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // Reads the users file; its errors (one line each) are returned, its warnings logged.
  static sdk::Result<std::unique_ptr<LocalAuthenticator>> create(LocalAuthOptions options,
                                                                 sdk::Logger& logger,
                                                                 Clock clock = {});

  // --- sdk::Authenticator ---
  sdk::Result<sdk::Principal> authenticate(const sdk::Credentials& credentials) override;
  sdk::Result<std::string> secret_for(const std::string& identity) override;
  sdk::Authorizer* authorizer() override { return this; }
  sdk::Status reload() override;

  // --- sdk::Authorizer ---
  sdk::Status authorize(const sdk::Principal& principal, const std::string& action,
                        const std::string& resource) override;
  sdk::Status authorize_access(const sdk::AccessRequest& request) override;

 private:
  LocalAuthenticator(LocalAuthOptions options, sdk::Logger& logger, Clock clock,
                     std::shared_ptr<const UserDirectory> users);

  std::shared_ptr<const UserDirectory> users() const;
  sdk::Result<sdk::Principal> check_sigv4(const UserDirectory& users,
                                          const sdk::Credentials& credentials);
  sdk::Result<sdk::Principal> check_password(const UserDirectory& users,
                                             const sdk::Credentials& credentials);
  // Counts and logs a failure, then returns `error`.
  sdk::Error failed(const sdk::Credentials& credentials, sdk::Error error);
  // The parsed resource policy (cached by text), or an error if it cannot be parsed.
  sdk::Result<std::shared_ptr<const PolicyDocument>> resource_policy(const std::string& text);

  const LocalAuthOptions options_;
  sdk::Logger& logger_;
  const Clock clock_;
  FailureLimiter limiter_;

  mutable std::mutex mu_;
  std::shared_ptr<const UserDirectory> users_;  // guarded by mu_
  // SHA-256 of (per-process pepper, user, password) of recent SASL successes, so a client that
  // reconnects does not pay for PBKDF2 again. Cleared on reload. Guarded by mu_.
  std::unordered_map<std::string, std::string> recent_passwords_;
  std::string pepper_;
  // Parsed resource policies by text; cleared when it grows past a bound. Guarded by mu_.
  std::unordered_map<std::string, std::shared_ptr<const PolicyDocument>> policy_cache_;
};

}  // namespace sluice::plugins::auth_local
