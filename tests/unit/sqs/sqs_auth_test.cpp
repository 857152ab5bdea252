// The SQS front end's auth pieces below the HTTP server: SigV4Verifier (time window, payload
// hash, error mapping, what it hands the authenticator), access_target (IAM action and resource
// of each call), QueuePolicyCache and SqsAuthGate (which policy goes to the authorizer, when it
// is read). The authenticator and authorizer are stubs: the real ones are tested in
// plugins/auth/local, and real clients drive everything in tests/clients/auth.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "base64.hpp"
#include "queue_policy_cache.hpp"
#include "sigv4_verifier.hpp"
#include "sqs_access.hpp"
#include "sqs_auth_gate.hpp"

namespace sluice::plugins::sqs {
namespace {

using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

// Answers every authenticate() with `answer` and remembers what it was asked.
class StubAuthenticator final : public sdk::Authenticator {
 public:
  sdk::Result<sdk::Principal> authenticate(const sdk::Credentials& credentials) override {
    asked = credentials;
    ++calls;
    return answer;
  }
  sdk::Result<std::string> secret_for(const std::string&) override {
    return sdk::make_error(sdk::ErrorCode::kAuthenticationFailed, "unused");
  }
  sdk::Result<sdk::Principal> answer =
      sdk::Principal{"alice", "000000000000", "arn:aws:iam::000000000000:user/alice"};
  sdk::Credentials asked;
  int calls = 0;
};

const TimePoint kSignedAt = *parse_amz_date("20261124T120000Z");
constexpr const char* kBody = "Action=ListQueues&Version=2012-11-05";
constexpr const char* kBodyHash =
    "48a38266faf90970d6c7fea9b15e6ba366e5f6397c2970fc893f8a7b5e207bd0";

SignedRequestView signed_post(std::vector<std::pair<std::string, std::string>> extra = {},
                              std::string_view body = kBody) {
  SignedRequestView view{"POST",
                         "/",
                         {{"Host", "localhost:9324"},
                          {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                          {"X-Amz-Date", "20261124T120000Z"},
                          {"Authorization",
                           "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/sqs/"
                           "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
                           "Signature=5692577d0a290f86c05908daa91f3a9c474b5dae20aea309b24b85ebce87"
                           "c9f5"}},
                         body};
  for (auto& header : extra) view.headers.push_back(std::move(header));
  return view;
}

class SigV4VerifierTest : public ::testing::Test {
 protected:
  std::variant<sdk::Principal, WireError> verify(const SignedRequestView& request) {
    SigV4Verifier verifier(auth_, seconds(300), [this] { return now_; });
    return verifier.verify(request, "10.0.0.7");
  }
  WireError error_of(const SignedRequestView& request) {
    auto result = verify(request);
    if (const auto* error = std::get_if<WireError>(&result)) return *error;
    ADD_FAILURE() << "expected an error";
    return {};
  }

  StubAuthenticator auth_;
  TimePoint now_ = kSignedAt + seconds(10);
};

TEST_F(SigV4VerifierTest, HandsTheAuthenticatorTheStringToSignAndScope) {
  auto result = verify(signed_post());
  ASSERT_TRUE(std::holds_alternative<sdk::Principal>(result));
  EXPECT_EQ(std::get<sdk::Principal>(result).id, "alice");
  EXPECT_EQ(auth_.asked.mechanism, "AWS4-HMAC-SHA256");
  EXPECT_EQ(auth_.asked.identity, "AKIDEXAMPLE");
  EXPECT_EQ(auth_.asked.peer_address, "10.0.0.7");
  EXPECT_EQ(auth_.asked.parts["string_to_sign"],
            "AWS4-HMAC-SHA256\n20261124T120000Z\n20261124/us-east-1/sqs/aws4_request\n"
            "a27329b45751328efefa5155d0c240bf72345b2ddf7aa11d568e3fe588e944d8");
  EXPECT_EQ(auth_.asked.parts["signature"],
            "5692577d0a290f86c05908daa91f3a9c474b5dae20aea309b24b85ebce87c9f5");
  EXPECT_EQ(auth_.asked.parts["date"], "20261124");
  EXPECT_EQ(auth_.asked.parts["region"], "us-east-1");
  EXPECT_EQ(auth_.asked.parts["service"], "sqs");
}

TEST_F(SigV4VerifierTest, AnUnsignedRequestIsMissingAuthentication) {
  const WireError error = error_of(SignedRequestView{"POST", "/", {{"Host", "h"}}, kBody});
  EXPECT_EQ(error.query_code, "MissingAuthenticationToken");
  EXPECT_EQ(error.http_status, 403);
  EXPECT_EQ(auth_.calls, 0);
}

TEST_F(SigV4VerifierTest, AMalformedHeaderIsAnIncompleteSignatureWith400) {
  const WireError error = error_of(
      SignedRequestView{"POST", "/", {{"Authorization", "AWS4-HMAC-SHA256 Credential=x"}}, kBody});
  EXPECT_EQ(error.query_code, "IncompleteSignature");
  EXPECT_EQ(error.http_status, 400);
}

TEST_F(SigV4VerifierTest, ASignatureOlderThanTheSkewHasExpired) {
  now_ = kSignedAt + seconds(301);
  const WireError error = error_of(signed_post());
  EXPECT_EQ(error.query_code, "RequestExpired");
  EXPECT_EQ(error.http_status, 400);
  EXPECT_NE(error.message.find("Signature expired: 20261124T120000Z"), std::string::npos);
  EXPECT_EQ(auth_.calls, 0);
}

TEST_F(SigV4VerifierTest, ASignatureFromTooFarInTheFutureIsNotYetCurrent) {
  now_ = kSignedAt - seconds(301);
  EXPECT_EQ(error_of(signed_post()).query_code, "RequestExpired");
}

TEST_F(SigV4VerifierTest, ASignatureWithinTheSkewIsAccepted) {
  now_ = kSignedAt + seconds(299);
  EXPECT_TRUE(std::holds_alternative<sdk::Principal>(verify(signed_post())));
}

TEST_F(SigV4VerifierTest, APresignedUrlExpiresAfterItsOwnLifetime) {
  const std::string target =
      "/?Action=ListQueues&X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIDEXAMPLE%2F20261124%2Fus-east-1%2Fsqs%2Faws4_request"
      "&X-Amz-Date=20261124T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
      "&X-Amz-Signature=264cd61cb817f73ef6f692bb5d186e4ad468d201af48f889e6fbf0fb9da68714";
  const SignedRequestView request{"GET", target, {{"Host", "127.0.0.1:9324"}}, ""};
  now_ = kSignedAt + seconds(3000);  // beyond the skew, within X-Amz-Expires
  EXPECT_TRUE(std::holds_alternative<sdk::Principal>(verify(request)));
  now_ = kSignedAt + seconds(3601);
  EXPECT_EQ(error_of(request).query_code, "RequestExpired");
}

TEST_F(SigV4VerifierTest, ADeclaredPayloadHashMustMatchTheBody) {
  EXPECT_TRUE(std::holds_alternative<sdk::Principal>(
      verify(signed_post({{"X-Amz-Content-SHA256", kBodyHash}}))));
  const WireError error = error_of(
      signed_post({{"X-Amz-Content-SHA256", kBodyHash}}, "Action=DeleteQueue&Version=2012-11-05"));
  EXPECT_EQ(error.query_code, "SignatureDoesNotMatch");
}

TEST_F(SigV4VerifierTest, AnUnsignedPayloadIsRefusedWhenThereIsABody) {
  EXPECT_EQ(error_of(signed_post({{"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"}})).query_code,
            "IncompleteSignature");
}

TEST_F(SigV4VerifierTest, ATamperedBodyChangesTheStringToSign) {
  ASSERT_TRUE(std::holds_alternative<sdk::Principal>(
      verify(signed_post({}, "Action=DeleteQueue&Version=2012-11-05"))));
  EXPECT_EQ(auth_.asked.parts["string_to_sign"].find(
                "a27329b45751328efefa5155d0c240bf72345b2ddf7aa11d568e3fe588e944d8"),
            std::string::npos);
}

TEST_F(SigV4VerifierTest, ASessionTokenIsAnInvalidClientToken) {
  EXPECT_EQ(error_of(signed_post({{"X-Amz-Security-Token", "FQoG"}})).query_code,
            "InvalidClientTokenId");
}

TEST_F(SigV4VerifierTest, AuthenticatorVerdictsMapToAwsCodes) {
  auth_.answer = sdk::make_error(sdk::ErrorCode::kAuthenticationFailed, "unknown access key");
  WireError unknown = error_of(signed_post());
  EXPECT_EQ(unknown.query_code, "InvalidClientTokenId");
  EXPECT_EQ(unknown.http_status, 403);
  auth_.answer = sdk::make_error(sdk::ErrorCode::kSignatureMismatch, "no");
  WireError mismatch = error_of(signed_post());
  EXPECT_EQ(mismatch.query_code, "SignatureDoesNotMatch");
  EXPECT_EQ(mismatch.http_status, 403);
  auth_.answer = sdk::make_error(sdk::ErrorCode::kThrottled, "slow down");
  WireError throttled = error_of(signed_post());
  EXPECT_EQ(throttled.query_code, "RequestThrottled");
  EXPECT_EQ(throttled.http_status, 403);
}

TEST_F(SigV4VerifierTest, FailuresNeverEchoTheSignature) {
  auth_.answer = sdk::make_error(sdk::ErrorCode::kSignatureMismatch, "no");
  EXPECT_EQ(error_of(signed_post()).message.find("5692577d"), std::string::npos);
}

// Only naming matters to access_target, and queue attributes (the Policy) to the gate: every
// other BrokerApi call fails the test.
class NamingBroker final : public sdk::BrokerApi {
 public:
  void get_queue_attributes(const sdk::RequestContext&, std::string queue,
                            std::vector<std::string> names,
                            sdk::Completion<sdk::AttributeMap> done) override {
    ++attribute_reads;
    EXPECT_EQ(names, std::vector<std::string>{"Policy"});
    auto it = policies.find(queue);
    if (it == policies.end()) {
      return done(sdk::make_error(sdk::ErrorCode::kQueueDoesNotExist, queue));
    }
    sdk::AttributeMap attributes;
    if (!it->second.empty()) attributes["Policy"] = it->second;
    done(attributes);
  }
  std::map<std::string, std::string> policies;  // queue -> Policy ("" = none)
  int attribute_reads = 0;

  std::string queue_arn(const std::string& queue) const override {
    return "arn:aws:sqs:us-east-1:000000000000:" + queue;
  }
  sdk::Result<std::string> queue_from_arn(const std::string& arn) const override {
    const std::string prefix = "arn:aws:sqs:us-east-1:000000000000:";
    if (arn.rfind(prefix, 0) != 0) return sdk::make_error(sdk::ErrorCode::kResourceNotFound, arn);
    return arn.substr(prefix.size());
  }
#define SLUICE_UNUSED_CALL(signature) \
  signature override { ADD_FAILURE() << "unexpected broker call"; }
  SLUICE_UNUSED_CALL(void create_queue(const sdk::RequestContext&, sdk::CreateQueueRequest,
                                       sdk::Completion<sdk::QueueInfo>))
  SLUICE_UNUSED_CALL(void delete_queue(const sdk::RequestContext&, std::string,
                                       sdk::StatusCompletion))
  SLUICE_UNUSED_CALL(void get_queue(const sdk::RequestContext&, std::string,
                                    sdk::Completion<sdk::QueueInfo>))
  SLUICE_UNUSED_CALL(void list_queues(const sdk::RequestContext&, std::string, std::uint32_t,
                                      std::string, sdk::Completion<sdk::NamePage>))
  SLUICE_UNUSED_CALL(void set_queue_attributes(const sdk::RequestContext&, std::string,
                                               sdk::AttributeMap, sdk::StatusCompletion))
  SLUICE_UNUSED_CALL(void purge_queue(const sdk::RequestContext&, std::string,
                                      sdk::StatusCompletion))
  SLUICE_UNUSED_CALL(void tag_queue(const sdk::RequestContext&, std::string, sdk::TagMap,
                                    sdk::StatusCompletion))
  SLUICE_UNUSED_CALL(void untag_queue(const sdk::RequestContext&, std::string,
                                      std::vector<std::string>, sdk::StatusCompletion))
  SLUICE_UNUSED_CALL(void list_queue_tags(const sdk::RequestContext&, std::string,
                                          sdk::Completion<sdk::TagMap>))
  SLUICE_UNUSED_CALL(void list_dead_letter_source_queues(const sdk::RequestContext&, std::string,
                                                         std::uint32_t, std::string,
                                                         sdk::Completion<sdk::NamePage>))
  SLUICE_UNUSED_CALL(void add_permission(const sdk::RequestContext&, std::string, std::string,
                                         std::vector<std::string>, std::vector<std::string>,
                                         sdk::StatusCompletion))
  SLUICE_UNUSED_CALL(void remove_permission(const sdk::RequestContext&, std::string, std::string,
                                            sdk::StatusCompletion))
  SLUICE_UNUSED_CALL(
      void send_messages(const sdk::RequestContext&, std::string, std::vector<sdk::SendEntry>,
                         sdk::Completion<std::vector<sdk::Result<sdk::SendOutcome>>>))
  SLUICE_UNUSED_CALL(void receive_messages(const sdk::RequestContext&, sdk::ReceiveRequest,
                                           sdk::Completion<std::vector<sdk::ReceivedMessage>>))
  SLUICE_UNUSED_CALL(void delete_messages(const sdk::RequestContext&, std::string,
                                          std::vector<std::string>,
                                          sdk::Completion<std::vector<sdk::Status>>))
  SLUICE_UNUSED_CALL(void change_visibility(const sdk::RequestContext&, std::string,
                                            std::vector<sdk::VisibilityEntry>,
                                            sdk::Completion<std::vector<sdk::Status>>))
  SLUICE_UNUSED_CALL(void start_move_task(const sdk::RequestContext&, sdk::MoveTaskRequest,
                                          sdk::Completion<std::string>))
  SLUICE_UNUSED_CALL(void cancel_move_task(const sdk::RequestContext&, std::string,
                                           sdk::Completion<std::uint64_t>))
  SLUICE_UNUSED_CALL(void list_move_tasks(const sdk::RequestContext&, std::string, std::uint32_t,
                                          sdk::Completion<std::vector<sdk::MoveTaskInfo>>))
#undef SLUICE_UNUSED_CALL
  sdk::Result<std::shared_ptr<sdk::Consumer>> consume(const sdk::RequestContext&,
                                                      sdk::ConsumeRequest) override {
    return sdk::make_error(sdk::ErrorCode::kInternal, "unused");
  }
};

AccessTarget target_of(const std::string& action, nlohmann::json input,
                       const std::string& path_queue = "") {
  NamingBroker broker;
  SqsCall call;
  call.action = action;
  call.input = std::move(input);
  call.path_queue = path_queue;
  return access_target(call, broker);
}

TEST(AccessTarget, ABatchIsAuthorizedAsItsSingleForm) {
  const auto target =
      target_of("SendMessageBatch", {{"QueueUrl", "http://localhost:9324/000000000000/orders"}});
  EXPECT_EQ(target.action, "sqs:SendMessage");
  EXPECT_EQ(target.queue, "orders");
  EXPECT_EQ(target.resource, "arn:aws:sqs:us-east-1:000000000000:orders");
  EXPECT_TRUE(target.grantable);
  EXPECT_FALSE(target.changes_policy);
}

TEST(AccessTarget, TheRequestPathNamesTheQueueWhenTheInputDoesNot) {
  EXPECT_EQ(target_of("ReceiveMessage", nlohmann::json::object(), "orders").queue, "orders");
}

TEST(AccessTarget, OwnerOnlyActionsAreNotGrantable) {
  const auto target = target_of("SetQueueAttributes", {{"QueueUrl", "orders"}});
  EXPECT_FALSE(target.grantable);
  EXPECT_TRUE(target.changes_policy);
  EXPECT_FALSE(target_of("ListQueueTags", {{"QueueUrl", "orders"}}).grantable);
}

TEST(AccessTarget, CreateQueueAndGetQueueUrlNameTheQueueByName) {
  EXPECT_EQ(target_of("CreateQueue", {{"QueueName", "new-q"}}).resource,
            "arn:aws:sqs:us-east-1:000000000000:new-q");
  const auto lookup = target_of("GetQueueUrl", {{"QueueName", "orders"}});
  EXPECT_EQ(lookup.queue, "orders");
  EXPECT_TRUE(lookup.grantable);
}

TEST(AccessTarget, AccountLevelCallsUseTheAccountWildcard) {
  const auto target = target_of("ListQueues", nlohmann::json::object());
  EXPECT_EQ(target.queue, "");
  EXPECT_EQ(target.resource, "arn:aws:sqs:us-east-1:000000000000:*");
  EXPECT_FALSE(target.grantable);
}

TEST(AccessTarget, AMissingQueueUrlFallsBackToTheAccountWildcard) {
  const auto target = target_of("SendMessage", nlohmann::json::object());
  EXPECT_EQ(target.resource, "arn:aws:sqs:us-east-1:000000000000:*");
  EXPECT_FALSE(target.grantable);
}

TEST(AccessTarget, MoveTasksAreAuthorizedOnTheirSourceQueue) {
  EXPECT_EQ(
      target_of("StartMessageMoveTask", {{"SourceArn", "arn:aws:sqs:us-east-1:000000000000:dlq"}})
          .queue,
      "dlq");
  std::string handle =
      base64_encode(R"({"taskId":"t1","sourceArn":"arn:aws:sqs:us-east-1:000000000000:dlq"})");
  for (char& c : handle) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  EXPECT_EQ(target_of("CancelMessageMoveTask", {{"TaskHandle", handle}}).queue, "dlq");
}

TEST(QueuePolicyCache, AnEntryLivesForItsTtl) {
  QueuePolicyCache cache(std::chrono::milliseconds(1000));
  const auto t0 = std::chrono::steady_clock::time_point{} + seconds(100);
  cache.put("q", "{}", t0, cache.generation());
  EXPECT_EQ(cache.find("q", t0 + std::chrono::milliseconds(999)), std::optional<std::string>("{}"));
  EXPECT_FALSE(cache.find("q", t0 + std::chrono::milliseconds(1000)).has_value());
}

TEST(QueuePolicyCache, AReadThatRacedWithAChangeIsNotCached) {
  QueuePolicyCache cache(std::chrono::milliseconds(1000));
  const auto t0 = std::chrono::steady_clock::time_point{} + seconds(100);
  const auto before = cache.generation();
  cache.erase("q");  // a SetQueueAttributes completed while the read was on its way
  cache.put("q", "stale", t0, before);
  EXPECT_FALSE(cache.find("q", t0).has_value());
}

// Denies when the queue policy says "Deny", and remembers the last question.
class PolicyTextAuthorizer final : public sdk::Authorizer {
 public:
  sdk::Status authorize(const sdk::Principal&, const std::string&, const std::string&) override {
    return sdk::Status::Ok();
  }
  sdk::Status authorize_access(const sdk::AccessRequest& request) override {
    last = request;
    if (request.resource_policy.find("Deny") != std::string::npos) {
      return sdk::make_error(sdk::ErrorCode::kAccessDenied, "denied by test policy");
    }
    return sdk::Status::Ok();
  }
  sdk::AccessRequest last;
};

class QuietLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel, std::string_view) override {}
  bool enabled(sdk::LogLevel) const override { return false; }
};

// The gate with a broker stub; policy reads complete inline, continuations run inline.
class SqsAuthGateTest : public ::testing::Test {
 protected:
  SqsAuthGateTest()
      : gate_(
            sdk::HostServices{&authenticator_, &authorizer_}, broker_, SqsAuthOptions{},
            [](std::function<void()> fn) { fn(); }, logger_) {}

