// A plugin's library stays loaded while any object it made lives, and is unloaded after the last
// one goes, whatever order the host drops its references in.
#include <dlfcn.h>

#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sluice/core/plugin_loader.hpp"

namespace sluice::core {
namespace {

class CapturingLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel, std::string_view message) override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(message);
  }
  bool enabled(sdk::LogLevel) const override { return true; }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

bool library_is_loaded(const char* path) {
  void* handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  dlclose(handle);
  return true;
}

std::shared_ptr<LoadedPlugin> load_schema_plugin() {
  auto loaded = load_plugin(SCHEMA_PLUGIN_PATH, sdk::PluginKind::kProtocol);
  EXPECT_TRUE(loaded.ok()) << loaded.error().message;
  return loaded.ok() ? *loaded : nullptr;
}

TEST(PluginLifetime, ObjectKeepsItsLibraryLoadedAfterTheHostDropsThePlugin) {
  auto plugin = load_schema_plugin();
  ASSERT_TRUE(plugin);
  auto logger = std::make_shared<CapturingLogger>();
  auto front_end = create_protocol(plugin, sdk::PluginConfig{}, logger, "protocol.schema");
  ASSERT_TRUE(front_end.ok()) << front_end.error().message;
  std::weak_ptr<LoadedPlugin> weak = plugin;
  plugin.reset();

  EXPECT_FALSE(weak.expired());
  EXPECT_TRUE(library_is_loaded(SCHEMA_PLUGIN_PATH));
  (*front_end)->stop();  // plugin code, logging through the logger the host handed it
  EXPECT_EQ(logger->lines().back(), "stopped protocol.schema");
}

TEST(PluginLifetime, LibraryIsUnloadedWhenTheLastObjectGoes) {
  auto plugin = load_schema_plugin();
  ASSERT_TRUE(plugin);
  auto front_end = create_protocol(plugin, sdk::PluginConfig{}, nullptr, "protocol.schema");
  ASSERT_TRUE(front_end.ok()) << front_end.error().message;
  std::weak_ptr<LoadedPlugin> weak = plugin;
  plugin.reset();
  front_end = std::shared_ptr<sdk::ProtocolFrontEnd>();

  EXPECT_TRUE(weak.expired());
  EXPECT_FALSE(library_is_loaded(SCHEMA_PLUGIN_PATH));
}

TEST(PluginLifetime, PluginSeesItsConfigAndInstanceNameThroughItsContext) {
  auto plugin = load_schema_plugin();
  ASSERT_TRUE(plugin);
  sdk::PluginConfig config;
  config.set("host", std::string("0.0.0.0"));
  config.set("port", std::int64_t{4000});
  config.set("verbose", true);
  config.set("ratio", 0.25);
  config.set("users", std::vector<std::string>{"ann", "bob"});
  auto logger = std::make_shared<CapturingLogger>();
  auto front_end = create_protocol(plugin, config, logger, "protocol.edge");
  ASSERT_TRUE(front_end.ok()) << front_end.error().message;
  ASSERT_FALSE(logger->lines().empty());
  EXPECT_EQ(logger->lines().front(),
            "created protocol.edge host=0.0.0.0 port=4000 verbose=true ratio=0.250000 "
            "users=ann;bob;");
}

}  // namespace
}  // namespace sluice::core
