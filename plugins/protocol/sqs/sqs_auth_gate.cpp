#include "sqs_auth_gate.hpp"

#include <ctime>

#include "sluice/sdk/arn.hpp"

namespace sluice::plugins::sqs {
namespace {

// The account id: the account field of any ARN the broker issues.
std::string account_of(const sdk::BrokerApi& broker) {
  return sdk::arn_account(broker.queue_arn("q"));
}

std::string iso8601_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

SignedRequestView view_of(const HttpRequest& request) {
  SignedRequestView view;
  view.method = std::string_view(request.method_string().data(), request.method_string().size());
  view.target = std::string_view(request.target().data(), request.target().size());
  view.body = request.body();
  for (const auto& field : request) {
    view.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return view;
}

}  // namespace

SqsAuthGate::SqsAuthGate(const sdk::HostServices& services, sdk::BrokerApi& broker,
                         SqsAuthOptions options, Post post_to_io, sdk::Logger& logger)
    : authorizer_(services.authorizer),
      broker_(broker),
      verifier_(*services.authenticator, options.max_clock_skew),
      policies_(options.policy_cache_ttl),
      post_(std::move(post_to_io)),
      logger_(logger),
      owner_account_(account_of(broker)) {}

std::variant<sdk::Principal, WireError> SqsAuthGate::authenticate(
    const HttpRequest& request, const std::string& peer_address) const {
  return verifier_.verify(view_of(request), peer_address);
}

void SqsAuthGate::identify(const sdk::Principal& principal, sdk::RequestContext& context) {
  context.principal = principal.arn.empty() ? principal.id : principal.arn;
  context.sender_id = principal.id;
}

void SqsAuthGate::dispatch(SqsCall call, const sdk::Principal& principal,
                           const std::string& peer_address, ActionDone done, RunAction run) {
  AccessTarget target = access_target(call, broker_);
  if (target.changes_policy && !target.queue.empty()) {
    // Whatever the outcome, this queue's cached policy may be stale afterwards.
    done = [this, queue = target.queue, done = std::move(done)](ActionOutcome outcome) {
      policies_.erase(queue);
      done(std::move(outcome));
    };
  }
  auto shared_call = std::make_shared<SqsCall>(std::move(call));
  if (authorizer_ == nullptr || !target.grantable) {
    return decide(shared_call, principal, peer_address, target, "", std::move(done), run);
  }
  const auto now = std::chrono::steady_clock::now();
  if (auto cached = policies_.find(target.queue, now)) {
    return decide(shared_call, principal, peer_address, target, *cached, std::move(done), run);
  }
  const std::uint64_t generation = policies_.generation();
  broker_.get_queue_attributes(
      shared_call->context, target.queue, {"Policy"},
      [this, shared_call, principal, peer_address, target, generation, done = std::move(done),
       run = std::move(run)](sdk::Result<sdk::AttributeMap> attributes) mutable {
        std::string policy;
        if (attributes.ok()) {
          auto it = attributes->find("Policy");
          if (it != attributes->end()) policy = it->second;
          policies_.put(target.queue, policy, std::chrono::steady_clock::now(), generation);
        } else if (attributes.code() != sdk::ErrorCode::kQueueDoesNotExist) {
          // Without the policy no decision can be made safely: report why.
          return post([done, error = attributes.error()] { done(WireError::from(error)); });
        }
        // A missing queue has no policy: the owner's users go on to QueueDoesNotExist, others
        // are denied.
        post([this, shared_call, principal, peer_address, target, policy, done = std::move(done),
              run = std::move(run)]() mutable {
          decide(shared_call, principal, peer_address, target, policy, std::move(done), run);
        });
      });
}

void SqsAuthGate::detach() {
  std::lock_guard lock(post_mu_);
  post_ = nullptr;
}

void SqsAuthGate::post(std::function<void()> fn) {
  std::lock_guard lock(post_mu_);
  if (post_) post_(std::move(fn));
}

void SqsAuthGate::decide(std::shared_ptr<SqsCall> call, const sdk::Principal& principal,
                         const std::string& peer_address, const AccessTarget& target,
                         const std::string& queue_policy, ActionDone done, const RunAction& run) {
  if (authorizer_ != nullptr) {
    sdk::AccessRequest request;
    request.principal = principal;
    request.action = target.action;
    request.resource = target.resource;
    request.resource_owner = owner_account_;
    request.resource_policy = queue_policy;
    request.context = {{"aws:SourceIp", peer_address},
                       // TODO(TLS): "true" once the front end serves HTTPS.
                       {"aws:SecureTransport", "false"},
                       {"aws:CurrentTime", iso8601_now()}};
    auto status = authorizer_->authorize_access(request);
    if (!status.ok()) {
      logger_.info("access denied: " + status.error().message + " (peer " + peer_address + ")");
      const std::string url = call->base_url + "/" + owner_account_ +
                              (target.queue.empty() ? std::string() : "/" + target.queue);
      return done(status.code() == sdk::ErrorCode::kAccessDenied ? access_denied(url)
                                                                 : WireError::from(status.error()));
    }
  }
  run(std::move(*call), std::move(done));
}

}  // namespace sluice::plugins::sqs
