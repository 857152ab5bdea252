// The [encryption] part of sluice.toml.
#include <gtest/gtest.h>

#include "sluice/core/config.hpp"

namespace sluice::core {
namespace {

const std::filesystem::path kFile = "/etc/sluice/sluice.toml";

TEST(EncryptionConfig, WithoutAnEncryptionSectionNothingIsEncrypted) {
  auto config = parse_config("[storage]\nplugin = \"memory\"\n", kFile);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->encryption.empty());
}

TEST(EncryptionConfig, TheEncryptionSectionSelectsAPluginAndKeepsItsOptions) {
  auto config = parse_config(
      "[encryption]\nplugin = \"local\"\n\n[encryption.local]\nmaster_key_file = \"/k\"\n", kFile);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->encryption, "local");
  EXPECT_EQ(config->encryption_line, 2u);
  const PluginSection section = config->selected_encryption_section();
  EXPECT_EQ(section.dotted_path, "encryption.local");
  ASSERT_EQ(section.options.size(), 1u);
  EXPECT_EQ(section.options[0].key, "master_key_file");
  EXPECT_EQ(section.options[0].line, 5u);
}

TEST(EncryptionConfig, APluginWithoutItsOwnSectionGetsAnEmptyOne) {
  auto config = parse_config("[encryption]\nplugin = \"local\"\n", kFile);
  ASSERT_TRUE(config.ok()) << config.error().message;
  const PluginSection section = config->selected_encryption_section();
  EXPECT_EQ(section.dotted_path, "encryption.local");
  EXPECT_TRUE(section.options.empty());
  EXPECT_EQ(section.line, 2u);
}

TEST(EncryptionConfig, AnEncryptionSectionWithoutAPluginIsAnError) {
  auto config = parse_config("[encryption.local]\nmaster_key_file = \"/k\"\n", kFile);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            "/etc/sluice/sluice.toml:1: encryption.plugin: missing: name the encryption plugin "
            "(plugin = \"local\"), or remove the [encryption] section to store messages "
            "unencrypted");
}

TEST(EncryptionConfig, AnUnknownKeyInTheEncryptionSectionIsAnError) {
  auto config = parse_config("[encryption]\nplugin = \"local\"\nkey = \"x\"\n", kFile);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            "/etc/sluice/sluice.toml:3: encryption.key: unknown key (expected `plugin` or an "
            "[encryption.<name>] section)");
}

TEST(EncryptionConfig, ATopLevelEncryptionStringPointsAtTheSection) {
  auto config = parse_config("encryption = \"local\"\n", kFile);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            "/etc/sluice/sluice.toml:1: encryption: expected a table, found string (select the "
            "plugin with [encryption] plugin = \"...\")");
}

}  // namespace
}  // namespace sluice::core
