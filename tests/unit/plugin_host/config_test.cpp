// sluice.toml: every key of [broker] reaches BrokerOptions or HostOptions, plugin sections are
// kept with their lines, and every problem is one line "<file>:<line>: <key>: <reason>".
#include <gtest/gtest.h>

#include "sluice/core/config.hpp"

namespace sluice::core {
namespace {

const std::filesystem::path kFile = "/etc/sluice/sluice.toml";

std::string error_of(std::string_view text) {
  auto config = parse_config(text, kFile);
  EXPECT_FALSE(config.ok());
  if (config.ok()) return "(accepted)";
  EXPECT_EQ(config.code(), sdk::ErrorCode::kInvalidParameterValue);
  return config.error().message;
}

TEST(Config, EmptyFileGivesEveryDefault) {
  auto config = parse_config("", kFile);
  ASSERT_TRUE(config.ok()) << config.error().message;
  const BrokerOptions defaults;
  EXPECT_EQ(config->storage, "memory");
  EXPECT_EQ(config->broker.region, defaults.region);
  EXPECT_EQ(config->broker.storage_threads, defaults.storage_threads);
  EXPECT_EQ(config->broker.dedup_window, defaults.dedup_window);
  EXPECT_TRUE(config->host.plugin_dirs.empty());
  EXPECT_EQ(config->host.log_level, sdk::LogLevel::kInfo);
  EXPECT_TRUE(config->protocols.empty());
}

TEST(Config, BrokerSectionSetsEveryBrokerOption) {
  auto config = parse_config(R"([broker]
region = "eu-west-2"
account_id = "123456789012"
storage_threads = 8
receipt_secret = "0123456789abcdef"
in_flight_limit = 20000
sweep_interval_ms = 1000
long_poll_recheck_ms = 50
max_append_batch = 64
queue_recreate_delay_ms = 0
purge_interval_ms = 10
dedup_window_ms = 60000
)",
                             kFile);
  ASSERT_TRUE(config.ok()) << config.error().message;
  const BrokerOptions& b = config->broker;
  EXPECT_EQ(b.region, "eu-west-2");
  EXPECT_EQ(b.account_id, "123456789012");
  EXPECT_EQ(b.storage_threads, 8u);
  EXPECT_EQ(b.receipt_secret, "0123456789abcdef");
  EXPECT_EQ(b.in_flight_limit, 20000u);
  EXPECT_EQ(b.sweep_interval, sdk::Millis(1000));
  EXPECT_EQ(b.long_poll_recheck, sdk::Millis(50));
  EXPECT_EQ(b.max_append_batch, 64u);
  EXPECT_EQ(b.queue_recreate_delay, sdk::Millis(0));
  EXPECT_EQ(b.purge_interval, sdk::Millis(10));
  EXPECT_EQ(b.dedup_window, sdk::Millis(60000));
}

TEST(Config, BrokerSectionSetsTheHostOptions) {
  auto config = parse_config(
      "[broker]\nlog_level = \"debug\"\nplugin_dirs = [\"plugins\", "
      "\"/opt/sluice/lib\", \"../lib\"]\n",
      kFile);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->host.log_level, sdk::LogLevel::kDebug);
  EXPECT_EQ(config->host.plugin_dirs, (std::vector<std::filesystem::path>{
                                          "/etc/sluice/plugins", "/opt/sluice/lib", "/etc/lib"}));
}

TEST(Config, UnknownTopLevelKeyNamesFileLineAndKey) {
  EXPECT_EQ(error_of("[broker]\nregion = \"us-east-1\"\n\n[brokr]\n"),
            "/etc/sluice/sluice.toml:4: brokr: unknown key (expected [broker], [storage] or "
            "[protocol.<name>])");
}

TEST(Config, UnknownBrokerKeyNamesTheDottedKey) {
  EXPECT_EQ(error_of("[broker]\nstorage_thread = 4\n"),
            "/etc/sluice/sluice.toml:2: broker.storage_thread: unknown key");
}

TEST(Config, WrongTypeNamesExpectedAndFound) {
  EXPECT_EQ(error_of("[broker]\nstorage_threads = \"4\"\n"),
            "/etc/sluice/sluice.toml:2: broker.storage_threads: expected integer, found string");
}

TEST(Config, OutOfRangeIntegerNamesTheRange) {
  EXPECT_EQ(error_of("[broker]\nmax_append_batch = 0\n"),
            "/etc/sluice/sluice.toml:2: broker.max_append_batch: out of range: expected 1..100000, "
            "found 0");
}

TEST(Config, BadLogLevelListsTheLevels) {
  EXPECT_EQ(error_of("[broker]\nlog_level = \"loud\"\n"),
            "/etc/sluice/sluice.toml:2: broker.log_level: expected one of trace, debug, info, "
            "warn, error, found \"loud\"");
}

TEST(Config, AccountIdMustBeTwelveDigits) {
  EXPECT_EQ(error_of("[broker]\naccount_id = \"12345\"\n"),
            "/etc/sluice/sluice.toml:2: broker.account_id: expected 12 digits, found \"12345\"");
}

TEST(Config, ShortReceiptSecretIsRefused) {
  EXPECT_EQ(error_of("[broker]\nreceipt_secret = \"abc\"\n"),
            "/etc/sluice/sluice.toml:2: broker.receipt_secret: too short: expected at least 16 "
            "characters (or empty for a random per-process key), found 3");
}

