// Loads the built plugin module the way the host does (dlopen + the exported descriptor symbol)
// and checks its descriptor, option schema and factory, including a factory error.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "rocksdb_test_dir.hpp"
#include "sluice/sdk/plugin.hpp"

namespace sluice::plugins::rocksdb::testing {
namespace {

class NullLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel, std::string_view) override {}
  bool enabled(sdk::LogLevel) const override { return false; }
};

std::string module_path() {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() /
          "sluice-storage-rocksdb.so")
      .string();
}

class RocksDbPluginTest : public ::testing::Test {
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

  void* library_ = nullptr;
  const sdk::PluginDescriptor* descriptor_ = nullptr;
  NullLogger logger_;
};

TEST_F(RocksDbPluginTest, DescriptorIsAStorageRocksdbPluginBuiltLikeTheHost) {
  EXPECT_EQ(descriptor_->abi_version, sdk::kAbiVersion);
  EXPECT_EQ(descriptor_->kind, sdk::PluginKind::kStorage);
  EXPECT_EQ(std::string(descriptor_->name), "rocksdb");
  const sdk::BuildFingerprint host = SLUICE_BUILD_FINGERPRINT;
  EXPECT_EQ(std::string(descriptor_->fingerprint.compiler), host.compiler);
  EXPECT_EQ(descriptor_->fingerprint.protobuf_version, host.protobuf_version);
  ASSERT_NE(descriptor_->create_storage, nullptr);
  EXPECT_EQ(descriptor_->create_protocol, nullptr);
}

TEST_F(RocksDbPluginTest, SchemaDeclaresPathSyncAndSizesWithTheirDefaults) {
  ASSERT_NE(option("path"), nullptr);
  EXPECT_EQ(std::string(option("path")->default_value), "\"data/rocksdb\"");
  ASSERT_NE(option("sync"), nullptr);
  EXPECT_EQ(std::string(option("sync")->default_value), "true");
  ASSERT_NE(option("block_cache_mb"), nullptr);
  EXPECT_EQ(std::string(option("block_cache_mb")->default_value), "64");
  ASSERT_NE(option("write_buffer_mb"), nullptr);
  EXPECT_EQ(std::string(option("write_buffer_mb")->default_value), "64");
}

TEST_F(RocksDbPluginTest, FactoryOpensAWorkingStoreAtTheConfiguredPath) {
  ScratchDirectory dir;
  sdk::PluginConfig config;
  config.set("path", dir.sub("db"));
  config.set("sync", true);
  config.set("block_cache_mb", std::int64_t{8});
  config.set("write_buffer_mb", std::int64_t{4});
  {
    auto store = descriptor_->create_storage(sdk::PluginContext{config, logger_, "rocksdb"});
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_TRUE((*store)->create_queue(sdk::QueueRecord{"q", false, 1, 0, ""}).ok());
    EXPECT_TRUE((*store)->get_queue("q").ok());
  }  // the store is destroyed before its code is unloaded
  EXPECT_TRUE(std::filesystem::exists(dir.sub("db") + "/CURRENT"));
}

TEST_F(RocksDbPluginTest, FactoryReportsAnUnopenableDatabaseAsAnErrorValue) {
  ScratchDirectory dir;
  sdk::PluginConfig config;
  config.set("path", dir.sub("db"));
  auto first = descriptor_->create_storage(sdk::PluginContext{config, logger_, "rocksdb"});
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = descriptor_->create_storage(sdk::PluginContext{config, logger_, "rocksdb"});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message.rfind("cannot open RocksDB at " + dir.sub("db") + ": ", 0), 0u)
      << second.error().message;
}

}  // namespace
}  // namespace sluice::plugins::rocksdb::testing
