#include "sluice/sdk/arn.hpp"

#include <gtest/gtest.h>

namespace sluice::sdk {
namespace {

TEST(Arn, TheAccountIsTheFifthField) {
  EXPECT_EQ(arn_account("arn:aws:sqs:us-east-1:000000000000:orders"), "000000000000");
  EXPECT_EQ(arn_account("arn:aws:sqs:eu-west-1:111111111111:*"), "111111111111");
}

TEST(Arn, AnArnWithoutAResourceHasNoAccount) {
  EXPECT_EQ(arn_account("arn:aws:sqs:us-east-1:000000000000"), "");
  EXPECT_EQ(arn_account("not an arn"), "");
  EXPECT_EQ(arn_account(""), "");
}

}  // namespace
}  // namespace sluice::sdk
