// SigV4 canonicalisation. Every expected string to sign (and the canonical requests next to them)
// was derived with botocore's own signer (Debian python3-botocore 1.29.27, clock fixed at the
// X-Amz-Date shown); the query protocol POST is also spec section 9.1's vector, the IAM one AWS's
// documented ListUsers example. The other expectations follow the rules in spec section 9.1.
#include "sigv4_canonical.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::plugins::sqs {
namespace {

SignedRequestView request(std::string_view method, std::string_view target,
                          std::vector<std::pair<std::string, std::string>> headers,
                          std::string_view body = "") {
  return SignedRequestView{method, target, std::move(headers), body};
}

SigV4Claim claim_of(const std::variant<SigV4Claim, SigV4Problem>& read) {
  if (const auto* problem = std::get_if<SigV4Problem>(&read)) {
    ADD_FAILURE() << problem->message;
    return {};
  }
  return std::get<SigV4Claim>(read);
}

SigV4Problem problem_of(const std::variant<SigV4Claim, SigV4Problem>& read) {
  if (const auto* problem = std::get_if<SigV4Problem>(&read)) return *problem;
  ADD_FAILURE() << "expected a problem";
  return {SigV4Problem::Kind::kMissing, ""};
}

constexpr const char* kSig = "5692577d0a290f86c05908daa91f3a9c474b5dae20aea309b24b85ebce87c9f5";

std::string authorization(const std::string& scope, const std::string& signed_headers) {
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + scope + ", SignedHeaders=" + signed_headers +
         ", Signature=" + kSig;
}

TEST(SigV4Canonical, BuildsTheQueryProtocolPostOfTheSpec) {
  const auto req = request("POST", "/",
                           {{"Host", "localhost:9324"},
                            {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                            {"X-Amz-Date", "20261124T120000Z"},
                            {"Authorization", authorization("20261124/us-east-1/sqs/aws4_request",
                                                            "content-type;host;x-amz-date")}},
                           "Action=ListQueues&Version=2012-11-05");
  const SigV4Claim claim = claim_of(read_sigv4_claim(req));
  const std::string canonical = canonical_request(
      req, claim, "48a38266faf90970d6c7fea9b15e6ba366e5f6397c2970fc893f8a7b5e207bd0");
  EXPECT_EQ(canonical,
            "POST\n/\n\n"
            "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
            "host:localhost:9324\nx-amz-date:20261124T120000Z\n\n"
            "content-type;host;x-amz-date\n"
            "48a38266faf90970d6c7fea9b15e6ba366e5f6397c2970fc893f8a7b5e207bd0");
  EXPECT_EQ(string_to_sign(claim, canonical),
            "AWS4-HMAC-SHA256\n20261124T120000Z\n20261124/us-east-1/sqs/aws4_request\n"
            "a27329b45751328efefa5155d0c240bf72345b2ddf7aa11d568e3fe588e944d8");
}

TEST(SigV4Canonical, BuildsAJsonProtocolPost) {
  const auto req =
      request("POST", "/",
              {{"Host", "127.0.0.1:4566"},
               {"Content-Type", "application/x-amz-json-1.0"},
               {"X-Amz-Target", "AmazonSQS.CreateQueue"},
               {"x-amzn-query-mode", "true"},
               {"X-Amz-Date", "20261124T120000Z"},
               {"amz-sdk-invocation-id", "not signed"},
               {"Authorization", authorization("20261124/us-east-1/sqs/aws4_request",
                                               "content-type;host;x-amz-date;x-amz-target;"
                                               "x-amzn-query-mode")}},
              R"({"QueueName": "orders"})");
  const SigV4Claim claim = claim_of(read_sigv4_claim(req));
  const std::string canonical = canonical_request(
      req, claim, "f1b956558f056b898f85cb298d31cff61868ceb2cbc215d164e77d8eb2dfebfd");
  EXPECT_EQ(string_to_sign(claim, canonical),
            "AWS4-HMAC-SHA256\n20261124T120000Z\n20261124/us-east-1/sqs/aws4_request\n"
            "8a416239a76e178b814732c3f0bdfea2285c649779a8fded87188fdbb9e74b4f");
}

TEST(SigV4Canonical, SortsAndReencodesTheQueryString) {
  const auto req = request(
      "GET", "/000000000000/my-queue?b=2&a=1&c=x%20y&Action=ListQueues&e=~&d=a%2Bb&f",
      {{"Host", "127.0.0.1:9324"},
       {"X-Amz-Date", "20261124T120000Z"},
       {"Authorization", authorization("20261124/eu-west-3/sqs/aws4_request", "host;x-amz-date")}});
  const SigV4Claim claim = claim_of(read_sigv4_claim(req));
  EXPECT_EQ(claim.region, "eu-west-3");
  const std::string canonical = canonical_request(
      req, claim, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(canonical.substr(0, canonical.find("\nhost:")),
            "GET\n/000000000000/my-queue\nAction=ListQueues&a=1&b=2&c=x%20y&d=a%2Bb&e=~&f=");
  EXPECT_EQ(string_to_sign(claim, canonical),
            "AWS4-HMAC-SHA256\n20261124T120000Z\n20261124/eu-west-3/sqs/aws4_request\n"
            "2da53e0df411619cc5692b0c53359ec7d038277377acbd6b912687e8a1d7683a");
}

TEST(SigV4Canonical, ReencodesCharactersTheClientLeftUnescaped) {
  EXPECT_EQ(canonical_query("k=a b&j=%7e&i=caf%C3%A9&h=a+b", false),
            "h=a%2Bb&i=caf%C3%A9&j=~&k=a%20b");
}

TEST(SigV4Canonical, ThePresignedFormLeavesOutTheSignature) {
  const auto req = request(
      "GET",
      "/?Action=GetQueueUrl&QueueName=orders&Version=2012-11-05&X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIDEXAMPLE%2F20261124%2Fus-east-1%2Fsqs%2Faws4_request"
      "&X-Amz-Date=20261124T120000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
      "&X-Amz-Signature=264cd61cb817f73ef6f692bb5d186e4ad468d201af48f889e6fbf0fb9da68714",
      {{"Host", "127.0.0.1:9324"}});
  const SigV4Claim claim = claim_of(read_sigv4_claim(req));
  EXPECT_TRUE(claim.presigned);
  EXPECT_EQ(claim.expires_seconds, 300);
  EXPECT_EQ(claim.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(claim.signature, "264cd61cb817f73ef6f692bb5d186e4ad468d201af48f889e6fbf0fb9da68714");
  const std::string canonical = canonical_request(
      req, claim, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(string_to_sign(claim, canonical),
            "AWS4-HMAC-SHA256\n20261124T120000Z\n20261124/us-east-1/sqs/aws4_request\n"
            "0c4b735dd3733d14f9137945d7250f70de7e022ea5452af48c86a39f11d2d2ca");
}

TEST(SigV4Canonical, ReproducesTheDocumentedIamExample) {
  const auto req = request("GET", "/?Action=ListUsers&Version=2010-05-08",
                           {{"Host", "iam.amazonaws.com"},
                            {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                            {"X-Amz-Date", "20150830T123600Z"},
                            {"Authorization", authorization("20150830/us-east-1/sqs/aws4_request",
                                                            "content-type;host;x-amz-date")}});
  SigV4Claim claim = claim_of(read_sigv4_claim(req));
  claim.service = "iam";  // the example is IAM's; the reader only accepts sqs scopes
  const std::string canonical = canonical_request(
      req, claim, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(string_to_sign(claim, canonical),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
}

TEST(SigV4Canonical, HeaderValuesAreTrimmedCollapsedAndJoined) {
  const auto req = request("GET", "/", {{"X-Multi", "  a   b  "}, {"x-multi", "c"}});
  EXPECT_EQ(canonical_headers(req, {"x-multi"}), "x-multi:a b,c\n");
}

TEST(SigV4Canonical, PathsAreNormalisedAndEncodedAgain) {
  EXPECT_EQ(canonical_uri(""), "/");
  EXPECT_EQ(canonical_uri("/a/./b/../c//d/"), "/a/c/d/");
  EXPECT_EQ(canonical_uri("/000000000000/q%20x"), "/000000000000/q%2520x");
}

TEST(SigV4Canonical, NoSignatureAnywhereIsMissingAuthentication) {
  const auto req = request("POST", "/?Action=ListQueues", {{"Host", "h"}});
  EXPECT_EQ(problem_of(read_sigv4_claim(req)).kind, SigV4Problem::Kind::kMissing);
}

TEST(SigV4Canonical, AHeaderWithoutSignatureIsIncomplete) {
  const auto req =
      request("POST", "/",
              {{"X-Amz-Date", "20261124T120000Z"},
               {"Authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20261124/us-east-1/sqs/aws4_request, "
                "SignedHeaders=host"}});
  const SigV4Problem problem = problem_of(read_sigv4_claim(req));
  EXPECT_EQ(problem.kind, SigV4Problem::Kind::kIncomplete);
  EXPECT_NE(problem.message.find("'Signature'"), std::string::npos);
}

TEST(SigV4Canonical, AnUnsignedHostIsIncomplete) {
  const auto req = request(
      "POST", "/",
      {{"X-Amz-Date", "20261124T120000Z"},
       {"Authorization", authorization("20261124/us-east-1/sqs/aws4_request", "x-amz-date")}});
  EXPECT_EQ(problem_of(read_sigv4_claim(req)).kind, SigV4Problem::Kind::kIncomplete);
}

TEST(SigV4Canonical, SignatureVersion2IsRefusedAsIncomplete) {
  const auto req =
      request("GET", "/?Action=ListQueues&AWSAccessKeyId=AKID&SignatureVersion=2&Signature=x", {});
  EXPECT_EQ(problem_of(read_sigv4_claim(req)).kind, SigV4Problem::Kind::kIncomplete);
}

TEST(SigV4Canonical, AScopeForAnotherServiceCannotMatch) {
  const auto req =
      request("POST", "/",
              {{"X-Amz-Date", "20261124T120000Z"},
               {"Authorization", authorization("20261124/us-east-1/sns/aws4_request", "host")}});
  EXPECT_EQ(problem_of(read_sigv4_claim(req)).kind, SigV4Problem::Kind::kMismatch);
}

TEST(SigV4Canonical, AScopeDateOtherThanTheRequestDateCannotMatch) {
  const auto req =
      request("POST", "/",
              {{"X-Amz-Date", "20261125T000001Z"},
               {"Authorization", authorization("20261124/us-east-1/sqs/aws4_request", "host")}});
  EXPECT_EQ(problem_of(read_sigv4_claim(req)).kind, SigV4Problem::Kind::kMismatch);
}

TEST(SigV4Canonical, ThePresignedExpiryMustBeAtMostAWeek) {
  const auto req =
      request("GET",
              "/?X-Amz-Algorithm=AWS4-HMAC-SHA256"
              "&X-Amz-Credential=AKID%2F20261124%2Fus-east-1%2Fsqs%2Faws4_request"
              "&X-Amz-Date=20261124T120000Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host"
              "&X-Amz-Signature=264cd61cb817f73ef6f692bb5d186e4ad468d201af48f889e6fbf0fb9da68714",
              {});
  EXPECT_EQ(problem_of(read_sigv4_claim(req)).kind, SigV4Problem::Kind::kIncomplete);
}

TEST(SigV4Canonical, TheDateHeaderStandsInForXAmzDate) {
  const auto req = request(
      "POST", "/",
      {{"Date", "Tue, 24 Nov 2026 12:00:00 GMT"},
       {"Authorization", authorization("20261124/us-east-1/sqs/aws4_request", "date;host")}});
  EXPECT_EQ(claim_of(read_sigv4_claim(req)).amz_date, "20261124T120000Z");
}

TEST(SigV4Canonical, AmzDatesRoundTrip) {
  auto parsed = parse_amz_date("20261124T120000Z");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(format_amz_date(*parsed), "20261124T120000Z");
  EXPECT_FALSE(parse_amz_date("2026-11-24T12:00:00Z").has_value());
  EXPECT_FALSE(parse_amz_date("20261324T120000Z").has_value());
}

}  // namespace
}  // namespace sluice::plugins::sqs
