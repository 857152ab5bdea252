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
  // "AWS4-HMAC-SHA256" (SigV4): "string_to_sign", "signature" (64 lower-case hex), "date"
  // (yyyymmdd of the credential scope), "region", "service". The front end builds the canonical
  // request and checks the time window; the authenticator derives the signing key from the
  // secret it holds and compares, so secrets never leave the auth plugin.
  std::map<std::string, std::string> parts;
  std::string peer_address;  // "127.0.0.1"; lets an authenticator restrict users to loopback
};

struct Principal {
  std::string id;       // stable identity, reported as SenderId
  std::string account;  // account the principal belongs to
  std::string arn;      // "arn:aws:iam::<account>:user/<name>"; matched by resource policies
};

class Authorizer;

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Thread-safe; may be called from I/O threads, so it must not block on I/O.
  // Errors: kAuthenticationFailed (unknown identity, wrong password, unsupported mechanism),
  // kSignatureMismatch (known key, wrong signature), kThrottled (too many failures from
  // credentials.peer_address; refuse without checking).
  virtual Result<Principal> authenticate(const Credentials& credentials) = 0;
  // For signature schemes: the secret key of an access key id, so the front end can verify the
  // signature itself. kAuthenticationFailed if unknown.
  virtual Result<std::string> secret_for(const std::string& identity) = 0;

  // --- Added in SDK 0.1 (additive; the defaults keep older auth plugins building) ---
  // The authorizer that goes with this authenticator, owned by it and valid as long as it is;
  // nullptr: no authorization (every authenticated principal may do everything).
  virtual Authorizer* authorizer() { return nullptr; }
  // Re-reads the plugin's credentials and policies (the daemon calls it on SIGHUP) without
  // dropping connections. On error the previous state stays in force. Any thread.
  virtual Status reload() {
    return Error{ErrorCode::kUnsupportedOperation, "this auth plugin cannot reload"};
  }
};

// One access decision with everything a policy may look at: the caller's own (identity) policy
// and, for resources that have one, the resource's policy (the SQS queue Policy attribute).
struct AccessRequest {
  Principal principal;
  std::string action;    // "sqs:SendMessage"
  std::string resource;  // queue ARN
  // Account that owns the resource. A principal of another account needs a grant in
  // resource_policy as well as its own permission.
  std::string resource_owner;
  // The resource's policy document (IAM JSON); empty: none.
  std::string resource_policy;
  // Condition keys known for this request: "aws:SourceIp", "aws:SecureTransport" ("true" or
  // "false"), "aws:CurrentTime" (ISO 8601), ...
  std::map<std::string, std::string> context;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // action: "sqs:SendMessage", "amqp:basic.publish", ...; resource: queue ARN. Thread-safe.
  virtual Status authorize(const Principal& principal, const std::string& action,
                           const std::string& resource) = 0;
  // Added in SDK 0.1. The full decision, resource policy included. The default knows no resource
  // policies: it refuses principals of other accounts and otherwise asks authorize().
  virtual Status authorize_access(const AccessRequest& request) {
    if (!request.resource_owner.empty() && request.principal.account != request.resource_owner) {
      return Error{ErrorCode::kAccessDenied,
                   "Access to the resource " + request.resource + " is denied."};
    }
    return authorize(request.principal, request.action, request.resource);
  }
};

}  // namespace sluice::sdk
