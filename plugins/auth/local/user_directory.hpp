// The users the local auth plugin knows, as read from the users file (see users_file.hpp):
// who they are (name, account, ARN), how they prove it (SigV4 access keys, an AMQP password
// hash) and what they may do (IAM-style policies). Immutable once built, so a snapshot can be
// shared by any number of threads while a reload builds the next one.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "iam_policy.hpp"
#include "sluice/sdk/auth.hpp"

namespace sluice::plugins::auth_local {

struct AccessKey {
  std::string id;
  // SigV4 is a shared-secret scheme: the server computes the same HMAC as the client, so it
  // needs the secret itself, not a hash of it. Hence the users file must be protected.
  std::string secret;
  bool active = true;  // inactive keys are refused like unknown ones (key rotation)
};

struct User {
  std::string name;
  std::string account;
  std::string sender_id;      // what SenderId shows for this user's messages
  std::string password_hash;  // pbkdf2-sha256$...; empty: no SASL (AMQP) login
  std::vector<AccessKey> access_keys;
  // Every document that applies to the user: the named policies it lists, then its own
  // statements. Named documents are shared between users.
  std::vector<std::shared_ptr<const PolicyDocument>> policies;

  std::string arn() const { return "arn:aws:iam::" + account + ":user/" + name; }
  sdk::Principal principal() const { return sdk::Principal{sender_id, account, arn()}; }
};

class UserDirectory {
 public:
  UserDirectory() = default;
  explicit UserDirectory(std::vector<User> users);

  // The user owning access key `id` and the key itself; nullptr if no user has it.
  const User* find_by_access_key(std::string_view id, const AccessKey** key) const;
  const User* find_by_name(std::string_view name) const;
  const User* find_by_arn(std::string_view arn) const;

  std::size_t user_count() const { return users_.size(); }
  std::size_t access_key_count() const { return by_key_.size(); }

 private:
  std::vector<User> users_;
  std::map<std::string, std::pair<std::size_t, std::size_t>, std::less<>> by_key_;  // user, key
  std::map<std::string, std::size_t, std::less<>> by_name_;
  std::map<std::string, std::size_t, std::less<>> by_arn_;
};

}  // namespace sluice::plugins::auth_local
