// EnvelopeSealer on its own: sealing and opening envelopes, the queue's data key ring in the
// store, tamper detection and key sharing between queues.
#include "envelope_sealer.hpp"

#include <gtest/gtest.h>

#include "broker_test_support.hpp"
#include "data_key_ring.hpp"
#include "encryption_test_support.hpp"
#include "envelope_codec.hpp"
#include "queue_metadata_codec.hpp"
#include "sluice/sdk/digests.hpp"
#include "sluice/v1/message.pb.h"

namespace sluice::core::testing {
namespace {

const std::string kBody = "body with secret-body-marker-5e1";
const std::string kAttributeValue = "attribute-marker-93c";

class EnvelopeSealerTest : public ::testing::Test {
 protected:
  EnvelopeSealerTest() {
    for (const char* name : {"orders", "other", "dlq"}) make_queue(name);
  }

  void make_queue(const std::string& name) {
    sdk::QueueRecord record;
    record.name = name;
    record.generation = ++generation_;
    record.metadata = encode_queue_metadata(QueueMetadata{});
    ASSERT_TRUE(store_->create_queue(record).ok());
  }

  QueueSettings settings(const std::string& name) {
    QueueSettings s;
    s.name = name;
    s.generation = store_->get_queue(name)->generation;
    return s;
  }

  std::unique_ptr<EnvelopeSealer> make_sealer(std::shared_ptr<sdk::PayloadCipher> cipher) {
    return std::make_unique<EnvelopeSealer>(std::move(cipher), store_, clock_, logger_);
  }

  std::string plain_envelope(const std::string& message_id) {
    sdk::SendEntry entry;
    entry.body = kBody;
    entry.attributes["color"] = sdk::MessageAttributeValue{"String", kAttributeValue};
    EnvelopeStamp stamp;
    stamp.message_id = message_id;
    stamp.sent_at = clock_->now();
    stamp.md5_of_body = sdk::md5_hex(entry.body);
    stamp.md5_of_attributes = sdk::md5_of_attributes(entry.attributes);
    return encode_envelope(entry, stamp);
  }

  std::string seal(const std::string& queue, const std::string& message_id) {
    auto sealed = sealer_->seal(settings(queue), plain_envelope(message_id));
    EXPECT_TRUE(sealed.ok()) << sealed.error().message;
    return sealed.ok() ? *sealed : std::string();
  }

  static sdk::Delivery delivery(const std::string& message_id, const std::string& envelope,
                                const std::string& dead_letter_source = "") {
    sdk::Delivery d;
    d.message_id = message_id;
    d.envelope = envelope;
    d.receive_count = 1;
    d.dead_letter_source = dead_letter_source;
    return d;
  }

  std::vector<StoredDataKey> ring(const std::string& queue) {
    auto read = read_key_ring(*store_, queue);
    EXPECT_TRUE(read.ok());
    return read.ok() ? read->keys : std::vector<StoredDataKey>{};
  }

  std::uint64_t generation_ = 0;
  KeyFolder keys_;
  std::filesystem::path master_ = keys_.write_hex_key("master.key", 0x31);
  std::shared_ptr<sdk::PayloadCipher> cipher_ = local_cipher(master_);
  std::shared_ptr<plugins::memory::MemoryQueueStore> store_ =
      std::make_shared<plugins::memory::MemoryQueueStore>();
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::shared_ptr<RecordingLogger> logger_ = std::make_shared<RecordingLogger>();
  std::unique_ptr<EnvelopeSealer> sealer_ = make_sealer(cipher_);
};

TEST_F(EnvelopeSealerTest, ASealedEnvelopeHoldsNoBodyOrAttributeInPlaintext) {
  const std::string sealed = seal("orders", "m-1");
  EXPECT_EQ(sealed.find("secret-body-marker"), std::string::npos);
  EXPECT_EQ(sealed.find("attribute-marker"), std::string::npos);
  sluice::v1::MessageEnvelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(sealed));
  EXPECT_TRUE(envelope.body().empty());
  EXPECT_TRUE(envelope.attributes().empty());
  EXPECT_FALSE(envelope.sealed().empty());
  EXPECT_EQ(envelope.key_id(), ring("orders").at(0).id);
  EXPECT_EQ(envelope.md5_of_body(), sdk::md5_hex(kBody));  // digests stay those of the plaintext
}

TEST_F(EnvelopeSealerTest, ASealedEnvelopeOpensToTheOriginalMessage) {
  auto opened = sealer_->open_delivery(settings("orders"), delivery("m-1", seal("orders", "m-1")));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->body, kBody);
  EXPECT_EQ(opened->attributes.at("color").value, kAttributeValue);
  EXPECT_EQ(opened->md5_of_body, sdk::md5_hex(kBody));
  EXPECT_EQ(opened->message_id, "m-1");
}