  // Dispatches `action` on queue q as alice; returns the wire error, or nullopt if it ran.
  std::optional<WireError> dispatch(const std::string& action) {
    SqsCall call;
    call.action = action;
    call.input = {{"QueueUrl", "http://h/000000000000/q"}};
    call.base_url = "http://h";
    std::optional<WireError> error;
    bool ran = false;
    gate_.dispatch(
        std::move(call), alice_, "10.0.0.9",
        [&](ActionOutcome outcome) {
          if (auto* e = std::get_if<WireError>(&outcome)) error = *e;
        },
        [&](SqsCall, ActionDone done) {
          ran = true;
          done(nlohmann::json(nullptr));
        });
    EXPECT_NE(ran, error.has_value());
    return error;
  }

  const sdk::Principal alice_{"alice", "000000000000", "arn:aws:iam::000000000000:user/alice"};
  StubAuthenticator authenticator_;
  PolicyTextAuthorizer authorizer_;
  NamingBroker broker_;
  QuietLogger logger_;
  SqsAuthGate gate_;
};

TEST_F(SqsAuthGateTest, AGrantableActionIsCheckedWithTheQueuePolicy) {
  broker_.policies["q"] = R"({"Statement":"Deny"})";
  const auto error = dispatch("SendMessage");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->query_code, "AccessDenied");
  EXPECT_EQ(error->http_status, 403);
  EXPECT_EQ(error->message, "Access to the resource http://h/000000000000/q is denied.");
  EXPECT_EQ(authorizer_.last.action, "sqs:SendMessage");
  EXPECT_EQ(authorizer_.last.resource_owner, "000000000000");
  EXPECT_EQ(authorizer_.last.context.at("aws:SourceIp"), "10.0.0.9");
}

