#include "xml_encoder.hpp"

#include <gtest/gtest.h>

namespace sluice::plugins::sqs {
namespace {

using nlohmann::json;

TEST(XmlEncoder, EscapesMarkupAndCarriageReturns) {
  std::string out;
  append_xml_escaped(out, "a<b>&\"'\r\n\t");
  EXPECT_EQ(out, "a&lt;b&gt;&amp;&quot;&apos;&#xD;\n\t");
}

TEST(XmlEncoder, ActionWithoutOutputHasOnlyMetadata) {
  const std::string xml = render_query_response("DeleteQueue", json(nullptr), "rid");
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\"?><DeleteQueueResponse "
            "xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><ResponseMetadata><RequestId>rid"
            "</RequestId></ResponseMetadata></DeleteQueueResponse>");
}

TEST(XmlEncoder, EmptyResultIsSelfClosing) {
  const std::string xml = render_query_response("ReceiveMessage", json::object(), "r");
  EXPECT_NE(xml.find("<ReceiveMessageResult/>"), std::string::npos);
}

TEST(XmlEncoder, ListsAndMapsAreFlattened) {
  json out{{"QueueUrls", {"u1", "u2"}}};
  EXPECT_NE(render_query_response("ListQueues", out, "r")
                .find("<ListQueuesResult><QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl>"),
            std::string::npos);
  json attrs{{"Attributes", {{"VisibilityTimeout", "30"}}}};
  EXPECT_NE(render_query_response("GetQueueAttributes", attrs, "r")
                .find("<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>"),
            std::string::npos);
}

TEST(XmlEncoder, BatchEntriesTakeTheActionsEntryName) {
  json out{{"Successful", {{{"Id", "a"}}}},
           {"Failed", {{{"Id", "b"}, {"SenderFault", true}, {"Code", "C"}, {"Message", "m"}}}}};
  const std::string xml = render_query_response("DeleteMessageBatch", out, "r");
  EXPECT_NE(xml.find("<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry>"),
            std::string::npos);
  EXPECT_NE(xml.find("<BatchResultErrorEntry>"), std::string::npos);
  EXPECT_NE(xml.find("<SenderFault>true</SenderFault>"), std::string::npos);
}

TEST(XmlEncoder, MessageAttributesNestTheirValue) {
  json msg{{"MessageId", "m"},
           {"MessageAttributes", {{"n", {{"DataType", "Number"}, {"StringValue", "1"}}}}}};
  json out{{"Messages", {msg}}};
  const std::string xml = render_query_response("ReceiveMessage", out, "r");
  // Member order inside an element is free in XML; the nesting is what parsers need.
  EXPECT_NE(xml.find("<MessageAttribute><Name>n</Name><Value><DataType>Number</DataType>"
                     "<StringValue>1</StringValue></Value></MessageAttribute>"),
            std::string::npos);
  EXPECT_NE(xml.find("<MessageId>m</MessageId>"), std::string::npos);
}

TEST(XmlEncoder, ErrorEnvelopeHasTypeCodeAndRequestIdOutsideError) {
  WireError e{"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", 400, true, "gone"};
  const std::string xml = render_query_error(e, "rid");
  EXPECT_NE(xml.find("<Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue"
                     "</Code><Message>gone</Message><Detail/></Error><RequestId>rid</RequestId>"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice::plugins::sqs
