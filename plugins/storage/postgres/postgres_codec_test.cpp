// Unit tests of the PostgreSQL store's pieces that need no server: receipts, sequence numbers,
// binary parameters, the embedded schema, options and error classification.
#include <gtest/gtest.h>

#include <pqxx/except>

#include "connection_pool.hpp"
#include "pg_errors.hpp"
#include "postgres_store_options.hpp"
#include "receipt_codec.hpp"
#include "schema_migrations.hpp"
#include "sql_params.hpp"

namespace sluice::plugins::postgres {
namespace {

constexpr std::uint64_t kKey = 0x0123456789abcdefULL;

TEST(PostgresReceiptCodec, ReceiptRoundTripsItsFields) {
  const ReceiptFields fields{0xfedcba9876543210ULL, 42, 1234567, -77};
  const auto decoded = decode_receipt(encode_receipt(fields, kKey), kKey);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->generation, fields.generation);
  EXPECT_EQ(decoded->queue_id, 42);
  EXPECT_EQ(decoded->seq, 1234567);
  EXPECT_EQ(decoded->token, -77);
}

TEST(PostgresReceiptCodec, ReceiptWithAnyCharacterChangedIsRejected) {
  const std::string receipt = encode_receipt({7, 3, 99, 123456789}, kKey);
  for (std::size_t i = 0; i < receipt.size(); ++i) {
    if (receipt[i] == '-') continue;
    std::string forged = receipt;
    forged[i] = forged[i] == '1' ? '2' : '1';
    EXPECT_FALSE(decode_receipt(forged, kKey).has_value()) << forged;
  }
}

TEST(PostgresReceiptCodec, ReceiptCheckedWithAnotherKeyIsRejected) {
  EXPECT_FALSE(decode_receipt(encode_receipt({7, 3, 99, 5}, kKey), kKey + 1).has_value());
}

TEST(PostgresReceiptCodec, MalformedReceiptsAreRejected) {
  const std::string good = encode_receipt({7, 3, 99, 5}, kKey);
  for (const std::string& bad :
       {std::string(), std::string("x"), std::string("1-2-3-4"), good + "-1", "0" + good,
        good.substr(0, good.size() / 2), std::string("\0\0", 2), std::string(300, 'f')}) {
    EXPECT_FALSE(decode_receipt(bad, kKey).has_value()) << bad;
  }
  std::string upper = good;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != good) {
    EXPECT_FALSE(decode_receipt(upper, kKey).has_value());
  }
}

TEST(PostgresReceiptCodec, SequenceTextsAreTwentyDigitsAndCompareLikeTheirNumbers) {
  EXPECT_EQ(sequence_text(1), "10000000000000000001");
  EXPECT_LT(sequence_text(9), sequence_text(10));
  EXPECT_LT(sequence_text(999999), sequence_text(1000000));
  EXPECT_EQ(sequence_text(123).size(), 20u);
}

TEST(PostgresSqlParams, Int8ArrayUsesTheBinaryArrayWireFormat) {
  SqlParams params;
  const std::int64_t values[] = {1, -2};
  params.int8_array(values);
  const std::string bytes = params.values().at(0).str();
  const std::string expected(
      "\0\0\0\1"                                     // one dimension
      "\0\0\0\0"                                     // no NULLs
      "\0\0\0\x14"                                   // int8
      "\0\0\0\2"                                     // two elements
      "\0\0\0\1"                                     // lower bound 1
      "\0\0\0\x08\0\0\0\0\0\0\0\1"                   // 8 bytes: 1
      "\0\0\0\x08\xff\xff\xff\xff\xff\xff\xff\xfe",  // 8 bytes: -2
      20 + 2 * 12);
  EXPECT_EQ(bytes, expected);
}

TEST(PostgresSqlParams, EmptyArrayHasNoDimensions) {
  SqlParams params;
  params.bytea_array(std::vector<std::string>{});
  EXPECT_EQ(params.values().at(0).str(), std::string("\0\0\0\0\0\0\0\0\0\0\0\x11", 12));
}

TEST(PostgresSqlParams, TextAndByteaKeepEveryByteIncludingNul) {
  SqlParams params;
  const std::string binary("a\0b\xff", 4);
  params.bytea(binary).text("queue").int4(-1).boolean(true);
  EXPECT_EQ(params.values().at(0).str(), binary);
  EXPECT_EQ(params.values().at(1).str(), "queue");
  EXPECT_EQ(params.values().at(2).str(), std::string("\xff\xff\xff\xff", 4));
  EXPECT_EQ(params.values().at(3).str(), std::string("\1", 1));
}

TEST(PostgresSchema, RenderSqlReplacesEverySchemaPlaceholder) {
  EXPECT_EQ(render_sql("SELECT @S@.f(); DROP @S@.t", "\"s1\""), "SELECT \"s1\".f(); DROP \"s1\".t");
  EXPECT_EQ(render_sql("no placeholder", "\"s\""), "no placeholder");
}

TEST(PostgresSchema, TheEmbeddedMigrationCreatesTheTablesAndFunctions) {
  ASSERT_EQ(latest_schema_version(), 2);
  const std::string_view v1 = migration_sql().front();
  for (std::string_view needle :
       {"CREATE TABLE IF NOT EXISTS @S@.messages", "CREATE TABLE IF NOT EXISTS @S@.fifo_groups",
        "FUNCTION @S@.claim(", "FUNCTION @S@.append(", "FOR UPDATE SKIP LOCKED"}) {
    EXPECT_NE(v1.find(needle), std::string_view::npos) << needle;
  }
  // Version 2 replaces claim: its census must never be a bitmap scan (see v2_claim.sql).
  const std::string_view v2 = migration_sql()[1];
  for (std::string_view needle :
       {"FUNCTION @S@.claim(", "SET plan_cache_mode = force_custom_plan",
        "FUNCTION @S@.in_flight_census(", "SET enable_bitmapscan = off"}) {
    EXPECT_NE(v2.find(needle), std::string_view::npos) << needle;
  }
}

