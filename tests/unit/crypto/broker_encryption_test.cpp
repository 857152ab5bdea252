// The broker with encryption at rest: what reaches the store, what clients get back, dead-letter
// queues and move tasks, tampered messages, and brokers without an encryption plugin.
#include <gtest/gtest.h>

#include <set>

#include "broker_test_support.hpp"
#include "data_key_ring.hpp"
#include "encryption_test_support.hpp"
#include "sluice/sdk/digests.hpp"
#include "sluice/v1/message.pb.h"

namespace sluice::core::testing {
namespace {

const std::string kMarker = "plaintext-marker-4d7b9e";

// Keeps every envelope handed to append; optionally alters the sealed payload on the way in.
class RecordingStore final : public ForwardingStore {
 public:
  sdk::Result<std::vector<sdk::AppendOutcome>> append(std::string_view queue,
                                                      std::span<const sdk::NewMessage> messages,
                                                      const sdk::AppendSpec& spec) override {
    std::vector<sdk::NewMessage> copy(messages.begin(), messages.end());
    for (auto& message : copy) {
      if (tamper) {
        sluice::v1::MessageEnvelope envelope;
        if (envelope.ParseFromString(message.envelope) && !envelope.sealed().empty()) {
          std::string sealed = envelope.sealed();
          sealed.back() = static_cast<char>(sealed.back() ^ 0x01);
          envelope.set_sealed(sealed);
          message.envelope = envelope.SerializeAsString();
        }
      }
      std::lock_guard lock(mu);
      envelopes.push_back(message.envelope);
    }
    return ForwardingStore::append(queue, copy, spec);
  }

  bool stored_marker() {
    std::lock_guard lock(mu);
    for (const auto& envelope : envelopes) {
      if (envelope.find(kMarker) != std::string::npos) return true;
    }
    return false;
  }

  std::mutex mu;
  std::vector<std::string> envelopes;
  bool tamper = false;  // set before sending
};

class BrokerEncryptionTest : public BrokerTest {
 protected:
  void SetUp() override { start_encrypted(); }

  // (Re)creates the broker with encryption on `store` (default: a fresh recording store).
  void start_encrypted(std::shared_ptr<sdk::QueueStore> store = nullptr) {
    if (broker_) broker_->stop();
    broker_.reset();
    if (!store) {
      recording_ = std::make_shared<RecordingStore>();
      store = recording_;
    }
    store_ = std::move(store);
    broker_ = std::make_unique<Broker>(store_, options_, clock_, logger_);
    broker_->use_encryption(cipher_);
    broker_->start();
  }

  sdk::SendOutcome send_marker(const std::string& queue) {
    sdk::SendEntry e = entry("body " + kMarker);
    e.attributes["note"] = sdk::MessageAttributeValue{"String", "attribute " + kMarker};
    auto outcome = try_send(queue, e);
    EXPECT_TRUE(outcome.ok()) << (outcome.ok() ? "" : outcome.error().message);
    return outcome.ok() ? *outcome : sdk::SendOutcome{};
  }

  sdk::Status set_attributes(const std::string& queue, sdk::AttributeMap attributes) {
    return await<sdk::Status>(
        [&](auto done) { broker_->set_queue_attributes(ctx_, queue, attributes, done); });
  }

  bool logged(const std::string& text) const {
    for (const auto& line : logger_->lines()) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }

  KeyFolder keys_;
  std::shared_ptr<sdk::PayloadCipher> cipher_ =
      local_cipher(keys_.write_hex_key("master.key", 0x51));
  std::shared_ptr<RecordingStore> recording_;
};

TEST_F(BrokerEncryptionTest, AnSseQueueStoresNoPlaintextAndDeliversIt) {
  create("q");  // SqsManagedSseEnabled defaults to true
  send_marker("q");
  EXPECT_FALSE(recording_->stored_marker());
  auto received = receive("q");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].body, "body " + kMarker);
  EXPECT_EQ(received[0].attributes.at("note").value, "attribute " + kMarker);
}

TEST_F(BrokerEncryptionTest, DigestsAreThoseOfThePlaintext) {
  create("q");
  const auto sent = send_marker("q");
  EXPECT_EQ(sent.md5_of_body, sdk::md5_hex("body " + kMarker));
  auto received = receive("q");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].md5_of_body, sent.md5_of_body);
}

TEST_F(BrokerEncryptionTest, AQueueWithSseDisabledStoresMessagesAsSent) {
  create("plain", {{"SqsManagedSseEnabled", "false"}});
  send_marker("plain");
  EXPECT_TRUE(recording_->stored_marker());
  EXPECT_EQ(receive("plain").at(0).body, "body " + kMarker);
}

