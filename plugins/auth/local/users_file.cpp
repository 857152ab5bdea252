#include "users_file.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include "password_hash.hpp"

namespace sluice::plugins::auth_local {
namespace {

using nlohmann::json;

// Where a value sits, for its one-line error.
struct Where {
  const std::filesystem::path& file;
  std::string path;  // "user[2].access_keys[1].secret"
  std::uint32_t line;

  sdk::Error error(const std::string& reason) const {
    return sdk::make_error(
        sdk::ErrorCode::kInvalidParameterValue,
        file.string() + ":" + std::to_string(line) + ": " + path + ": " + reason);
  }
  Where child(const std::string& name, const toml::node& node) const {
    const std::string joined =
        name.empty() || name.front() == '[' ? path + name : path + "." + name;
    return Where{file, joined, static_cast<std::uint32_t>(node.source().begin.line)};
  }
};

std::uint32_t line_of(const toml::node& node) {
  return static_cast<std::uint32_t>(node.source().begin.line);
}

sdk::Status only_keys(const toml::table& table, const Where& where,
                      std::initializer_list<std::string_view> known) {
  for (const auto& [key, node] : table) {
    if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
      return where.child(std::string(key.str()), node).error("unknown key");
    }
  }
  return sdk::Status::Ok();
}

sdk::Result<std::string> read_string(const toml::table& table, std::string_view key,
                                     const Where& where, bool required) {
  const toml::node* node = table.get(key);
  if (node == nullptr) {
    if (required) return where.error("missing key \"" + std::string(key) + "\"");
    return std::string();
  }
  auto value = node->value_exact<std::string>();
  if (!value) return where.child(std::string(key), *node).error("expected a string");
  return *value;
}

// Where `key` of `table` sits (the table itself when the key is absent).
Where key_at(const toml::table& table, std::string_view key, const Where& where) {
  const toml::node* node = table.get(key);
  return node == nullptr ? where : where.child(std::string(key), *node);
}

bool all_chars(std::string_view text, bool (*ok)(char)) {
  return std::all_of(text.begin(), text.end(), ok);
}
bool is_alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_user_name_char(char c) { return is_alnum(c) || std::strchr("+=,.@_-", c) != nullptr; }
bool is_key_id_char(char c) { return is_alnum(c) || c == '_'; }
bool is_visible(char c) { return c > 0x20 && c < 0x7f; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Any TOML value as JSON (for statements, which are checked by the IAM policy parser).
json to_json(const toml::node& node) {
  if (auto s = node.value_exact<std::string>()) return *s;
  if (auto b = node.value_exact<bool>()) return *b;
  if (auto i = node.value_exact<std::int64_t>()) return *i;
  if (auto d = node.value_exact<double>()) return *d;
  if (const toml::array* array = node.as_array()) {
    json out = json::array();
    for (const auto& element : *array) out.push_back(to_json(element));
    return out;
  }
  if (const toml::table* table = node.as_table()) {
    json out = json::object();
    for (const auto& [key, value] : *table) out[std::string(key.str())] = to_json(value);
    return out;
  }
  return nullptr;  // dates and times: rejected by the policy parser
}

// A list of statement tables as an IAM identity policy.
sdk::Result<std::shared_ptr<const PolicyDocument>> statements_policy(const toml::node& node,
                                                                     const Where& where) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return where.error("expected a list of statement tables");
  static const std::map<std::string, std::string, std::less<>> kMembers = {
      {"sid", "Sid"},
      {"effect", "Effect"},
      {"action", "Action"},
      {"not_action", "NotAction"},
      {"resource", "Resource"},
      {"not_resource", "NotResource"},
      {"condition", "Condition"}};
  json statements = json::array();
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    const Where at = where.child("[" + std::to_string(i + 1) + "]", element);
    const toml::table* table = element.as_table();
    if (table == nullptr) return at.error("expected a statement table");
    json statement = json::object();
    for (const auto& [key, value] : *table) {
      auto member = kMembers.find(key.str());
      if (member == kMembers.end()) {
        return at.child(std::string(key.str()), value)
            .error(
                "unknown key (expected effect, action, not_action, resource, not_resource, "
                "condition, sid)");
      }
      statement[member->second] = to_json(value);
    }
    // Checked one at a time, so the error names the statement's own line.
    auto one = parse_policy_json(json{{"Statement", statement}}.dump(), PolicyKind::kIdentity);
    if (!one.ok()) return at.error(one.error().message);
    statements.push_back(std::move(statement));
  }
  auto policy = parse_policy_json(json{{"Statement", statements}}.dump(), PolicyKind::kIdentity);
  if (!policy.ok()) return where.error(policy.error().message);
  return std::make_shared<const PolicyDocument>(std::move(policy).value());
}

