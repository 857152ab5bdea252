#include "sasl.hpp"

#include <algorithm>

#include "field_table.hpp"

namespace sluice::plugins::amqp {
namespace {

// Compares without an early exit, so the time taken does not tell how much of a password
// matched.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

}  // namespace

WireResult<SaslCredentials> parse_sasl_response(std::string_view mechanism,
                                                std::string_view response) {
  if (mechanism == "PLAIN") {
    // [authzid] NUL authcid NUL passwd (RFC 4616); RabbitMQ requires the empty authzid form.
    const auto first = response.find('\0');
    const auto second = first == std::string_view::npos ? first : response.find('\0', first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos ||
        response.find('\0', second + 1) != std::string_view::npos) {
      return amqp_error(ReplyCode::kSyntaxError,
                        "PLAIN response is not [authzid] NUL user NUL password");
    }
    return SaslCredentials{std::string(response.substr(first + 1, second - first - 1)),
                           std::string(response.substr(second + 1))};
  }
  if (mechanism == "AMQPLAIN") {
    auto table = decode_table_entries(response);
    if (!table.ok()) {
      return amqp_error(ReplyCode::kSyntaxError,
                        "AMQPLAIN response is not a field table: " + table.error().explanation);
    }
    const FieldValue* login = table->find("LOGIN");
    const FieldValue* password = table->find("PASSWORD");
    if (!login || !password || !login->as_string() || !password->as_string()) {
      return amqp_error(ReplyCode::kSyntaxError,
                        "AMQPLAIN response lacks LOGIN or PASSWORD strings");
    }
    return SaslCredentials{*login->as_string(), *password->as_string()};
  }
  return amqp_error(ReplyCode::kCommandInvalid,
                    "invalid authentication mechanism '" + std::string(mechanism.substr(0, 64)) +
                        "' (offered: " + std::string(kMechanisms) + ")");
}

WireResult<UserTable> UserTable::from_config(const std::vector<std::string>& users,
                                             const std::vector<std::string>& loopback_users) {
  UserTable table;
  for (const auto& entry : users) {
    const auto colon = entry.find(':');
    if (colon == std::string::npos || colon == 0) {
      return amqp_error(ReplyCode::kInternalError,
                        "users entry '" + entry.substr(0, 40) + "' is not \"name:password\"");
    }
    table.passwords_[entry.substr(0, colon)] = entry.substr(colon + 1);
  }
  if (users.empty()) table.passwords_["guest"] = "guest";
  table.loopback_only_ = loopback_users;
  return table;
}

std::optional<AmqpError> UserTable::check(const SaslCredentials& credentials,
                                          std::string_view mechanism, bool peer_is_loopback) const {
  const auto refused = [&](const std::string& why) {
    return amqp_error(
        ReplyCode::kAccessRefused,
        "Login was refused using authentication mechanism " + std::string(mechanism) + ": " + why);
  };
  auto it = passwords_.find(credentials.user);
  if (it == passwords_.end() || !same_secret(credentials.password, it->second)) {
    return refused("wrong user name or password for user '" + credentials.user.substr(0, 64) + "'");
  }
  if (loopback_only(credentials.user) && !peer_is_loopback) {
    return refused("user '" + credentials.user + "' can only connect via localhost");
  }
  return std::nullopt;
}

bool UserTable::loopback_only(std::string_view user) const {
  return std::find(loopback_only_.begin(), loopback_only_.end(), user) != loopback_only_.end();
}

}  // namespace sluice::plugins::amqp
