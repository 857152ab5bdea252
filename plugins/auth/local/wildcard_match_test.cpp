#include "wildcard_match.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::plugins::auth_local {
namespace {

TEST(WildcardMatch, StarMatchesAnyRunIncludingNone) {
  EXPECT_TRUE(wildcard_match("sqs:*", "sqs:SendMessage"));
  EXPECT_TRUE(wildcard_match("sqs:*", "sqs:"));
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_TRUE(wildcard_match("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(wildcard_match("a*b*c", "aXXbYY"));
}

TEST(WildcardMatch, QuestionMarkMatchesExactlyOneCharacter) {
  EXPECT_TRUE(wildcard_match("queue-?", "queue-1"));
  EXPECT_FALSE(wildcard_match("queue-?", "queue-"));
  EXPECT_FALSE(wildcard_match("queue-?", "queue-12"));
}

TEST(WildcardMatch, TheWholeTextMustMatch) {
  EXPECT_FALSE(wildcard_match("sqs:Send", "sqs:SendMessage"));
  EXPECT_FALSE(wildcard_match("Message", "sqs:SendMessage"));
  EXPECT_TRUE(wildcard_match("*Message", "sqs:SendMessage"));
}

TEST(WildcardMatch, CaseMattersUnlessAskedOtherwise) {
  EXPECT_FALSE(wildcard_match("SQS:Send*", "sqs:SendMessage"));
  EXPECT_TRUE(wildcard_match("SQS:Send*", "sqs:sendmessage", CaseRule::kInsensitive));
}

TEST(WildcardMatch, BacktracksPastAnEarlierPartialMatch) {
  EXPECT_TRUE(wildcard_match("*aab", "aaaab"));
  EXPECT_TRUE(wildcard_match("arn:aws:sqs:*:*:orders-*", "arn:aws:sqs:us-east-1:1:orders-eu"));
  EXPECT_FALSE(wildcard_match("arn:aws:sqs:*:*:orders-*", "arn:aws:sqs:us-east-1:1:invoices"));
}

TEST(WildcardMatch, ManyStarsOnALongTextFinishQuickly) {
  const std::string text(10000, 'a');
  EXPECT_FALSE(wildcard_match("*a*a*a*a*a*a*a*a*b", text));
}

}  // namespace
}  // namespace sluice::plugins::auth_local
