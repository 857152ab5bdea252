// sluice_store_conformance: runs the storage conformance kit against any storage plugin file.
//
//   SLUICE_TEST_PLUGIN=/path/to/sluice-storage-x.so SLUICE_TEST_PLUGIN_CONFIG=/path/to/x.toml
//       sluice_store_conformance [gtest flags]
//
// SLUICE_TEST_PLUGIN (required) names the plugin library; SLUICE_TEST_PLUGIN_CONFIG (optional)
// names a TOML file whose top-level keys are the plugin's config section (absent: all defaults).
// The plugin is loaded and checked once, by the core's plugin host, before any test runs; every
// test then gets a fresh store from the plugin's factory with that config. Listing tests
// (--gtest_list_tests, used by CTest discovery) needs neither variable.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "sluice/core/plugin_loader.hpp"
#include "sluice/core/spdlog_logger.hpp"
#include "sluice/testing/queue_store_conformance.hpp"

namespace {

namespace core = sluice::core;
namespace sdk = sluice::sdk;

// The plugin under test, set up once by main() before RUN_ALL_TESTS and read-only afterwards.
struct PluginUnderTest {
  std::shared_ptr<core::LoadedPlugin> plugin;
  sdk::PluginConfig config;
  std::shared_ptr<sdk::Logger> logger;
};

PluginUnderTest& plugin_under_test() {
  static PluginUnderTest instance;
  return instance;
}

struct PluginStoreFactory {
  static std::shared_ptr<sdk::QueueStore> create() {
    const PluginUnderTest& under_test = plugin_under_test();
    if (under_test.plugin == nullptr) {
      ADD_FAILURE() << "no storage plugin is loaded (is SLUICE_TEST_PLUGIN set?)";
      return nullptr;
    }
    auto store =
        core::create_store(under_test.plugin, under_test.config, under_test.logger, "conformance");
    if (!store.ok()) {
      ADD_FAILURE() << "the plugin's factory failed: " << sluice::conformance::describe(store);
      return nullptr;
    }
    return std::move(store).value();
  }
};

// Loads SLUICE_TEST_PLUGIN and its config into plugin_under_test(), or says why it cannot.
bool load_plugin_from_environment() {
  const char* plugin_path = std::getenv("SLUICE_TEST_PLUGIN");
  if (plugin_path == nullptr || *plugin_path == '\0') {
    std::cerr << "sluice_store_conformance: SLUICE_TEST_PLUGIN is not set. Set it to the storage "
                 "plugin to test, e.g.\n  SLUICE_TEST_PLUGIN=build/bin/sluice-storage-memory.so "
                 "sluice_store_conformance\nand optionally SLUICE_TEST_PLUGIN_CONFIG to a TOML "
                 "file holding the plugin's config section.\n";
    return false;
  }
  auto plugin = core::load_plugin(plugin_path, sdk::PluginKind::kStorage);
  if (!plugin.ok()) {
    std::cerr << "sluice_store_conformance: cannot load SLUICE_TEST_PLUGIN: "
              << plugin.error().message << "\n";
    return false;
  }
  std::filesystem::path config_path;
  if (const char* config_env = std::getenv("SLUICE_TEST_PLUGIN_CONFIG");
      config_env != nullptr && *config_env != '\0') {
    config_path = config_env;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(config_path, ec)) {
      std::cerr << "sluice_store_conformance: SLUICE_TEST_PLUGIN_CONFIG names " << config_path
                << ", which is not a readable file\n";
      return false;
    }
  }
  auto config = core::plugin_config_from_toml_file(**plugin, config_path);
  if (!config.ok()) {
    std::cerr << "sluice_store_conformance: bad plugin config: " << config.error().message << "\n";
    return false;
  }
  const sdk::PluginDescriptor& descriptor = (*plugin)->descriptor();
  std::cerr << "sluice_store_conformance: testing storage plugin '" << descriptor.name << "' "
            << descriptor.plugin_version << " from " << (*plugin)->file()
            << (config_path.empty() ? std::string(" with its default config")
                                    : " with config " + config_path.string())
            << "\n";
  PluginUnderTest& under_test = plugin_under_test();
  under_test.plugin = std::move(plugin).value();
  under_test.config = std::move(config).value();
  under_test.logger =
      core::make_stderr_logger(std::string("storage.") + descriptor.name, sdk::LogLevel::kWarn);
  return true;
}

}  // namespace

SLUICE_INSTANTIATE_QUEUE_STORE_CONFORMANCE(Plugin, PluginStoreFactory);

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (GTEST_FLAG_GET(list_tests)) return RUN_ALL_TESTS();
  if (!load_plugin_from_environment()) return 2;
  return RUN_ALL_TESTS();
}
