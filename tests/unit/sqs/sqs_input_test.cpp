#include "sqs_input.hpp"

#include <gtest/gtest.h>

#include "base64.hpp"

namespace sluice::plugins::sqs {
namespace {

using nlohmann::json;

TEST(SqsInput, IntegersMayComeAsNumbersOrText) {
  json j{{"A", 5}, {"B", "7"}, {"C", "x"}, {"D", "99999999999"}};
  const Input in(j);
  EXPECT_EQ(**in.integer("A"), 5);
  EXPECT_EQ(**in.integer("B"), 7);
  EXPECT_FALSE(in.integer("C").ok());
  EXPECT_EQ(in.integer("C").code(), sdk::ErrorCode::kInvalidParameterValue);
  EXPECT_FALSE(in.integer("D").ok());
  EXPECT_FALSE(in.integer("E")->has_value());
}

TEST(SqsInput, RequiredStringReportsMissingParameter) {
  json j{{"Empty", ""}};
  const Input in(j);
  auto r = in.required_string("Empty");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), sdk::ErrorCode::kMissingParameter);
  EXPECT_EQ(r.error().message, "The request must contain the parameter Empty.");
}

TEST(SqsInput, QueueUrlMayBeAFullUrlAPathOrABareName) {
  const auto name = [](json j, std::string path = "") { return *queue_name_from(Input(j), path); };
  EXPECT_EQ(name({{"QueueUrl", "http://h:9324/000000000000/q1"}}), "q1");
  EXPECT_EQ(name({{"QueueUrl", "https://sqs.us-east-1.amazonaws.com/1/q2/"}}), "q2");
  EXPECT_EQ(name({{"QueueUrl", "q3.fifo"}}), "q3.fifo");
  EXPECT_EQ(name(json::object(), "q4"), "q4");
  EXPECT_EQ(name({{"QueueUrl", "http://h:1"}}), "");
  EXPECT_EQ(queue_name_from(Input(json::object()), "").code(), sdk::ErrorCode::kMissingParameter);
}

TEST(SqsInput, BinaryAttributesAreBase64Decoded) {
  json j{{"M", {{"b", {{"DataType", "Binary"}, {"BinaryValue", "AP8="}}}}}};
  auto attrs = Input(j).message_attributes("M");
  ASSERT_TRUE(attrs.ok());
  EXPECT_EQ(attrs->at("b").value, std::string("\x00\xff", 2));
}

TEST(SqsInput, StringAttributeWithoutStringValueIsInvalid) {
  json j{{"M", {{"s", {{"DataType", "String"}}}}}};
  EXPECT_EQ(Input(j).message_attributes("M").code(), sdk::ErrorCode::kInvalidParameterValue);
}

TEST(Base64, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(*base64_decode(base64_encode(bytes)), bytes);
    bytes.push_back(static_cast<char>(i * 37));
  }
  EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
  EXPECT_FALSE(base64_decode("a*b=").has_value());
}

}  // namespace
}  // namespace sluice::plugins::sqs
