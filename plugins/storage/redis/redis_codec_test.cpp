// The Redis store's pure codecs: receipts, seq texts, key names, INFO parsing and how error
// replies map onto sdk error codes.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "key_layout.hpp"
#include "lua_scripts.hpp"
#include "receipt_codec.hpp"
#include "redis_reply.hpp"
#include "script_library.hpp"
#include "server_check.hpp"
#include "sluice/sdk/types.hpp"

namespace sluice::plugins::redis {
namespace {

TEST(RedisReceiptCodec, ReceiptRoundTripsEveryField) {
  const ReceiptFields fields{0xfedcba9876543210ULL, 42, 7, 0x1234abcdULL};
  const auto decoded = decode_receipt(encode_receipt(fields));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->generation, fields.generation);
  EXPECT_EQ(decoded->queue_id, fields.queue_id);
  EXPECT_EQ(decoded->arrival, fields.arrival);
  EXPECT_EQ(decoded->token, fields.token);
}

TEST(RedisReceiptCodec, ReceiptWithAnyCharacterChangedIsMalformed) {
  const std::string receipt = encode_receipt({99, 3, 12, 0xabcdef});
  for (std::size_t i = 0; i < receipt.size(); ++i) {
    for (char replacement : {'0', '7', 'f', '-', 'x'}) {
      if (receipt[i] == replacement) continue;
      std::string changed = receipt;
      changed[i] = replacement;
      EXPECT_FALSE(decode_receipt(changed).has_value()) << changed;
    }
  }
}

TEST(RedisReceiptCodec, GarbageIsMalformed) {
  for (const std::string& text :
       {std::string(), std::string("r1-"), std::string("r1-1-2-3-4"), std::string("x"),
        std::string("r1-1-2-3-4-5-6"), std::string(2048, 'A'), std::string("\0\0", 2),
        std::string("r1-01-2-3-4-5")}) {
    EXPECT_FALSE(decode_receipt(text).has_value()) << text;
  }
}

TEST(RedisReceiptCodec, SeqTextsSortLikeTheirNumbersAndRoundTrip) {
  std::set<std::string> texts;
  for (std::uint64_t n : {0ULL, 1ULL, 9ULL, 10ULL, 99ULL, 1'000'000ULL, 123'456'789'012ULL}) {
    const std::string text = seq_text(n);
    EXPECT_EQ(text.size(), 20u);
    EXPECT_EQ(arrival_of(text), n);
    texts.insert(text);
  }
  EXPECT_EQ(*texts.begin(), seq_text(0));
  EXPECT_EQ(*texts.rbegin(), seq_text(123'456'789'012ULL));
  EXPECT_EQ(seq_text(42), "10000000000000000042");
  EXPECT_FALSE(arrival_of("2000000000000000000").has_value());
  EXPECT_FALSE(arrival_of("1000000000000000004x").has_value());
}

TEST(RedisReceiptCodec, HexTextHasNoLeadingZeros) {
  EXPECT_EQ(hex_text(0), "0");
  EXPECT_EQ(hex_text(255), "ff");
  EXPECT_EQ(hex_text(0xffffffffffffffffULL), "ffffffffffffffff");
}

TEST(RedisKeyLayout, QueueKeysShareOneHashTagAndComeInScriptOrder) {
  const KeyLayout keys("app", 3);
  const auto queue = keys.queue_keys(17);
  ASSERT_EQ(queue.size(), 14u);
  EXPECT_EQ(queue.front(), "app:{q17}:meta");
  EXPECT_EQ(queue.back(), "app:{q17}:heavy");
  for (const std::string& key : queue) EXPECT_TRUE(key.starts_with("app:{q17}:")) << key;
  EXPECT_EQ(keys.catalog(), "app:queues");
  EXPECT_EQ(keys.wake_channel("orders.fifo"), "app:wake:3:orders.fifo");
}

TEST(RedisLuaScripts, EveryScriptIsEmbeddedWithTheSharedHelpers) {
  ScriptLibrary library;
  EXPECT_TRUE(library.init().ok());
  EXPECT_EQ(lua_scripts().size(), kScriptCount);
  for (const LuaScript& script : lua_scripts()) {
    EXPECT_NE(script.source.find("local function open_queue"), std::string_view::npos)
        << script.name;
  }
}

TEST(RedisLuaScripts, FairQueueThresholdsAreTheSdksOwn) {
  const std::string min_in_flight =
      "local NOISY_MIN_IN_FLIGHT = " + std::to_string(sdk::kNoisyTenantMinInFlight) + "\n";
  const std::string percent =
      "local NOISY_PERCENT = " + std::to_string(sdk::kNoisyTenantInFlightPercent) + "\n";
  for (const LuaScript& script : lua_scripts()) {
    EXPECT_NE(script.source.find(min_in_flight), std::string_view::npos) << script.name;
    EXPECT_NE(script.source.find(percent), std::string_view::npos) << script.name;
  }
}

TEST(RedisServerFacts, InfoFieldReadsOneLineOfAnInfoText) {
  const std::string info = "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n";
  EXPECT_EQ(info_field(info, "redis_version"), "7.0.15");
  EXPECT_EQ(info_field(info, "redis_mode"), "standalone");
  EXPECT_EQ(info_field(info, "redis"), "");
  EXPECT_EQ(info_field(info, "missing"), "");
}

redisReply error_reply(std::string& text) {
  redisReply reply{};
  reply.type = REDIS_REPLY_ERROR;
  reply.str = text.data();
  reply.len = text.size();
  return reply;
}

TEST(RedisErrorReplies, ServerStatesThatPassAreServiceUnavailable) {
  for (std::string text :
       {"LOADING Redis is loading the dataset in memory",
        "READONLY You can't write against a read only replica.",
        "OOM command not allowed when used memory > 'maxmemory'.",
        "MISCONF Redis is configured to save RDB snapshots", "BUSY Redis is busy running a script",
        "NOAUTH Authentication required."}) {
    const redisReply reply = error_reply(text);
    EXPECT_EQ(error_from_reply("claim", reply).code, sdk::ErrorCode::kServiceUnavailable) << text;
  }
}

TEST(RedisErrorReplies, ScriptErrorsAndRedirectionsAreInternalAndNamed) {
  std::string text = "ERR user_script:12: attempt to index a nil value";
  const sdk::Error script = error_from_reply("claim on queue 'q'", error_reply(text));
  EXPECT_EQ(script.code, sdk::ErrorCode::kInternal);
  EXPECT_NE(script.message.find("claim on queue 'q'"), std::string::npos);
  EXPECT_NE(script.message.find("user_script:12"), std::string::npos);
  std::string moved = "MOVED 3999 127.0.0.1:6381";
  const sdk::Error redirect = error_from_reply("append", error_reply(moved));
  EXPECT_EQ(redirect.code, sdk::ErrorCode::kInternal);
  EXPECT_NE(redirect.message.find("Cluster"), std::string::npos);
}

TEST(RedisErrorReplies, QuotedBytesAreBoundedAndPrintable) {
  EXPECT_EQ(quote_bytes(std::string("a\0b", 3)), "'a\\x00b'");
  const std::string quoted = quote_bytes(std::string(500, 'z'));
  EXPECT_LT(quoted.size(), 80u);
  EXPECT_TRUE(quoted.ends_with("...'"));
}

}  // namespace
}  // namespace sluice::plugins::redis
