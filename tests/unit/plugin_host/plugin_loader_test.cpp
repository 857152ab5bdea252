// The loader refuses every kind of wrong plugin with one line naming the file, what it expected
// and what it found, and accepts a real one.
#include <gtest/gtest.h>

#include <boost/version.hpp>

#include "sluice/core/plugin_loader.hpp"

namespace sluice::core {
namespace {

std::string boost_version_text() {
  return std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
         "." + std::to_string(BOOST_VERSION % 100);
}

std::string refusal(const std::optional<sdk::PluginKind>& kind, const char* path) {
  auto loaded = load_plugin(path, kind);
  EXPECT_FALSE(loaded.ok());
  return loaded.ok() ? std::string("(loaded)") : loaded.error().message;
}

TEST(PluginLoader, RefusesAnotherAbiVersionNamingFileExpectedAndFound) {
  EXPECT_EQ(
      refusal(sdk::PluginKind::kStorage, ABI99_PLUGIN_PATH),
      std::string("plugin ") + ABI99_PLUGIN_PATH + ": ABI version mismatch: expected 1, found 99");
}

TEST(PluginLoader, ChecksTheAbiVersionBeforeAnythingElse) {
  // That descriptor has a junk kind, null strings and no factory: only the ABI may be reported,
  // whatever kind is expected.
  EXPECT_EQ(
      refusal(std::nullopt, ABI99_PLUGIN_PATH),
      std::string("plugin ") + ABI99_PLUGIN_PATH + ": ABI version mismatch: expected 1, found 99");
}

TEST(PluginLoader, RefusesAnotherSdkMinorVersion) {
  EXPECT_EQ(refusal(sdk::PluginKind::kStorage, SDK9_PLUGIN_PATH),
            std::string("plugin ") + SDK9_PLUGIN_PATH +
                ": SDK version mismatch: expected 0.1.x, found 9.0.0");
}

TEST(PluginLoader, RefusesAPluginOfAnotherKindThanExpected) {
  EXPECT_EQ(refusal(sdk::PluginKind::kStorage, WRONG_KIND_PLUGIN_PATH),
            std::string("plugin ") + WRONG_KIND_PLUGIN_PATH +
                ": kind mismatch: expected storage, found protocol");
}

TEST(PluginLoader, RefusesAPluginBuiltAgainstAnotherBoost) {
  EXPECT_EQ(refusal(sdk::PluginKind::kStorage, OLD_BOOST_PLUGIN_PATH),
            std::string("plugin ") + OLD_BOOST_PLUGIN_PATH +
                ": build fingerprint mismatch: expected Boost " + boost_version_text() +
                ", found Boost 0.0.0");
}

TEST(PluginLoader, RefusesAPluginWithoutAFactoryForItsKind) {
  EXPECT_EQ(refusal(sdk::PluginKind::kStorage, NULL_FACTORY_PLUGIN_PATH),
            std::string("plugin ") + NULL_FACTORY_PLUGIN_PATH +
                ": missing factory: expected create_storage set for a storage plugin, found null");
}

TEST(PluginLoader, RefusalsAreOneLine) {
  for (const char* path : {ABI99_PLUGIN_PATH, SDK9_PLUGIN_PATH, WRONG_KIND_PLUGIN_PATH,
                           OLD_BOOST_PLUGIN_PATH, NULL_FACTORY_PLUGIN_PATH}) {
    EXPECT_EQ(refusal(sdk::PluginKind::kStorage, path).find('\n'), std::string::npos) << path;
  }
}

TEST(PluginLoader, ReportsAMissingFileAsNotFound) {
  auto loaded = load_plugin("/nonexistent/sluice-storage-x.so", sdk::PluginKind::kStorage);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.code(), sdk::ErrorCode::kNotFound);
  EXPECT_EQ(loaded.error().message,
            "plugin /nonexistent/sluice-storage-x.so: cannot load: no such file");
}

TEST(PluginLoader, ReportsAFileThatIsNotALibraryWithTheLinkerMessage) {
  auto loaded = load_plugin(SLUICE_DEFAULT_CONFIG, std::nullopt);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message.rfind(
                std::string("plugin ") + SLUICE_DEFAULT_CONFIG + ": cannot load: ", 0),
            0u)
      << loaded.error().message;
}

TEST(PluginLoader, LoadsTheMemoryStoreAndReportsItsDescriptor) {
  auto loaded = load_plugin(MEMORY_PLUGIN_PATH, sdk::PluginKind::kStorage);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const PluginInfo info = (*loaded)->info();
  EXPECT_EQ(info.kind, sdk::PluginKind::kStorage);
  EXPECT_EQ(info.name, "memory");
  EXPECT_EQ(info.file, std::filesystem::path(MEMORY_PLUGIN_PATH));
  EXPECT_FALSE(info.version.empty());
  EXPECT_FALSE(info.status.empty());
}

TEST(PluginLoader, CreatesAWorkingStoreFromTheMemoryPlugin) {
  auto loaded = load_plugin(MEMORY_PLUGIN_PATH, sdk::PluginKind::kStorage);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  auto config = plugin_config_from_toml_file(**loaded, "/nonexistent/memory.toml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto store = create_store(*loaded, *config, nullptr, "storage.memory");
  ASSERT_TRUE(store.ok()) << store.error().message;

  sdk::QueueRecord queue;
  queue.name = "orders";
  queue.generation = 7;
  ASSERT_TRUE((*store)->create_queue(queue).ok());
  auto read = (*store)->get_queue("orders");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->name, "orders");
}

TEST(PluginLoader, RefusesToCreateAStoreFromAProtocolPlugin) {
  auto loaded = load_plugin(SCHEMA_PLUGIN_PATH, sdk::PluginKind::kProtocol);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  auto store = create_store(*loaded, sdk::PluginConfig{}, nullptr, "storage.schema");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().message, std::string("plugin ") + SCHEMA_PLUGIN_PATH +
                                       ": kind mismatch: expected storage, found protocol");
}

TEST(PluginLoader, PassesAFactoryErrorOnWithThePluginFile) {
  auto loaded = load_plugin(WRONG_KIND_PLUGIN_PATH, sdk::PluginKind::kProtocol);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  auto front_end = create_protocol(*loaded, sdk::PluginConfig{}, nullptr, "protocol.misbehaving");
  ASSERT_FALSE(front_end.ok());
  EXPECT_EQ(front_end.code(), sdk::ErrorCode::kUnsupportedOperation);
  EXPECT_EQ(front_end.error().message,
            std::string("plugin ") + WRONG_KIND_PLUGIN_PATH +
                ": cannot create \"protocol.misbehaving\": the misbehaving test plugin creates no "
                "front ends");
}

}  // namespace
}  // namespace sluice::core