TEST_F(EnvelopeSealerTest, TheFirstSealGivesTheQueueOneDataKeyWrappedByTheMasterKey) {
  EXPECT_TRUE(ring("orders").empty());
  seal("orders", "m-1");
  seal("orders", "m-2");
  const auto keys = ring("orders");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].owner_queue, "orders");
  EXPECT_EQ(keys[0].master_key_id, cipher_->current_master_key_id());
  EXPECT_EQ(keys[0].id.rfind("dk-", 0), 0u);
  EXPECT_EQ(keys[0].created_at_ms, sdk::to_unix_millis(clock_->now()));
  EXPECT_TRUE(ring("other").empty());
}

TEST_F(EnvelopeSealerTest, ABrokerSharingTheStoreUsesTheSameKeyAndOpensTheMessage) {
  const std::string sealed = seal("orders", "m-1");
  auto other_broker = make_sealer(local_cipher(master_));
  ASSERT_TRUE(other_broker->seal(settings("orders"), plain_envelope("m-2")).ok());
  EXPECT_EQ(ring("orders").size(), 1u);
  auto opened = other_broker->open_delivery(settings("orders"), delivery("m-1", sealed));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->body, kBody);
}

TEST_F(EnvelopeSealerTest, ASealedPayloadCopiedToAnotherQueueDoesNotOpen) {
  seal("other", "m-0");  // "other" has a key of its own
  auto opened = sealer_->open_delivery(settings("other"), delivery("m-1", seal("orders", "m-1")));
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("not in the key ring of queue other"), std::string::npos)
      << opened.error().message;
  EXPECT_EQ(sealer_->open_failures(), 1u);
}

TEST_F(EnvelopeSealerTest, ASealedPayloadPastedIntoAnotherMessageDoesNotOpen) {
  const std::string sealed = seal("orders", "m-1");
  auto opened = sealer_->open_delivery(settings("orders"), delivery("m-2", sealed));
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("encrypted message m-2"), std::string::npos);
}

TEST_F(EnvelopeSealerTest, AFlippedByteIsReportedWithTheMessageIdAndCounted) {
  sluice::v1::MessageEnvelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(seal("orders", "m-1")));
  std::string tampered = envelope.sealed();
  tampered[tampered.size() / 2] = static_cast<char>(tampered[tampered.size() / 2] ^ 0x04);
  envelope.set_sealed(tampered);
  auto opened =
      sealer_->open_delivery(settings("orders"), delivery("m-1", envelope.SerializeAsString()));
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("encrypted message m-1"), std::string::npos);
  EXPECT_NE(opened.error().message.find("authentication failed"), std::string::npos)
      << opened.error().message;
  EXPECT_EQ(sealer_->open_failures(), 1u);
}

TEST_F(EnvelopeSealerTest, AMessageDoesNotOpenUnderAnotherMasterKey) {
  const std::string sealed = seal("orders", "m-1");
  auto wrong = make_sealer(local_cipher(keys_.write_hex_key("wrong.key", 0x32)));
  auto opened = wrong->open_delivery(settings("orders"), delivery("m-1", sealed));
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find(cipher_->current_master_key_id()), std::string::npos)
      << opened.error().message;
}

TEST_F(EnvelopeSealerTest, ASealerWhoseMasterKeyCannotUnwrapTheQueueKeyRefusesToSeal) {
  seal("orders", "m-1");
  auto wrong = make_sealer(local_cipher(keys_.write_hex_key("wrong.key", 0x32)));
  auto sealed = wrong->seal(settings("orders"), plain_envelope("m-2"));
  ASSERT_FALSE(sealed.ok());
  EXPECT_NE(sealed.error().message.find("cannot be unwrapped"), std::string::npos);
  EXPECT_EQ(ring("orders").size(), 1u);  // no second key behind the first one's back
}

TEST_F(EnvelopeSealerTest, PlaintextEnvelopesPassThrough) {
  auto opened = sealer_->open_delivery(settings("orders"), delivery("m-1", plain_envelope("m-1")));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->body, kBody);
  EXPECT_EQ(sealer_->open_failures(), 0u);
}

TEST_F(EnvelopeSealerTest, WithoutAnEncryptionPluginASealedEnvelopeIsRefused) {
  auto decoded = decode_delivery(delivery("m-1", seal("orders", "m-1")));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("no encryption plugin is configured"), std::string::npos);
}

