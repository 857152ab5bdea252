// The byte-level pieces of the RocksDB store: key order, value round trips, receipts, floors.
#include <gtest/gtest.h>

#include <string>

#include "key_codec.hpp"
#include "queue_handle.hpp"
#include "receipt_codec.hpp"
#include "value_codec.hpp"

namespace sluice::plugins::rocksdb::testing {
namespace {

TEST(KeyCodecTest, OrderedKeysSortByTimeThenSequenceIncludingTimesBeforeTheEpoch) {
  const auto key = [](std::int64_t ms, std::uint64_t seq) {
    return ordered_key(7, Tag::kReady, time_component(sdk::from_unix_millis(ms)), seq);
  };
  EXPECT_LT(key(-5, 9), key(0, 1));
  EXPECT_LT(key(0, 1), key(0, 2));
  EXPECT_LT(key(0, 2), key(1, 1));
  EXPECT_LT(key(255, 1), key(256, 1));
  EXPECT_EQ(time_from_component(time_component(sdk::from_unix_millis(-42))),
            sdk::from_unix_millis(-42));
}

TEST(KeyCodecTest, EveryKeyOfAQueueSortsInsideItsRangeAndOutsideOthers) {
  const std::string begin = queue_prefix(255);
  const std::string end = queue_limit(255);
  for (const std::string& key :
       {state_key(255, 1), ordered_key(255, Tag::kWaiting, ~0ULL, ~0ULL), counters_key(255),
        dedup_key(255, std::string(300, '\xff')), message_key(255, ~0ULL)}) {
    EXPECT_LE(begin, key);
    EXPECT_LT(key, end);
  }
  EXPECT_GE(state_key(256, 0), end);
}

TEST(KeyCodecTest, OneGroupsMembersNeverSortAmongAnotherGroupsWithTheSamePrefix) {
  const std::string prefix = group_member_prefix(1, "ab");
  const std::string limit = prefix_successor(prefix);
  const std::string other = group_member_key(1, "abc", 1);
  EXPECT_FALSE(prefix <= other && other < limit);
  EXPECT_LT(group_member_key(1, "ab", 5), limit);
}

TEST(KeyCodecTest, PrefixSuccessorCarriesOverTrailingFfBytes) {
  EXPECT_EQ(prefix_successor(std::string("a\xff\xff", 3)), "b");
  EXPECT_EQ(prefix_successor(std::string("\xff\xff", 2)), "");
}

TEST(ValueCodecTest, MessageStateRoundTripsWithBinaryGroup) {
  MessageState state;
  state.visible_at = sdk::from_unix_millis(5);
  state.sent_at = sdk::from_unix_millis(-3);
  state.first_received_at = sdk::from_unix_millis(9);
  state.receive_count = 4;
  state.token = ~0ULL;
  state.group_id = std::string("g\0\xff", 3);
  const auto decoded = decode_message_state(encode(state));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->visible_at, state.visible_at);
  EXPECT_EQ(decoded->sent_at, state.sent_at);
  EXPECT_EQ(decoded->first_received_at, state.first_received_at);
  EXPECT_EQ(decoded->receive_count, 4u);
  EXPECT_EQ(decoded->token, ~0ULL);
  EXPECT_EQ(decoded->group_id, state.group_id);
}

TEST(ValueCodecTest, GroupRowRoundTripsItsDeliveredMessages) {
  GroupRow row;
  row.count = 3;
  row.delivered = {4, 5};
  row.slot = GroupSlot::kWaiting;
  row.indexed_head = 4;
  row.ready_at = sdk::from_unix_millis(77);
  const auto decoded = decode_group_row(encode(row));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->count, 3u);
  EXPECT_EQ(decoded->delivered, (std::vector<std::uint64_t>{4, 5}));
  EXPECT_EQ(decoded->slot, GroupSlot::kWaiting);
  EXPECT_EQ(decoded->ready_at, row.ready_at);
}

TEST(ValueCodecTest, TruncatedOrTrailingBytesAreRejected) {
  const std::string bytes = encode(MessageBody{"id", "key", "src", "envelope"});
  EXPECT_TRUE(decode_message_body(bytes).has_value());
  EXPECT_FALSE(decode_message_body(bytes.substr(0, bytes.size() - 1)).has_value());
  EXPECT_FALSE(decode_message_body(bytes + "x").has_value());
  EXPECT_FALSE(decode_message_body("").has_value());
  EXPECT_FALSE(decode_group_row(std::string(1, '\x01') + std::string(40, '\xff')).has_value());
}

TEST(ValueCodecTest, SequenceTextsHaveTwentyDigitsAndSortAsNumbers) {
  EXPECT_EQ(sequence_text(1), "10000000000000000001");
  EXPECT_LT(sequence_text(9), sequence_text(10));
}

TEST(ReceiptCodecTest, ReceiptRoundTripsUnderItsKey) {
  const ReceiptFields fields{~0ULL, 2, 3, 0x1234};
  const auto decoded = decode_receipt(encode_receipt(fields, 99), 99);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->generation, fields.generation);
  EXPECT_EQ(decoded->queue_id, 2u);
  EXPECT_EQ(decoded->seq, 3u);
  EXPECT_EQ(decoded->token, 0x1234u);
}

TEST(ReceiptCodecTest, ReceiptOfAnotherDatabaseOrWithAnyDigitChangedIsRejected) {
  const std::string receipt = encode_receipt({1, 2, 3, 4}, 99);
  EXPECT_FALSE(decode_receipt(receipt, 100).has_value());
  for (std::size_t i = 2; i < receipt.size(); ++i) {
    std::string edited = receipt;
    edited[i] = edited[i] == '0' ? '1' : '0';
    EXPECT_FALSE(decode_receipt(edited, 99).has_value()) << "digit " << i;
  }
  EXPECT_FALSE(decode_receipt(receipt.substr(1), 99).has_value());
  EXPECT_FALSE(decode_receipt("", 99).has_value());
}

TEST(IndexFloorsTest, RaiseNeverPassesAnEntryInsertedByTheSameTransaction) {
  IndexFloors floors;
  floors.note_insert(Floor::kReady, {5, 1});
  floors.raise(Floor::kReady, {9, 0});
  EXPECT_EQ(floors.get(Floor::kReady), (FloorKey{5, 1}));
  floors.begin();
  floors.raise(Floor::kReady, {9, 0});
  EXPECT_EQ(floors.get(Floor::kReady), (FloorKey{9, 0}));
  floors.note_insert(Floor::kReady, {7, 3});
  EXPECT_EQ(floors.get(Floor::kReady), (FloorKey{7, 3}));
}

TEST(IndexFloorsTest, RaiseNeverLowersAFloor) {
  IndexFloors floors;
  floors.raise(Floor::kSent, {9, 9});
  floors.begin();
  floors.raise(Floor::kSent, {3, 0});
  EXPECT_EQ(floors.get(Floor::kSent), (FloorKey{9, 9}));
}

}  // namespace
}  // namespace sluice::plugins::rocksdb::testing
