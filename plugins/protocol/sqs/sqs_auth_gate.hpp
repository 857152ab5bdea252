// Where the SQS front end meets the auth plugin. With an auth plugin configured, every request
// passes two checks before its action runs:
//   1. authenticate(): its SigV4 signature (SigV4Verifier), on the I/O thread;
//   2. dispatch(): whether the principal may perform the action on the queue. The user's own
//      policies and, for actions the owner may grant (SendMessage, ReceiveMessage, ...), the
//      queue's Policy attribute (explicit document plus AddPermission grants) go to the
//      Authorizer together. Policies are read through a one-second cache, so a busy queue costs
//      one metadata read per second, not one per message.
// Denials are AccessDenied (403) and are logged with the authorizer's reason; the client sees
// only AWS's wording. Without an auth plugin the front end has no gate and behaves as before.
//
// Thread-safe: authenticate() and dispatch() may be called from any I/O thread; `done` and `run`
// are called on an I/O thread (policy reads completing on core threads are posted back).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

#include "http_server.hpp"
#include "queue_policy_cache.hpp"
#include "sigv4_verifier.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/protocol.hpp"
#include "sqs_access.hpp"
#include "sqs_call.hpp"

namespace sluice::plugins::sqs {

struct SqsAuthOptions {
  std::chrono::seconds max_clock_skew{300};
  std::chrono::milliseconds policy_cache_ttl{1000};
};

class SqsAuthGate {
 public:
  using Post = std::function<void(std::function<void()>)>;
  using RunAction = std::function<void(SqsCall, ActionDone)>;

  // `services.authenticator` must be set. `post_to_io` runs a function on one of the front end's
  // I/O threads.
  SqsAuthGate(const sdk::HostServices& services, sdk::BrokerApi& broker, SqsAuthOptions options,
              Post post_to_io, sdk::Logger& logger);

  std::variant<sdk::Principal, WireError> authenticate(const HttpRequest& request,
                                                       const std::string& peer_address) const;

  // Who is calling, for the broker: SenderId and principal.
  static void identify(const sdk::Principal& principal, sdk::RequestContext& context);

  // Authorizes `call` for `principal`; runs it through `run` when allowed, or answers `done`
  // with AccessDenied. Either way `done` is called exactly once.
  void dispatch(SqsCall call, const sdk::Principal& principal, const std::string& peer_address,
                ActionDone done, RunAction run);

  // The front end's I/O threads are going away: from now on completions that would be posted
  // to them are dropped (their connections are closed anyway).
  void detach();

 private:
  void post(std::function<void()> fn);
  void decide(std::shared_ptr<SqsCall> call, const sdk::Principal& principal,
              const std::string& peer_address, const AccessTarget& target,
              const std::string& queue_policy, ActionDone done, const RunAction& run);

  sdk::Authorizer* authorizer_;  // null: authenticated principals may do everything
  sdk::BrokerApi& broker_;
  SigV4Verifier verifier_;
  QueuePolicyCache policies_;
  std::mutex post_mu_;
  Post post_;  // guarded by post_mu_; empty after detach()
  sdk::Logger& logger_;
  std::string owner_account_;
};

}  // namespace sluice::plugins::sqs
