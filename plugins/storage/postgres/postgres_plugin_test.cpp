// Loads the built plugin module the way the host does (dlopen + the exported descriptor symbol)
// and checks its descriptor, option schema and factory errors. No server needed: the factory is
// pointed at a port nothing listens on.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sluice/sdk/plugin.hpp"

namespace sluice::plugins::postgres {
namespace {

class NullLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel, std::string_view) override {}
  bool enabled(sdk::LogLevel) const override { return false; }
};

std::string module_path() {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() /
          "sluice-storage-postgres.so")
      .string();
}

class PostgresPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    library_ = dlopen(module_path().c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(library_, nullptr) << dlerror();
    using DescriptorFn = const sdk::PluginDescriptor* (*)();
    auto entry = reinterpret_cast<DescriptorFn>(dlsym(library_, sdk::kDescriptorSymbol));
    ASSERT_NE(entry, nullptr) << dlerror();
    descriptor_ = entry();
  }
  void TearDown() override {
    if (library_ != nullptr) dlclose(library_);
  }
  const sdk::OptionSpec* option(std::string_view key) const {
    for (std::size_t i = 0; i < descriptor_->option_count; ++i) {
      if (descriptor_->options[i].key == key) return &descriptor_->options[i];
    }
    return nullptr;
  }
  // A config with every schema default, as the host would build it, plus `conninfo`.
  sdk::PluginConfig defaults_with(std::string conninfo) const {
    sdk::PluginConfig config;
    config.set("conninfo", std::move(conninfo));
    config.set("schema", std::string("sluice"));
    config.set("pool_size", std::int64_t{2});
    config.set("acquire_timeout_ms", std::int64_t{1000});
    config.set("connect_timeout_seconds", std::int64_t{2});
    config.set("reconnect_interval_ms", std::int64_t{100});
    config.set("statement_timeout_ms", std::int64_t{1000});
    config.set("synchronous_commit", std::string());
    config.set("application_name", std::string("test"));
    return config;
  }

  void* library_ = nullptr;
  const sdk::PluginDescriptor* descriptor_ = nullptr;
  NullLogger logger_;
};

TEST_F(PostgresPluginTest, DescriptorIsAStoragePostgresPluginBuiltLikeTheHost) {
  EXPECT_EQ(descriptor_->abi_version, sdk::kAbiVersion);
  EXPECT_EQ(descriptor_->kind, sdk::PluginKind::kStorage);
  EXPECT_EQ(std::string(descriptor_->name), "postgres");
  const sdk::BuildFingerprint host = SLUICE_BUILD_FINGERPRINT;
  EXPECT_EQ(std::string(descriptor_->fingerprint.compiler), host.compiler);
  EXPECT_EQ(descriptor_->fingerprint.boost_version, host.boost_version);
  ASSERT_NE(descriptor_->create_storage, nullptr);
  EXPECT_EQ(descriptor_->create_protocol, nullptr);
}

TEST_F(PostgresPluginTest, SchemaDeclaresConninfoSchemaAndPoolWithTheirDefaults) {
  ASSERT_NE(option("conninfo"), nullptr);
  EXPECT_EQ(std::string(option("conninfo")->default_value), "\"\"");
  ASSERT_NE(option("schema"), nullptr);
  EXPECT_EQ(std::string(option("schema")->default_value), "\"sluice\"");
  ASSERT_NE(option("pool_size"), nullptr);
  EXPECT_EQ(std::string(option("pool_size")->default_value), "8");
  EXPECT_EQ(option("pool_size")->min_int, 1);
  ASSERT_NE(option("synchronous_commit"), nullptr);
}

TEST_F(PostgresPluginTest, FactoryReportsAnUnreachableServerAsServiceUnavailable) {
  const auto config = defaults_with("host=127.0.0.1 port=1 user=nobody dbname=none");
  auto store = descriptor_->create_storage(sdk::PluginContext{config, logger_, "postgres"});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), sdk::ErrorCode::kServiceUnavailable);
  EXPECT_EQ(store.error().message.rfind("cannot connect to PostgreSQL: ", 0), 0u)
      << store.error().message;
}

TEST_F(PostgresPluginTest, FactoryRejectsASchemaNameThatIsNotPlain) {
  auto config = defaults_with("host=127.0.0.1 port=1");
  config.set("schema", std::string("Robert'); DROP TABLE students;--"));
  auto store = descriptor_->create_storage(sdk::PluginContext{config, logger_, "postgres"});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), sdk::ErrorCode::kInvalidParameterValue);
  EXPECT_NE(store.error().message.find("schema"), std::string::npos);
}

}  // namespace
}  // namespace sluice::plugins::postgres