using NamedPolicies = std::map<std::string, std::shared_ptr<const PolicyDocument>, std::less<>>;

sdk::Result<NamedPolicies> read_policies(const toml::node& node, const Where& where) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return where.error("expected [policy.<name>] tables");
  NamedPolicies named;
  for (const auto& [key, value] : *table) {
    const std::string name(key.str());
    const Where at = where.child(name, value);
    const toml::table* policy = value.as_table();
    if (policy == nullptr) return at.error("expected a table with `statement` or `json`");
    if (auto status = only_keys(*policy, at, {"statement", "json"}); !status.ok()) {
      return status.error();
    }
    const toml::node* statements = policy->get("statement");
    const toml::node* text = policy->get("json");
    if ((statements == nullptr) == (text == nullptr)) {
      return at.error("needs exactly one of `statement` and `json`");
    }
    if (statements != nullptr) {
      auto document = statements_policy(*statements, at.child("statement", *statements));
      if (!document.ok()) return document.error();
      named.emplace(name, std::move(document).value());
      continue;
    }
    auto json_text = text->value_exact<std::string>();
    if (!json_text) return at.child("json", *text).error("expected a string");
    auto document = parse_policy_json(*json_text, PolicyKind::kIdentity);
    if (!document.ok()) return at.child("json", *text).error(document.error().message);
    named.emplace(name, std::make_shared<const PolicyDocument>(std::move(document).value()));
  }
  return named;
}

sdk::Result<std::vector<AccessKey>> read_access_keys(const toml::node& node, const Where& where) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return where.error("expected a list of { id, secret } tables");
  std::vector<AccessKey> keys;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    const Where at = where.child("[" + std::to_string(i + 1) + "]", element);
    const toml::table* table = element.as_table();
    if (table == nullptr) return at.error("expected a { id, secret } table");
    if (auto status = only_keys(*table, at, {"id", "secret", "active"}); !status.ok()) {
      return status.error();
    }
    AccessKey key;
    auto id = read_string(*table, "id", at, true);
    if (!id.ok()) return id.error();
    if (id->size() < 3 || id->size() > 128 || !all_chars(*id, is_key_id_char)) {
      return key_at(*table, "id", at).error("must be 3 to 128 letters, digits or '_'");
    }
    key.id = std::move(id).value();
    auto secret = read_string(*table, "secret", at, true);
    if (!secret.ok()) return secret.error();
    if (secret->size() < 16 || secret->size() > 256 || !all_chars(*secret, is_visible)) {
      return key_at(*table, "secret", at)
          .error("must be 16 to 256 visible ASCII characters (access key " + key.id + ")");
    }
    key.secret = std::move(secret).value();
    if (const toml::node* active = table->get("active")) {
      auto value = active->value_exact<bool>();
      if (!value) return at.child("active", *active).error("expected true or false");
      key.active = *value;
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

sdk::Result<User> read_user(const toml::table& table, const Where& where,
                            const NamedPolicies& named) {
  if (auto status = only_keys(table, where,
                              {"name", "account", "sender_id", "password_hash", "policies",
                               "access_keys", "statement"});
      !status.ok()) {
    return status.error();
  }
  User user;
  auto name = read_string(table, "name", where, true);
  if (!name.ok()) return name.error();
  if (name->empty() || name->size() > 64 || !all_chars(*name, is_user_name_char)) {
    return key_at(table, "name", where).error("must be 1 to 64 letters, digits or +=,.@_-");
  }
  user.name = std::move(name).value();
  const Where at{where.file, where.path + " (" + user.name + ")", where.line};

  auto account = read_string(table, "account", at, true);
  if (!account.ok()) return account.error();
  if (account->size() != 12 || !all_chars(*account, is_digit)) {
    return key_at(table, "account", at).error("must be 12 digits");
  }
  user.account = std::move(account).value();

  auto sender_id = read_string(table, "sender_id", at, false);
  if (!sender_id.ok()) return sender_id.error();
  if (sender_id->size() > 128 || !all_chars(*sender_id, is_visible)) {
    return key_at(table, "sender_id", at).error("must be at most 128 visible ASCII characters");
  }
  user.sender_id = sender_id->empty() ? user.name : std::move(sender_id).value();

  auto password_hash = read_string(table, "password_hash", at, false);
  if (!password_hash.ok()) return password_hash.error();
  if (!password_hash->empty()) {
    if (auto status = check_password_hash(*password_hash); !status.ok()) {
      return key_at(table, "password_hash", at).error(status.error().message);
    }
  }
  user.password_hash = std::move(password_hash).value();

  if (const toml::node* keys = table.get("access_keys")) {
    auto read = read_access_keys(*keys, at.child("access_keys", *keys));
    if (!read.ok()) return read.error();
    user.access_keys = std::move(read).value();
  }
  if (const toml::node* policies = table.get("policies")) {
    const toml::array* array = policies->as_array();
    const Where list_at = at.child("policies", *policies);
    if (array == nullptr) return list_at.error("expected a list of policy names");
    for (const auto& element : *array) {
      auto policy_name = element.value_exact<std::string>();
      if (!policy_name) return list_at.error("expected a list of policy names");
      auto found = named.find(*policy_name);
      if (found == named.end()) {
        return list_at.error("no [policy." + *policy_name + "] in this file");
      }
      user.policies.push_back(found->second);
    }
  }
  if (const toml::node* statements = table.get("statement")) {
    auto own = statements_policy(*statements, at.child("statement", *statements));
    if (!own.ok()) return own.error();
    user.policies.push_back(std::move(own).value());
  }
  return user;
}

sdk::Result<toml::table> parse_toml(std::string_view text, const std::filesystem::path& file) {
  auto syntax = [&](std::uint32_t line, std::string_view why) {
    return sdk::make_error(
        sdk::ErrorCode::kInvalidParameterValue,
        file.string() + ":" + std::to_string(line) + ": syntax error: " + std::string(why));
  };
#if TOML_EXCEPTIONS
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    return syntax(static_cast<std::uint32_t>(e.source().begin.line), e.description());
  }
#else
  toml::parse_result result = toml::parse(text, file.string());
  if (!result) {
    return syntax(static_cast<std::uint32_t>(result.error().source().begin.line),
                  result.error().description());
  }
  return std::move(result).table();
#endif
}

}  // namespace

