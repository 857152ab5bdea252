// The users file of the local auth plugin ([auth.local] users_file), TOML:
//
//   [policy.<name>]                     a named identity policy, shared by users that list it:
//   statement = [ { effect = "Allow", action = "sqs:*", resource = "*" } ]
//   # or: json = '''{"Version": "2012-10-17", "Statement": [...]}'''  (an IAM policy as is)
//
//   [[user]]
//   name = "alice"                      IAM user name; principal arn:aws:iam::<account>:user/<name>
//   account = "000000000000"            12 digits; the broker's account_id owns every queue
//   sender_id = "AIDAALICE"             optional: SenderId of alice's messages (default: name)
//   password_hash = "pbkdf2-sha256$..." optional: AMQP PLAIN/AMQPLAIN (sluice-hash-password)
//   policies = ["producer"]             named policies that apply to alice
//   access_keys = [ { id = "AKIA...", secret = "...", active = true } ]   SigV4 keys
//   statement = [ { effect = "Deny", action = "sqs:DeleteQueue", resource = "*" } ]
//
// A statement has effect, action or not_action, resource or not_resource (strings or lists of
// strings, `*`/`?` wildcards), optional sid and condition ({ StringEquals = { "aws:SourceIp" =
// "..." } }, the IAM Condition block). Every error is one line, "<file>:<line>: <where>:
// <reason>", and never contains a secret. Pure functions; thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/result.hpp"
#include "user_directory.hpp"

namespace sluice::plugins::auth_local {

struct LoadedUsers {
  std::shared_ptr<const UserDirectory> directory;
  // Things worth an operator's attention that do not stop loading: a file readable by other
  // users, a user with no policy (who can do nothing).
  std::vector<std::string> warnings;
};

// Parses users-file text; `file` is used in messages only.
sdk::Result<LoadedUsers> parse_users(std::string_view text, const std::filesystem::path& file);

// Reads and parses `file`, adding a warning when its mode lets group or others read it.
sdk::Result<LoadedUsers> load_users_file(const std::filesystem::path& file);

}  // namespace sluice::plugins::auth_local
