// Loads the built plugin module the way the host does (dlopen + the exported descriptor symbol)
// and checks its descriptor and factory.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sluice/sdk/plugin.hpp"

namespace sluice::plugins::memory::testing {
namespace {

class NullLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel, std::string_view) override {}
  bool enabled(sdk::LogLevel) const override { return false; }
};

// The module is built next to this test binary (both land in <build>/bin).
std::string module_path() {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() /
          "sluice-storage-memory.so")
      .string();
}

TEST(MemoryPluginTest, ModuleExportsAStorageDescriptorThatCreatesAWorkingStore) {
  void* library = dlopen(module_path().c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr) << dlerror();
  using DescriptorFn = const sdk::PluginDescriptor* (*)();
  auto entry = reinterpret_cast<DescriptorFn>(dlsym(library, sdk::kDescriptorSymbol));
  ASSERT_NE(entry, nullptr) << dlerror();
  const sdk::PluginDescriptor* descriptor = entry();

  EXPECT_EQ(descriptor->abi_version, sdk::kAbiVersion);
  EXPECT_EQ(std::string(descriptor->sdk_version), sdk::kSdkVersion);
  EXPECT_EQ(descriptor->kind, sdk::PluginKind::kStorage);
  EXPECT_EQ(std::string(descriptor->name), "memory");
  EXPECT_EQ(std::string(descriptor->status), "stable");
  EXPECT_NE(std::string(descriptor->description).find("NOT durable"), std::string::npos);
  const sdk::BuildFingerprint host = SLUICE_BUILD_FINGERPRINT;
  EXPECT_EQ(std::string(descriptor->fingerprint.compiler), host.compiler);
  EXPECT_EQ(descriptor->fingerprint.boost_version, host.boost_version);
  EXPECT_EQ(descriptor->create_protocol, nullptr);
  ASSERT_NE(descriptor->create_storage, nullptr);

  sdk::PluginConfig config;
  NullLogger logger;
  {
    auto store = descriptor->create_storage(sdk::PluginContext{config, logger, "memory"});
    ASSERT_TRUE(store.ok());
    EXPECT_TRUE((*store)->create_queue(sdk::QueueRecord{"q", false, 1, 0, ""}).ok());
    EXPECT_TRUE((*store)->get_queue("q").ok());
  }  // the store is destroyed before its code is unloaded
  dlclose(library);
}

}  // namespace
}  // namespace sluice::plugins::memory::testing
