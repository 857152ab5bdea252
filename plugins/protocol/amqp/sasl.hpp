// SASL for connection.start-ok: PLAIN and AMQPLAIN responses, and the users a connection may log
// in as. With no users configured, only guest/guest is accepted, and only from a loopback
// address, as RabbitMQ does out of the box. Users named in `loopback_users` (RabbitMQ's option of
// the same name, default ["guest"]) may only connect from loopback.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reply_codes.hpp"

namespace sluice::plugins::amqp {

inline constexpr std::string_view kMechanisms = "PLAIN AMQPLAIN";

struct SaslCredentials {
  std::string user;
  std::string password;
};

// Parses a start-ok response for `mechanism`. Errors: 503 COMMAND_INVALID for a mechanism we did
// not offer, 502 SYNTAX_ERROR for a response that does not parse (as RabbitMQ answers).
WireResult<SaslCredentials> parse_sasl_response(std::string_view mechanism,
                                                std::string_view response);

class UserTable {
 public:
  // `users` entries are "name:password" (the first ':' separates). An entry without ':' is an
  // error naming it. Empty `users` = the built-in guest/guest.
  static WireResult<UserTable> from_config(const std::vector<std::string>& users,
                                           const std::vector<std::string>& loopback_users);

  // 403 ACCESS_REFUSED with the reason when the login is refused. `peer_is_loopback` is whether
  // the client connected from 127.0.0.0/8 or ::1.
  std::optional<AmqpError> check(const SaslCredentials& credentials, std::string_view mechanism,
                                 bool peer_is_loopback) const;
  // Whether `user` may only connect from loopback (`loopback_users`).
  bool loopback_only(std::string_view user) const;

 private:
  std::map<std::string, std::string, std::less<>> passwords_;
  std::vector<std::string> loopback_only_;
};

}  // namespace sluice::plugins::amqp
