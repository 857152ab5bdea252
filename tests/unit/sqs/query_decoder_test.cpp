#include "query_decoder.hpp"

#include <gtest/gtest.h>

namespace sluice::plugins::sqs {
namespace {

using nlohmann::json;

QueryParams parse(std::string_view text) {
  QueryParams params;
  EXPECT_TRUE(decode_form(text, params)) << text;
  return params;
}

TEST(QueryDecoder, DecodesPercentEscapesAndPlusAsSpace) {
  auto p = parse("QueueUrl=http%3A%2F%2Fh%3A1%2F0%2Fq&MessageBody=a+b%20c%2B");
  EXPECT_EQ(p.find("QueueUrl")->second, "http://h:1/0/q");
  EXPECT_EQ(p.find("MessageBody")->second, "a b c+");
}

TEST(QueryDecoder, RejectsBrokenEscapes) {
  QueryParams p;
  EXPECT_FALSE(decode_form("a=%G1", p));
  EXPECT_FALSE(decode_form("a=%4", p));
}

TEST(QueryDecoder, FlattenedAttributeMapBecomesAnObject) {
  auto in =
      query_to_input("CreateQueue", parse("QueueName=q&Attribute.1.Name=VisibilityTimeout&"
                                          "Attribute.1.Value=40&Attribute.2.Name=DelaySeconds&"
                                          "Attribute.2.Value=5&Tag.1.Key=team&Tag.1.Value=a"));
  EXPECT_EQ(in["QueueName"], "q");
  EXPECT_EQ(in["Attributes"], (json{{"VisibilityTimeout", "40"}, {"DelaySeconds", "5"}}));
  EXPECT_EQ(in["tags"], (json{{"team", "a"}}));
}

TEST(QueryDecoder, ListsAreSortedNumericallyAndMayHaveGaps) {
  auto in = query_to_input("GetQueueAttributes",
                           parse("AttributeName.10=B&AttributeName.2=A&AttributeName.1=Z"));
  EXPECT_EQ(in["AttributeNames"], (json{"Z", "A", "B"}));
}

TEST(QueryDecoder, UnindexedSingletonsCountAsTheFirstItem) {
  auto in = query_to_input("GetQueueAttributes", parse("AttributeName=All"));
  EXPECT_EQ(in["AttributeNames"], (json{"All"}));
  auto set = query_to_input("SetQueueAttributes",
                            parse("Attribute.Name=VisibilityTimeout&Attribute.Value=40"));
  EXPECT_EQ(set["Attributes"], (json{{"VisibilityTimeout", "40"}}));
}

TEST(QueryDecoder, BatchEntriesWithNestedMessageAttributes) {
  auto in = query_to_input(
      "SendMessageBatch",
      parse("SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x&"
            "SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=n&"
            "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=Number&"
            "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=1&"
            "SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=y&"
            "SendMessageBatchRequestEntry.2.MessageGroupId=g"));
  ASSERT_EQ(in["Entries"].size(), 2U);
  EXPECT_EQ(in["Entries"][0]["Id"], "a");
  EXPECT_EQ(in["Entries"][0]["MessageAttributes"]["n"],
            (json{{"DataType", "Number"}, {"StringValue", "1"}}));
  EXPECT_EQ(in["Entries"][1]["MessageGroupId"], "g");
}

TEST(QueryDecoder, ReceiveMessageNameLists) {
  auto in = query_to_input("ReceiveMessage",
                           parse("AttributeName.1=All&MessageAttributeName.1=a.*&"
                                 "MessageSystemAttributeName.1=SenderId&MaxNumberOfMessages=10"));
  EXPECT_EQ(in["AttributeNames"], (json{"All"}));
  EXPECT_EQ(in["MessageAttributeNames"], (json{"a.*"}));
  EXPECT_EQ(in["MessageSystemAttributeNames"], (json{"SenderId"}));
  EXPECT_EQ(in["MaxNumberOfMessages"], "10");
}

TEST(QueryDecoder, PermissionListsUseTheirQueryNames) {
  auto in =
      query_to_input("AddPermission", parse("Label=l&AWSAccountId.1=1&ActionName.1=SendMessage"
                                            "&ActionName.2=ReceiveMessage"));
  EXPECT_EQ(in["AWSAccountIds"], (json{"1"}));
  EXPECT_EQ(in["Actions"], (json{"SendMessage", "ReceiveMessage"}));
}

}  // namespace
}  // namespace sluice::plugins::sqs