sdk::Result<LoadedUsers> parse_users(std::string_view text, const std::filesystem::path& file) {
  auto document = parse_toml(text, file);
  if (!document.ok()) return document.error();
  const Where top{file, "", 1};
  for (const auto& [key, node] : *document) {
    if (key.str() != "user" && key.str() != "policy") {
      return Where{file, std::string(key.str()), line_of(node)}.error(
          "unknown key (expected [[user]] entries and [policy.<name>] tables)");
    }
  }
  NamedPolicies named;
  if (const toml::node* policies = document->get("policy")) {
    auto read = read_policies(*policies, Where{file, "policy", line_of(*policies)});
    if (!read.ok()) return read.error();
    named = std::move(read).value();
  }
  LoadedUsers loaded;
  std::vector<User> users;
  if (const toml::node* list = document->get("user")) {
    const toml::array* array = list->as_array();
    if (array == nullptr) return Where{file, "user", line_of(*list)}.error("expected [[user]]");
    std::set<std::string> names;
    std::set<std::string> key_ids;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      const Where at{file, "user[" + std::to_string(i + 1) + "]", line_of(element)};
      const toml::table* table = element.as_table();
      if (table == nullptr) return at.error("expected a [[user]] table");
      auto user = read_user(*table, at, named);
      if (!user.ok()) return user.error();
      if (!names.insert(user->name).second) {
        return at.error("user name \"" + user->name + "\" appears twice");
      }
      for (const auto& key : user->access_keys) {
        if (!key_ids.insert(key.id).second) {
          return at.error("access key " + key.id + " appears twice");
        }
      }
      if (user->policies.empty()) {
        loaded.warnings.push_back(file.string() + ": user " + user->name +
                                  " has no policy, so every request of theirs is denied");
      }
      users.push_back(std::move(user).value());
    }
  }
  loaded.directory = std::make_shared<const UserDirectory>(std::move(users));
  return loaded;
}

sdk::Result<LoadedUsers> load_users_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return sdk::make_error(sdk::ErrorCode::kNotFound,
                           file.string() + ": cannot read the users file: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           file.string() + ": cannot read the users file: read error");
  }
  auto loaded = parse_users(text.str(), file);
  if (!loaded.ok()) return loaded;
  struct stat info {};
  if (::stat(file.c_str(), &info) == 0 && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    loaded->warnings.push_back(file.string() + " has mode " + mode +
                               ": it holds secret keys, so only sluiced's user should read it "
                               "(chmod 600)");
  }
  return loaded;
}

}  // namespace sluice::plugins::auth_local