TEST_F(SqsAuthGateTest, OwnerOnlyActionsDoNotReadThePolicy) {
  broker_.policies["q"] = R"({"Statement":"Deny"})";
  EXPECT_FALSE(dispatch("TagQueue").has_value());
  EXPECT_EQ(broker_.attribute_reads, 0);
  EXPECT_EQ(authorizer_.last.resource_policy, "");
}

TEST_F(SqsAuthGateTest, ThePolicyIsReadOncePerCachePeriod) {
  broker_.policies["q"] = "";
  EXPECT_FALSE(dispatch("SendMessage").has_value());
  EXPECT_FALSE(dispatch("ReceiveMessage").has_value());
  EXPECT_EQ(broker_.attribute_reads, 1);
}

TEST_F(SqsAuthGateTest, AChangeThroughThisFrontEndIsSeenAtOnce) {
  broker_.policies["q"] = "";
  EXPECT_FALSE(dispatch("SendMessage").has_value());
  broker_.policies["q"] = R"({"Statement":"Deny"})";
  EXPECT_FALSE(dispatch("SetQueueAttributes").has_value());
  EXPECT_TRUE(dispatch("SendMessage").has_value());
}

TEST_F(SqsAuthGateTest, AMissingQueueHasNoPolicyAndTheActionReportsIt) {
  EXPECT_FALSE(dispatch("SendMessage").has_value());  // runs, and would say QueueDoesNotExist
  EXPECT_EQ(broker_.attribute_reads, 1);
  EXPECT_EQ(authorizer_.last.resource_policy, "");
}

TEST_F(SqsAuthGateTest, TheCallerBecomesTheSender) {
  sdk::RequestContext context;
  SqsAuthGate::identify(alice_, context);
  EXPECT_EQ(context.sender_id, "alice");
  EXPECT_EQ(context.principal, "arn:aws:iam::000000000000:user/alice");
}

}  // namespace
}  // namespace sluice::plugins::sqs