TEST_F(EnvelopeSealerTest, KeysAreUnwrappedAgainOnlyAfterTheReusePeriod) {
  auto counting = std::make_shared<CountingCipher>(cipher_);
  auto sealer = make_sealer(counting);
  QueueSettings orders = settings("orders");
  orders.data_key_reuse_seconds = 60;
  ASSERT_TRUE(sealer->seal(orders, plain_envelope("m-1")).ok());
  const int after_first = counting->unwraps.load();
  clock_->advance(std::chrono::seconds(59));
  ASSERT_TRUE(sealer->seal(orders, plain_envelope("m-2")).ok());
  EXPECT_EQ(counting->unwraps.load(), after_first);
  clock_->advance(std::chrono::seconds(2));
  ASSERT_TRUE(sealer->seal(orders, plain_envelope("m-3")).ok());
  EXPECT_EQ(counting->unwraps.load(), after_first + 1);
}

// The send fast path seals on an I/O thread, so only with a key already cached, never reading
// the store, and not in the last moments of the key's reuse period.
TEST_F(EnvelopeSealerTest, SealingWithoutTheStoreNeedsTheQueuesKeyCachedForTheMargin) {
  QueueSettings orders = settings("orders");
  orders.data_key_reuse_seconds = 60;
  const sdk::Millis margin{std::chrono::seconds(2)};
  EXPECT_FALSE(sealer_->has_cached_key(orders, margin));  // no key yet: it must be created
  EXPECT_FALSE(sealer_->seal_if_cached(orders, plain_envelope("m-0"), margin).has_value());

  ASSERT_TRUE(sealer_->seal(orders, plain_envelope("m-1")).ok());
  EXPECT_TRUE(sealer_->has_cached_key(orders, margin));
  auto sealed = sealer_->seal_if_cached(orders, plain_envelope("m-2"), margin);
  ASSERT_TRUE(sealed.has_value());
  ASSERT_TRUE(sealed->ok()) << sealed->error().message;
  auto opened = sealer_->open_delivery(orders, delivery("m-2", sealed->value()));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->body, kBody);

  clock_->advance(std::chrono::seconds(57));  // 3 s of the reuse period left
  EXPECT_TRUE(sealer_->has_cached_key(orders, margin));
  clock_->advance(std::chrono::seconds(2));  // 1 s left: inside the margin
  EXPECT_FALSE(sealer_->has_cached_key(orders, margin));
  EXPECT_FALSE(sealer_->seal_if_cached(orders, plain_envelope("m-3"), margin).has_value());
}

TEST_F(EnvelopeSealerTest, SharedKeysLetTheDeadLetterQueueOpenMessagesOfItsSource) {
  const std::string sealed = seal("orders", "m-1");
  ASSERT_TRUE(sealer_->share_keys("orders", "dlq").ok());
  const auto copies = ring("dlq");
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies[0].id, ring("orders").at(0).id);
  EXPECT_EQ(copies[0].owner_queue, "orders");
  EXPECT_NE(copies[0].wrapped, ring("orders").at(0).wrapped);  // wrapped for the dlq
  auto opened = sealer_->open_delivery(settings("dlq"), delivery("m-1", sealed, "orders"));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->body, kBody);
}

TEST_F(EnvelopeSealerTest, SharingTwiceCopiesNothingNew) {
  seal("orders", "m-1");
  ASSERT_TRUE(sealer_->share_keys("orders", "dlq").ok());
  auto fresh = make_sealer(cipher_);  // no memory of the first share
  ASSERT_TRUE(fresh->share_keys("orders", "dlq").ok());
  EXPECT_EQ(ring("dlq").size(), 1u);
}

TEST_F(EnvelopeSealerTest, ADeadLetteredMessageOpensBeforeItsKeyWasSharedAndTheKeyIsCopied) {
  const std::string sealed = seal("orders", "m-1");
  auto opened = sealer_->open_delivery(settings("dlq"), delivery("m-1", sealed, "orders"));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(ring("dlq").size(), 1u);
}

TEST_F(EnvelopeSealerTest, AKeyPastedIntoAnotherQueuesRingDoesNotUnwrapThere) {
  const std::string sealed = seal("orders", "m-1");
  const StoredDataKey orders_key = ring("orders").at(0);
  ASSERT_TRUE(update_key_ring(*store_, "other", [&](std::vector<StoredDataKey>& keys) {
                keys.push_back(orders_key);
                return sdk::Result<bool>(true);
              }).ok());
  auto opened = sealer_->open_delivery(settings("other"), delivery("m-1", sealed));
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("authentication failed"), std::string::npos)
      << opened.error().message;
}

}  // namespace
}  // namespace sluice::core::testing
