// A plugin's config section is checked against the option schema in its descriptor: unknown keys,
// wrong types and out-of-range integers are refused with "<file>:<line>: <key>: <reason>", and
// absent keys get the schema's defaults.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "sluice/core/config.hpp"
#include "sluice/core/plugin_loader.hpp"

namespace sluice::core {
namespace {

class PluginOptions : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = load_plugin(SCHEMA_PLUGIN_PATH, sdk::PluginKind::kProtocol);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    plugin_ = *loaded;
    dir_ = std::filesystem::temp_directory_path() /
           ("sluice-plugin-options-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    file_ = dir_ / "schema.toml";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `text` as the plugin's section file and validates it.
  sdk::Result<sdk::PluginConfig> configure(const std::string& text) {
    std::ofstream(file_) << text;
    return plugin_config_from_toml_file(*plugin_, file_);
  }
  std::string error_of(const std::string& text) {
    auto config = configure(text);
    EXPECT_FALSE(config.ok());
    return config.ok() ? "(accepted)" : config.error().message;
  }

  std::shared_ptr<LoadedPlugin> plugin_;
  std::filesystem::path dir_;
  std::filesystem::path file_;
};

TEST_F(PluginOptions, MissingFileMeansEveryDefault) {
  auto config = plugin_config_from_toml_file(*plugin_, dir_ / "absent.toml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->get_string("host"), "127.0.0.1");
  EXPECT_EQ(config->get_int("port"), 9324);
  EXPECT_FALSE(config->get_bool("verbose", true));
  EXPECT_DOUBLE_EQ(config->get_double("ratio"), 0.5);
  EXPECT_EQ(config->get_string_list("users"), std::vector<std::string>{"guest"});
  EXPECT_EQ(config->values().size(), 5u);
}

TEST_F(PluginOptions, GivenValuesReplaceDefaultsAndOthersStayDefaulted) {
  auto config = configure("port = 8080\nusers = [\"ann\", \"bob\"]\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->get_int("port"), 8080);
  EXPECT_EQ(config->get_string_list("users"), (std::vector<std::string>{"ann", "bob"}));
  EXPECT_EQ(config->get_string("host"), "127.0.0.1");
}

TEST_F(PluginOptions, UnknownKeyIsRefusedWithFileLineAndKey) {
  EXPECT_EQ(
      error_of("port = 1\n\nbogus = true\n"),
      file_.string() + ":3: bogus: unknown key (known keys: host, port, verbose, ratio, users)");
}

TEST_F(PluginOptions, WrongTypeIsRefused) {
  EXPECT_EQ(error_of("port = \"80\"\n"),
            file_.string() + ":1: port: expected integer, found string");
}

TEST_F(PluginOptions, OutOfRangeIntegerIsRefused) {
  EXPECT_EQ(error_of("verbose = true\nport = 70000\n"),
            file_.string() + ":2: port: out of range: expected 1..65535, found 70000");
}

TEST_F(PluginOptions, ListWithANonStringElementIsRefused) {
  EXPECT_EQ(error_of("users = [\"ann\", 3]\n"),
            file_.string() +
                ":1: users: expected array of strings, found array with non-string elements");
}

TEST_F(PluginOptions, IntegerIsAcceptedWhereAFloatIsExpected) {
  auto config = configure("ratio = 1\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_DOUBLE_EQ(config->get_double("ratio"), 1.0);
}

TEST_F(PluginOptions, SyntaxErrorIsReportedWithItsLine) {
  const std::string error = error_of("port = 1\nhost = \n");
  EXPECT_EQ(error.rfind(file_.string() + ":2: syntax error: ", 0), 0u) << error;
}

TEST_F(PluginOptions, FirstProblemInTheFileIsTheOneReported) {
  // toml++ orders keys by name; the report follows the file.
  EXPECT_EQ(
      error_of("zzz = 1\naaa = 2\n"),
      file_.string() + ":1: zzz: unknown key (known keys: host, port, verbose, ratio, users)");
}

// --- validate_plugin_options with sections built by hand ---------------------------------------

RawOption raw(std::string key, std::uint32_t line, std::string type, sdk::OptionValue value) {
  return RawOption{std::move(key), line, std::move(type), std::move(value)};
}

TEST(ValidatePluginOptions, RequiredKeyMissingIsReportedAtTheSectionLine) {
  const sdk::OptionSpec schema[] = {{"path", sdk::OptionType::kString, nullptr, "data folder"}};
  PluginSection section{"rocksdb", "storage.rocksdb", 12, {}};
  auto config = validate_plugin_options(schema, section, "/etc/sluice.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            "/etc/sluice.toml:12: storage.rocksdb.path: required key is missing");
}

TEST(ValidatePluginOptions, KeysInASectionAreReportedWithTheirDottedPath) {
  const sdk::OptionSpec schema[] = {{"port", sdk::OptionType::kInt, "1", "port", 1, 10}};
  PluginSection section{"sqs", "protocol.sqs", 4, {raw("port", 5, "integer", std::int64_t{11})}};
  auto config = validate_plugin_options(schema, section, "/etc/sluice.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            "/etc/sluice.toml:5: protocol.sqs.port: out of range: expected 1..10, found 11");
}

TEST(ValidatePluginOptions, MalformedDefaultIsBlamedOnThePluginSchema) {
  const sdk::OptionSpec schema[] = {{"size", sdk::OptionType::kInt, "\"big\"", "size"}};
  PluginSection section{"x", "storage.x", 2, {}};
  auto config = validate_plugin_options(schema, section, "/etc/sluice.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            "/etc/sluice.toml:2: storage.x.size: invalid default in the plugin's schema: \"big\"");
}

TEST(ValidatePluginOptions, APluginWithoutOptionsRefusesAnyKey) {
  PluginSection section{
      "memory", "storage.memory", 3, {raw("size", 4, "integer", std::int64_t{1})}};
  auto config = validate_plugin_options({}, section, "/etc/sluice.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            "/etc/sluice.toml:4: storage.memory.size: unknown key (this plugin takes no options)");
}

TEST(ValidatePluginOptions, ATableWhereAValueIsExpectedIsAWrongType) {
  const sdk::OptionSpec schema[] = {{"tls", sdk::OptionType::kBool, "false", "use TLS"}};
  RawOption table_option{"tls", 7, "table", std::nullopt};
  PluginSection section{"sqs", "protocol.sqs", 6, {table_option}};
  auto config = validate_plugin_options(schema, section, "/etc/sluice.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            "/etc/sluice.toml:7: protocol.sqs.tls: expected boolean, found table");
}

}  // namespace
}  // namespace sluice::core
