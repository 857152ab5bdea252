// Loads the built plugin module the way the host does (dlopen + the exported descriptor symbol)
// and checks its descriptor, option schema and factory errors. Needs no Redis: the factory is
// pointed at a loopback port nobody listens on.
#include <arpa/inet.h>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "sluice/sdk/plugin.hpp"

namespace sluice::plugins::redis {
namespace {

class NullLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel, std::string_view) override {}
  bool enabled(sdk::LogLevel) const override { return false; }
};

std::string module_path() {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "sluice-storage-redis.so")
      .string();
}

// A loopback port that was free a moment ago: bound, then closed.
int unused_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

class RedisPluginTest : public ::testing::Test {
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
  sdk::Result<std::unique_ptr<sdk::QueueStore>> create(const sdk::PluginConfig& config) {
    sdk::PluginContext context{config, logger_, "storage.redis"};
    return descriptor_->create_storage(context);
  }

  void* library_ = nullptr;
  const sdk::PluginDescriptor* descriptor_ = nullptr;
  NullLogger logger_;
};

TEST_F(RedisPluginTest, DescriptorIsAStorageRedisPluginBuiltLikeTheHost) {
  EXPECT_EQ(descriptor_->abi_version, sdk::kAbiVersion);
  EXPECT_EQ(descriptor_->kind, sdk::PluginKind::kStorage);
  EXPECT_EQ(std::string(descriptor_->name), "redis");
  const sdk::BuildFingerprint host = SLUICE_BUILD_FINGERPRINT;
  EXPECT_EQ(std::string(descriptor_->fingerprint.compiler), host.compiler);
  EXPECT_EQ(descriptor_->fingerprint.protobuf_version, host.protobuf_version);
  ASSERT_NE(descriptor_->create_storage, nullptr);
  EXPECT_EQ(descriptor_->create_protocol, nullptr);
  EXPECT_GE(descriptor_->option_count, 12u);
}

TEST_F(RedisPluginTest, FactoryRefusesTlsWithAConfigError) {
  sdk::PluginConfig config;
  config.set("tls", true);
  auto store = create(config);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), sdk::ErrorCode::kInvalidParameterValue);
  EXPECT_NE(store.error().message.find("tls"), std::string::npos);
}

TEST_F(RedisPluginTest, FactoryFailsFastWithServiceUnavailableWhenRedisIsUnreachable) {
  sdk::PluginConfig config;
  config.set("port", std::int64_t{unused_port()});
  const auto started = std::chrono::steady_clock::now();
  auto store = create(config);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), sdk::ErrorCode::kServiceUnavailable);
  EXPECT_NE(store.error().message.find("127.0.0.1:"), std::string::npos) << store.error().message;
  EXPECT_LT(took, std::chrono::seconds(2));
}

}  // namespace
}  // namespace sluice::plugins::redis