TEST_F(BrokerEncryptionTest, AQueueWithAKmsKeyIsEncrypted) {
  create("kms", {{"KmsMasterKeyId", "alias/aws/sqs"}});
  send_marker("kms");
  EXPECT_FALSE(recording_->stored_marker());
}

TEST_F(BrokerEncryptionTest, MessagesSentBeforeSseWasTurnedOnStayReadable) {
  create("q", {{"SqsManagedSseEnabled", "false"}});
  send("q", "before");
  ASSERT_TRUE(set_attributes("q", {{"SqsManagedSseEnabled", "true"}}).ok());
  clock_->advance(std::chrono::seconds(2));  // past the settings cache
  send_marker("q");
  EXPECT_EQ(recording_->envelopes.back().find(kMarker), std::string::npos);
  auto received = receive("q");
  ASSERT_EQ(received.size(), 2u);
  std::set<std::string> bodies{received[0].body, received[1].body};
  EXPECT_EQ(bodies, (std::set<std::string>{"before", "body " + kMarker}));
}

TEST_F(BrokerEncryptionTest, ChangingQueueAttributesKeepsTheQueueDataKey) {
  create("q");
  send_marker("q");
  const auto before = read_key_ring(*store_, "q");
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->keys.size(), 1u);
  ASSERT_TRUE(set_attributes("q", {{"VisibilityTimeout", "45"}}).ok());
  const auto after = read_key_ring(*store_, "q");
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->keys.size(), 1u);
  EXPECT_EQ(after->keys[0].id, before->keys[0].id);
  EXPECT_EQ(after->keys[0].wrapped, before->keys[0].wrapped);
  EXPECT_EQ(receive("q").at(0).body, "body " + kMarker);
}

TEST_F(BrokerEncryptionTest, ATamperedMessageIsLoggedByIdAndNotDelivered) {
  create("q");
  recording_->tamper = true;
  const auto sent = send_marker("q");
  EXPECT_TRUE(receive("q").empty());
  EXPECT_TRUE(logged("encrypted message " + sent.message_id))
      << ::testing::PrintToString(logger_->lines());
  EXPECT_TRUE(logged("cannot be opened and is not delivered"));
}

TEST_F(BrokerEncryptionTest, DeadLetteredMessagesCanBeReadInTheDeadLetterQueue) {
  create_with_dlq("src", "dlq", 1);
  send_marker("src");
  ASSERT_EQ(receive("src", 10, 1).size(), 1u);
  clock_->advance(std::chrono::seconds(2));
  EXPECT_TRUE(receive("src").empty());  // the second receive moves it to the DLQ
  auto received = receive("dlq");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].body, "body " + kMarker);
  EXPECT_FALSE(received[0].dead_letter_source_arn.empty());
}

TEST_F(BrokerEncryptionTest, MovedMessagesCanBeReadInTheMoveDestination) {
  create_with_dlq("src", "dlq", 1);
  create("elsewhere");
  send_marker("src");
  ASSERT_EQ(receive("src", 10, 1).size(), 1u);
  clock_->advance(std::chrono::seconds(2));
  ASSERT_TRUE(receive("src").empty());
  sdk::MoveTaskRequest request;
  request.source_arn = broker_->queue_arn("dlq");
  request.destination_arn = broker_->queue_arn("elsewhere");
  auto task = await<sdk::Result<std::string>>(
      [&](auto done) { broker_->start_move_task(ctx_, request, done); });
  ASSERT_TRUE(task.ok()) << task.error().message;
  broker_->run_maintenance_now();
  auto received = receive("elsewhere");
  ASSERT_EQ(received.size(), 1u) << ::testing::PrintToString(logger_->lines());
  EXPECT_EQ(received[0].body, "body " + kMarker);
}

TEST_F(BrokerEncryptionTest, ABrokerWithoutEncryptionDoesNotDeliverSealedMessages) {
  create("q");
  const auto sent = send_marker("q");
  start_broker(store_);  // same store, no encryption plugin
  EXPECT_TRUE(receive("q").empty());
  EXPECT_TRUE(logged("message " + sent.message_id + " is encrypted"));
  EXPECT_TRUE(logged("no encryption plugin is configured"));
}

TEST_F(BrokerEncryptionTest, ABrokerWithoutEncryptionStoresSseQueuesAsSent) {
  auto store = std::make_shared<RecordingStore>();
  start_broker(store);
  create("q");
  send_marker("q");
  EXPECT_TRUE(store->stored_marker());
}

}  // namespace
}  // namespace sluice::core::testing
