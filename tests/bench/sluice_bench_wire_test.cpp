// sluice-bench's SQS wire layer: the requests it builds carry the stamps where the server will
// find them, and the reply scanners read what Sluice (and AWS) actually send.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "payload.hpp"
#include "sqs/sqs_wire.hpp"

namespace sluice::bench::sqs {
namespace {

Target target(Protocol protocol) {
  return Target{protocol, "127.0.0.1:9324", "http://127.0.0.1:9324/000000000000/q1"};
}

std::string body_of(const std::string& request) {
  return request.substr(request.find("\r\n\r\n") + 4);
}

// The form fields of a query body (values are never percent-encoded by our stamps).
std::map<std::string, std::string> form_fields(const std::string& body) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < body.size()) {
    auto end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const auto pair = body.substr(start, end - start);
    const auto eq = pair.find('=');
    out[pair.substr(0, eq)] = pair.substr(eq + 1);
    start = end + 1;
  }
  return out;
}

std::vector<OutgoingMessage> messages(std::size_t n) {
  std::vector<OutgoingMessage> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(OutgoingMessage{
        Stamp{0xabcdef01, 1000 + i, static_cast<std::int64_t>(1700000000000000 + 7 * i)},
        static_cast<std::uint32_t>(i % 3)});
  }
  return out;
}

TEST(SluiceBenchWire, QueryBatchTemplateCarriesEachStampInItsOwnMessageBody) {
  auto request = build_send(target(Protocol::kQuery), 3, 100, false);
  const auto sent = messages(3);
  stamp_send(request, sent);
  const auto fields = form_fields(body_of(request.bytes));
  EXPECT_EQ(fields.at("Action"), "SendMessageBatch");
  for (std::size_t i = 0; i < 3; ++i) {
    const std::string prefix = "SendMessageBatchRequestEntry." + std::to_string(i + 1) + ".";
    EXPECT_EQ(fields.at(prefix + "Id"), std::to_string(i));
    const std::string& body = fields.at(prefix + "MessageBody");
    EXPECT_EQ(body.size(), 100u);
    const auto stamp = read_stamp(body);
    ASSERT_TRUE(stamp.has_value());
    EXPECT_EQ(stamp->id, sent[i].stamp.id);
    EXPECT_EQ(stamp->sent_us, sent[i].stamp.sent_us);
  }
}

TEST(SluiceBenchWire, ContentLengthMatchesTheBody) {
  const auto request = build_send(target(Protocol::kJson), 10, 1024, true);
  const std::string body = body_of(request.bytes);
  EXPECT_NE(request.bytes.find("Content-Length: " + std::to_string(body.size()) + "\r\n"),
            std::string::npos);
}

TEST(SluiceBenchWire, JsonFifoTemplateCarriesGroupAndDeduplicationIds) {
  auto request = build_send(target(Protocol::kJson), 2, 64, true);
  const auto sent = messages(2);
  stamp_send(request, sent);
  const auto input = nlohmann::json::parse(body_of(request.bytes));
  ASSERT_EQ(input["Entries"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& entry = input["Entries"][i];
    EXPECT_EQ(entry["MessageGroupId"], "g00000" + std::to_string(i));
    EXPECT_EQ(entry["MessageDeduplicationId"].get<std::string>().size(), kDedupDigits);
    EXPECT_EQ(read_stamp(entry["MessageBody"].get<std::string>())->id, sent[i].stamp.id);
  }
}

TEST(SluiceBenchWire, UnbatchedQuerySendIsASendMessage) {
  const auto request = build_send(target(Protocol::kQuery), 1, 64, false);
  const auto fields = form_fields(body_of(request.bytes));
  EXPECT_EQ(fields.at("Action"), "SendMessage");
  EXPECT_EQ(fields.at("MessageBody").size(), 64u);
}

TEST(SluiceBenchWire, QueryReceiveReplyPairsBodiesWithTheirReceipts) {
  // Sluice writes Body before ReceiptHandle; AWS writes it after. Both must pair up.
  const std::string reply =
      "<?xml version=\"1.0\"?><ReceiveMessageResponse><ReceiveMessageResult>"
      "<Message><Body>one</Body><MD5OfBody>x</MD5OfBody><MessageId>a</MessageId>"
      "<ReceiptHandle>r1</ReceiptHandle></Message>"
      "<Message><MessageId>b</MessageId><ReceiptHandle>r2</ReceiptHandle><MD5OfBody>y</MD5OfBody>"
      "<Body>two</Body></Message>"
      "</ReceiveMessageResult></ReceiveMessageResponse>";
  std::vector<ReceivedMessage> out;
  ASSERT_TRUE(scan_messages(Protocol::kQuery, reply, out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].body, "one");
  EXPECT_EQ(out[0].receipt, "r1");
  EXPECT_EQ(out[1].body, "two");
  EXPECT_EQ(out[1].receipt, "r2");
}

TEST(SluiceBenchWire, JsonReceiveReplyIgnoresMd5OfBody) {
  const std::string reply =
      R"({"Messages":[{"Body":"one","MD5OfBody":"m1","MessageId":"a","ReceiptHandle":"r1"},)"
      R"({"Body":"t\"wo","MD5OfBody":"m2","MessageId":"b","ReceiptHandle":"r2"}]})";
  std::vector<ReceivedMessage> out;
  ASSERT_TRUE(scan_messages(Protocol::kJson, reply, out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].body, "one");
  EXPECT_EQ(out[1].body, "t\\\"wo");
  EXPECT_EQ(out[1].receipt, "r2");
}