TEST(Config, SyntaxErrorHasTheSameShape) {
  const std::string error = error_of("[broker]\nregion = \"us-east-1\nstorage_threads = 2\n");
  EXPECT_EQ(error.rfind("/etc/sluice/sluice.toml:2: syntax error: ", 0), 0u) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(Config, FirstProblemInFileOrderIsReported) {
  EXPECT_EQ(error_of("[broker]\nstorage_threads = 0\nmax_append_batch = 0\n"),
            "/etc/sluice/sluice.toml:2: broker.storage_threads: out of range: expected 1..256, "
            "found 0");
}

TEST(Config, StoragePluginIsSelectedInTheStorageTable) {
  auto config = parse_config(
      "[storage]\nplugin = \"rocksdb\"\n\n[storage.rocksdb]\npath = \"data\"\nsync = true\n",
      kFile);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->storage, "rocksdb");
  EXPECT_EQ(config->storage_line, 2u);
  const PluginSection section = config->selected_storage_section();
  EXPECT_EQ(section.dotted_path, "storage.rocksdb");
  EXPECT_EQ(section.line, 4u);
  ASSERT_EQ(section.options.size(), 2u);
  EXPECT_EQ(section.options[0].key, "path");
  EXPECT_EQ(section.options[0].line, 5u);
  EXPECT_EQ(section.options[0].toml_type, "string");
  EXPECT_EQ(section.options[1].key, "sync");
  EXPECT_EQ(section.options[1].value, sdk::OptionValue(true));
}

TEST(Config, SelectedStorageWithoutASectionGetsAnEmptyOneAtTheSelectorLine) {
  auto config = parse_config("\n[storage]\nplugin = \"redis\"\n[storage.memory]\n", kFile);
  ASSERT_TRUE(config.ok()) << config.error().message;
  const PluginSection section = config->selected_storage_section();
  EXPECT_EQ(section.name, "redis");
  EXPECT_EQ(section.line, 3u);
  EXPECT_TRUE(section.options.empty());
}

TEST(Config, TopLevelStorageStringIsRefusedWithAHint) {
  EXPECT_EQ(error_of("storage = \"memory\"\n"),
            "/etc/sluice/sluice.toml:1: storage: expected a table, found string (select the "
            "plugin with [storage] plugin = \"...\")");
}

TEST(Config, UnknownKeyInTheStorageTableIsRefused) {
  EXPECT_EQ(error_of("[storage]\nplugin = \"memory\"\nengine = \"x\"\n"),
            "/etc/sluice/sluice.toml:3: storage.engine: unknown key (expected `plugin` or a "
            "[storage.<name>] section)");
}

TEST(Config, ProtocolSectionsKeepEnabledApartFromThePluginOptions) {
  auto config = parse_config(
      "[protocol.sqs]\nenabled = true\nport = 9324\n\n[protocol.amqp]\nenabled = false\n", kFile);
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->protocols.size(), 2u);
  const ProtocolConfig& sqs = config->protocols[0];
  EXPECT_EQ(sqs.section.name, "sqs");
  EXPECT_TRUE(sqs.enabled);
  ASSERT_EQ(sqs.section.options.size(), 1u);
  EXPECT_EQ(sqs.section.options[0].key, "port");
  EXPECT_EQ(config->protocols[1].section.name, "amqp");
  EXPECT_FALSE(config->protocols[1].enabled);
}

TEST(Config, ProtocolSectionWithoutEnabledIsEnabled) {
  auto config = parse_config("[protocol.sqs]\nport = 9324\n", kFile);
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->protocols.size(), 1u);
  EXPECT_TRUE(config->protocols[0].enabled);
}

TEST(Config, ProtocolEnabledMustBeABoolean) {
  EXPECT_EQ(error_of("[protocol.sqs]\nenabled = \"yes\"\n"),
            "/etc/sluice/sluice.toml:2: protocol.sqs.enabled: expected boolean, found string");
}

TEST(Config, ProtocolEntryMustBeASection) {
  EXPECT_EQ(error_of("[protocol]\nsqs = true\n"),
            "/etc/sluice/sluice.toml:2: protocol.sqs: expected a [protocol.<name>] section, found "
            "boolean");
}

TEST(Config, MissingFileIsNotFoundAndNamesTheFile) {
  auto config = load_config("/nonexistent/sluice.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.code(), sdk::ErrorCode::kNotFound);
  EXPECT_EQ(config.error().message,
            "/nonexistent/sluice.toml: cannot read config file: No such file or directory");
}

TEST(Config, ShippedDefaultConfigLoads) {
  auto config = load_config(SLUICE_DEFAULT_CONFIG);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->storage, "rocksdb");
  EXPECT_TRUE(config->host.plugin_dirs.empty());
}

TEST(Config, LogLevelNamesRoundTrip) {
  for (auto level : {sdk::LogLevel::kTrace, sdk::LogLevel::kDebug, sdk::LogLevel::kInfo,
                     sdk::LogLevel::kWarn, sdk::LogLevel::kError}) {
    EXPECT_EQ(parse_log_level(log_level_name(level)), level);
  }
  EXPECT_EQ(parse_log_level("INFO"), std::nullopt);
}

}  // namespace
}  // namespace sluice::core
