// Auth plugins: an Authenticator turns protocol credentials into a principal, an Authorizer
// decides whether a principal may perform an action on a queue. Denials are protocol errors
// (kAuthenticationFailed, kAccessDenied) with a reason, never silent drops.
#pragma once

#include <map>
#include <string>

#include "sluice/sdk/result.hpp"

namespace sluice::sdk {

// What a front end presents to authenticate a request or a connection.
struct Credentials {
  std::string mechanism;  // "AWS4-HMAC-SHA256", "PLAIN", "AMQPLAIN"
  std::string identity;   // access key id or user name
  std::string secret;     // SASL password; empty for signatures
  // Signature schemes: the parts the authenticator needs (canonical request, string to sign,
  // signature, date, region, service, ...), named by the front end's documentation.
  std::map<std::string, std::string> parts;
  std::string peer_address;  // "127.0.0.1"; lets an authenticator restrict users to loopback
};

struct Principal {
  std::string id;       // stable identity, reported as SenderId
  std::string account;  // account the principal belongs to
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Thread-safe; may be called from I/O threads, so it must not block on I/O.
  virtual Result<Principal> authenticate(const Credentials& credentials) = 0;
  // For signature schemes: the secret key of an access key id, so the front end can verify the
  // signature itself. kAuthenticationFailed if unknown.
  virtual Result<std::string> secret_for(const std::string& identity) = 0;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // action: "sqs:SendMessage", "amqp:basic.publish", ...; resource: queue ARN. Thread-safe.
  virtual Status authorize(const Principal& principal, const std::string& action,
                           const std::string& resource) = 0;
};

}  // namespace sluice::sdk