TEST(SluiceBenchWire, EmptyReceiveReplyHasNoMessages) {
  std::vector<ReceivedMessage> out;
  ASSERT_TRUE(scan_messages(Protocol::kJson, "{}", out));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(scan_messages(Protocol::kQuery, "<ReceiveMessageResult/>", out));
  EXPECT_TRUE(out.empty());
}

TEST(SluiceBenchWire, QueryBatchFailuresMarkOnlyTheNamedEntries) {
  const std::string reply =
      "<SendMessageBatchResult><SendMessageBatchResultEntry><Id>0</Id>"
      "</SendMessageBatchResultEntry><BatchResultErrorEntry><Id>2</Id><SenderFault>true"
      "</SenderFault><Code>InvalidParameterValue</Code><Message>m</Message>"
      "</BatchResultErrorEntry></SendMessageBatchResult>";
  std::vector<EntryOutcome> entries(3, EntryOutcome{true, {}});
  std::vector<std::string> scratch;
  ASSERT_TRUE(scan_batch_failures(Protocol::kQuery, reply, entries, scratch));
  EXPECT_TRUE(entries[0].ok);
  EXPECT_TRUE(entries[1].ok);
  EXPECT_FALSE(entries[2].ok);
  EXPECT_EQ(entries[2].code, "InvalidParameterValue");
}

TEST(SluiceBenchWire, JsonBatchFailuresMarkOnlyTheNamedEntries) {
  const std::string reply =
      R"({"Failed":[{"Code":"ReceiptHandleIsInvalid","Id":"1","Message":"m]}","SenderFault":true}],)"
      R"("Successful":[{"Id":"0"}]})";
  std::vector<EntryOutcome> entries(2, EntryOutcome{true, {}});
  std::vector<std::string> scratch;
  ASSERT_TRUE(scan_batch_failures(Protocol::kJson, reply, entries, scratch));
  EXPECT_TRUE(entries[0].ok);
  EXPECT_FALSE(entries[1].ok);
  EXPECT_EQ(entries[1].code, "ReceiptHandleIsInvalid");
}

TEST(SluiceBenchWire, BatchFailureWithAnUnknownIdIsMalformed) {
  std::vector<EntryOutcome> entries(2, EntryOutcome{true, {}});
  std::vector<std::string> scratch;
  EXPECT_FALSE(scan_batch_failures(
      Protocol::kQuery, "<BatchResultErrorEntry><Id>7</Id><Code>X</Code></BatchResultErrorEntry>",
      entries, scratch));
}

TEST(SluiceBenchWire, JsonErrorCodeComesFromTheQueryErrorHeader) {
  std::string scratch;
  EXPECT_EQ(error_code_of(Protocol::kJson, 400, "AWS.SimpleQueueService.NonExistentQueue;Sender",
                          R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist"})", scratch),
            "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(error_code_of(Protocol::kJson, 400, "",
                          R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist"})", scratch),
            "QueueDoesNotExist");
}

TEST(SluiceBenchWire, ReplyWithoutACodeIsNamedByItsStatus) {
  std::string scratch;
  EXPECT_EQ(error_code_of(Protocol::kQuery, 503, "", "busy", scratch), "http:503");
}

TEST(SluiceBenchWire, DeleteBatchFormEncodesEveryReceipt) {
  std::string request;
  const std::vector<std::string_view> receipts{"a+b", "c/d"};
  build_delete(target(Protocol::kQuery), receipts, request);
  const auto fields = form_fields(body_of(request));
  EXPECT_EQ(fields.at("Action"), "DeleteMessageBatch");
  EXPECT_EQ(fields.at("DeleteMessageBatchRequestEntry.1.ReceiptHandle"), "a%2Bb");
  EXPECT_EQ(fields.at("DeleteMessageBatchRequestEntry.2.ReceiptHandle"), "c%2Fd");
  EXPECT_EQ(fields.at("DeleteMessageBatchRequestEntry.2.Id"), "1");
}

TEST(SluiceBenchWire, QueueUrlIsReadFromEitherProtocol) {
  EXPECT_EQ(
      queue_url_of(Protocol::kQuery,
                   "<CreateQueueResult><QueueUrl>http://h/1/q</QueueUrl></CreateQueueResult>"),
      "http://h/1/q");
  EXPECT_EQ(queue_url_of(Protocol::kJson, R"({"QueueUrl":"http://h/1/q"})"), "http://h/1/q");
}

}  // namespace
}  // namespace sluice::bench::sqs
