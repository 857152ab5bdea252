#include "sluice/sdk/result.hpp"

#include <gtest/gtest.h>

namespace sluice::sdk {
namespace {

TEST(Result, HoldsAValueOrAnError) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = make_error(ErrorCode::kQueueDoesNotExist, "no queue q");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), ErrorCode::kQueueDoesNotExist);
  EXPECT_EQ(bad.error().message, "no queue q");
}

TEST(Result, StatusDefaultsToOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  Status e = make_error(ErrorCode::kInternal, "boom");
  EXPECT_FALSE(e.ok());
}

TEST(ErrorMapping, MissingQueueMapsToTheLegacyQueryCodeAndHttp400) {
  const SqsError e = sqs_error(ErrorCode::kQueueDoesNotExist);
  EXPECT_EQ(e.query_code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(e.json_shape, "QueueDoesNotExist");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_TRUE(e.sender_fault);
  EXPECT_EQ(amqp_reply_code(ErrorCode::kQueueDoesNotExist), 404);
}

TEST(ErrorMapping, StatusCodesFollowAws) {
  EXPECT_EQ(sqs_error(ErrorCode::kPurgeQueueInProgress).http_status, 403);
  EXPECT_EQ(sqs_error(ErrorCode::kReceiptHandleIsInvalid).http_status, 404);
  EXPECT_EQ(sqs_error(ErrorCode::kOverLimit).http_status, 403);
  EXPECT_EQ(sqs_error(ErrorCode::kServiceUnavailable).http_status, 503);
  EXPECT_FALSE(sqs_error(ErrorCode::kInternal).sender_fault);
  EXPECT_EQ(amqp_reply_code(ErrorCode::kAccessDenied), 403);
  EXPECT_EQ(amqp_reply_code(ErrorCode::kInternal), 541);
}

}  // namespace
}  // namespace sluice::sdk