TEST(PostgresStoreOptions, ConninfoGetsAConnectTimeoutUnlessItSetsOne) {
  PostgresStoreOptions options;
  options.connect_timeout_seconds = 4;
  options.conninfo = "";
  EXPECT_EQ(effective_conninfo(options), "connect_timeout=4");
  options.conninfo = "host=db port=5433";
  EXPECT_EQ(effective_conninfo(options), "host=db port=5433 connect_timeout=4");
  options.conninfo = "postgresql://u@db/sluice";
  EXPECT_EQ(effective_conninfo(options), "postgresql://u@db/sluice?connect_timeout=4");
  options.conninfo = "postgres://db/sluice?sslmode=require";
  EXPECT_EQ(effective_conninfo(options), "postgres://db/sluice?sslmode=require&connect_timeout=4");
  options.conninfo = "host=db connect_timeout=9";
  EXPECT_EQ(effective_conninfo(options), "host=db connect_timeout=9");
}

sdk::PluginConfig config_with(std::string key, sdk::OptionValue value) {
  sdk::PluginConfig config;
  config.set(std::move(key), std::move(value));
  return config;
}

TEST(PostgresStoreOptions, DefaultsAreUsableAndSchemaIsQuoted) {
  auto options = options_from_config(sdk::PluginConfig{});
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->schema, "sluice");
  EXPECT_EQ(quoted_schema(*options), "\"sluice\"");
  EXPECT_EQ(options->pool_size, 8);
}

TEST(PostgresStoreOptions, ASchemaNameThatIsNotPlainIsRejectedNamingTheKey) {
  for (const char* bad :
       {"", "Upper", "1abc", "a-b", "a\"b", "x234567890123456789012345678901234567890123456789"}) {
    auto options = options_from_config(config_with("schema", std::string(bad)));
    ASSERT_FALSE(options.ok()) << bad;
    EXPECT_EQ(options.code(), sdk::ErrorCode::kInvalidParameterValue);
    EXPECT_NE(options.error().message.find("schema"), std::string::npos);
  }
}

TEST(PostgresStoreOptions, AnUnknownSynchronousCommitValueIsRejected) {
  EXPECT_TRUE(
      options_from_config(config_with("synchronous_commit", std::string("remote_apply"))).ok());
  auto bad = options_from_config(config_with("synchronous_commit", std::string("sometimes")));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("synchronous_commit"), std::string::npos);
}

PgFailure classify(const std::exception_ptr& thrown) {
  try {
    std::rethrow_exception(thrown);
  } catch (...) {
    return classify_current_exception("claim", "q1");
  }
}

TEST(PostgresErrors, TheStoresOwnSqlStatesMapToTheirSpiCodes) {
  const auto code_of = [](const char* state) {
    return classify(std::make_exception_ptr(pqxx::sql_error("ERROR:  x\nCONTEXT: y", "q", state)))
        .error.code;
  };
  EXPECT_EQ(code_of("SL001"), sdk::ErrorCode::kQueueDoesNotExist);
  EXPECT_EQ(code_of("SL003"), sdk::ErrorCode::kOverLimit);
  EXPECT_EQ(code_of("SL004"), sdk::ErrorCode::kConflict);
  EXPECT_EQ(code_of("42601"), sdk::ErrorCode::kInternal);
}

TEST(PostgresErrors, AQueueDeletedMeanwhileAndDeadlocksAreRetried) {
  EXPECT_TRUE(classify(std::make_exception_ptr(pqxx::sql_error("x", "q", "SL002"))).retry);
  EXPECT_TRUE(classify(std::make_exception_ptr(pqxx::deadlock_detected("deadlock"))).retry);
  EXPECT_FALSE(classify(std::make_exception_ptr(pqxx::sql_error("x", "q", "SL001"))).retry);
}

TEST(PostgresErrors, ALostConnectionOrAServerShutdownIsServiceUnavailable) {
  const PgFailure lost =
      classify(std::make_exception_ptr(pqxx::broken_connection("server closed the connection")));
  EXPECT_EQ(lost.error.code, sdk::ErrorCode::kServiceUnavailable);
  EXPECT_TRUE(lost.discard);
  EXPECT_TRUE(lost.unreachable);
  const PgFailure shutdown = classify(std::make_exception_ptr(pqxx::sql_error(
      "FATAL:  terminating connection due to administrator command", "q", "57P01")));
  EXPECT_EQ(shutdown.error.code, sdk::ErrorCode::kServiceUnavailable);
  EXPECT_TRUE(shutdown.discard);
  const PgFailure timeout = classify(std::make_exception_ptr(
      pqxx::sql_error("ERROR:  canceling statement due to statement timeout", "q", "57014")));
  EXPECT_EQ(timeout.error.code, sdk::ErrorCode::kServiceUnavailable);
  EXPECT_FALSE(timeout.discard);
}

TEST(PostgresErrors, PrimaryMessageKeepsTheFirstLineWithoutTheSeverity) {
  EXPECT_EQ(primary_message("ERROR:  queue 'x' does not exist\nCONTEXT:  PL/pgSQL function"),
            "queue 'x' does not exist");
  EXPECT_EQ(primary_message("plain"), "plain");
}

TEST(PostgresErrors, LibpqMessagesBecomeOneLogLine) {
  EXPECT_EQ(one_line("connection to server failed: Connection refused\n\tIs the server running?\n"),
            "connection to server failed: Connection refused Is the server running?");
}

}  // namespace
}  // namespace sluice::plugins::postgres
