// Discovery: every sluice-*.so in the plugin folders is listed with its descriptor, or with the
// one-line reason it was refused.
#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "sluice/core/plugin_loader.hpp"

namespace sluice::core {
namespace {

const std::filesystem::path kTestPluginDir = SLUICE_TEST_PLUGIN_DIR;
const std::filesystem::path kMemoryPlugin = MEMORY_PLUGIN_PATH;

const PluginInfo* find_info(const std::vector<sdk::Result<PluginInfo>>& found,
                            std::string_view name) {
  for (const auto& entry : found) {
    if (entry.ok() && entry->name == name) return &entry.value();
  }
  return nullptr;
}

TEST(PluginCatalog, DiscoveryListsTheMemoryStoreWithKindAndName) {
  const auto found = discover_plugins({kMemoryPlugin.parent_path()});
  const PluginInfo* memory = find_info(found, "memory");
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->kind, sdk::PluginKind::kStorage);
  EXPECT_EQ(memory->file, kMemoryPlugin);
}

TEST(PluginCatalog, DiscoveryReportsEachRefusedFileWithItsReason) {
  const auto found = discover_plugins({kTestPluginDir});
  std::vector<std::string> refusals;
  for (const auto& entry : found) {
    if (!entry.ok()) refusals.push_back(entry.error().message);
  }
  const std::string abi99 = "plugin " + (kTestPluginDir / "sluice-storage-abi99.so").string() +
                            ": ABI version mismatch: expected 1, found 99";
  EXPECT_NE(std::find(refusals.begin(), refusals.end(), abi99), refusals.end());
  // abi99, sdk9, old-boost and null-factory are refused; wrong-kind (a valid protocol plugin
  // when no kind is expected) and schema are listed.
  EXPECT_EQ(refusals.size(), 4u);
  EXPECT_EQ(found.size(), 6u);
}

TEST(PluginCatalog, DiscoveryListsAValidPluginOfAnyKind) {
  const auto found = discover_plugins({kTestPluginDir});
  const PluginInfo* schema = find_info(found, "schema");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->kind, sdk::PluginKind::kProtocol);
  EXPECT_EQ(schema->version, "1.2.3");
  EXPECT_EQ(schema->status, "experimental");
  EXPECT_EQ(schema->description, "test front end with an option of every type; serves nothing");
}

TEST(PluginCatalog, DiscoverySkipsMissingFolders) {
  EXPECT_TRUE(discover_plugins({"/nonexistent/plugins"}).empty());
}

TEST(PluginCatalog, PluginFilesAreOnlySluiceSharedObjectsSortedByName) {
  const auto files = plugin_files({kTestPluginDir});
  ASSERT_EQ(files.size(), 6u);
  EXPECT_TRUE(std::is_sorted(files.begin(), files.end()));
  for (const auto& file : files) {
    EXPECT_TRUE(file.filename().string().starts_with("sluice-")) << file;
    EXPECT_EQ(file.extension(), ".so") << file;
  }
}

TEST(PluginCatalog, FindsAPluginFileByKindAndNameInTheFirstFolderThatHasIt) {
  auto file = find_plugin_file({"/nonexistent", kMemoryPlugin.parent_path()},
                               sdk::PluginKind::kStorage, "memory");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(*file, kMemoryPlugin.parent_path() / "sluice-storage-memory.so");
}

TEST(PluginCatalog, AMissingPluginNamesTheFileAndTheFoldersSearched) {
  auto file = find_plugin_file({"/a", "/b"}, sdk::PluginKind::kStorage, "rocksdb");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.code(), sdk::ErrorCode::kNotFound);
  EXPECT_EQ(file.error().message,
            "no storage plugin named \"rocksdb\": sluice-storage-rocksdb.so not found in /a, /b");
}

TEST(PluginCatalog, DefaultPluginFolderIsTheFolderOfTheRunningProgram) {
  EXPECT_EQ(default_plugin_dir(), std::filesystem::canonical("/proc/self/exe").parent_path());
}

}  // namespace
}  // namespace sluice::core
