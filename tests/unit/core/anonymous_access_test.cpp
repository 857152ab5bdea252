// Secure defaults (docs/security.md): without an auth plugin, front ends listen on loopback only
// unless [broker] allow_anonymous = true; and the [auth] section of sluice.toml.
#include "sluice/core/anonymous_access.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::core {
namespace {

TEST(LoopbackAddress, LoopbackSpellingsAreRecognised) {
  for (const char* address :
       {"127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(is_loopback_address(address)) << address;
  }
}

TEST(LoopbackAddress, EverythingElseIsNot) {
  for (const char* address : {"0.0.0.0", "::", "10.0.0.1", "192.168.1.5", "::ffff:10.0.0.1",
                              "example.com", "", "128.0.0.1"}) {
    EXPECT_FALSE(is_loopback_address(address)) << address;
  }
}

class AnonymousExposureTest : public ::testing::Test {
 protected:
  SluiceConfig parse(const std::string& text) {
    auto config = parse_config(text, "sluice.toml");
    EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().message);
    return config.ok() ? *config : SluiceConfig{};
  }
  sdk::Status check(const SluiceConfig& config, bool auth, const std::string& listen) {
    sdk::PluginConfig options;
    options.set("listen", listen);
    const PluginSection& section = config.protocols.front().section;
    const std::vector<FrontEndListen> front_ends{{section, options}};
    return check_anonymous_exposure(config, auth, front_ends);
  }
};

TEST_F(AnonymousExposureTest, AnAnonymousFrontEndOnLoopbackIsAllowed) {
  const auto config = parse("[protocol.sqs]\nlisten = \"127.0.0.1\"\n");
  EXPECT_TRUE(check(config, false, "127.0.0.1").ok());
}

TEST_F(AnonymousExposureTest, AnAnonymousFrontEndBeyondLoopbackIsRefusedWithItsLine) {
  const auto config = parse("[protocol.sqs]\nport = 9324\nlisten = \"0.0.0.0\"\n");
  auto status = check(config, false, "0.0.0.0");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message.rfind(
                "sluice.toml:3: protocol.sqs.listen: \"0.0.0.0\" is not a loopback address", 0),
            0u)
      << status.error().message;
}

TEST_F(AnonymousExposureTest, AnAuthPluginLiftsTheRestriction) {
  const auto config = parse("[protocol.sqs]\nlisten = \"0.0.0.0\"\n");
  EXPECT_TRUE(check(config, true, "0.0.0.0").ok());
}

TEST_F(AnonymousExposureTest, AllowAnonymousLiftsTheRestriction) {
  const auto config =
      parse("[broker]\nallow_anonymous = true\n[protocol.sqs]\nlisten = \"0.0.0.0\"\n");
  EXPECT_TRUE(config.host.allow_anonymous);
  EXPECT_TRUE(check(config, false, "0.0.0.0").ok());
}

TEST(AuthConfig, TheAuthSectionSelectsAPluginAndKeepsItsOptions) {
  auto config = parse_config(
      "[auth]\nplugin = \"local\"\n[auth.local]\nusers_file = \"users.toml\"\n", "sluice.toml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->auth, "local");
  EXPECT_EQ(config->auth_line, 2u);
  const PluginSection section = config->selected_auth_section();
  EXPECT_EQ(section.dotted_path, "auth.local");
  ASSERT_EQ(section.options.size(), 1u);
  EXPECT_EQ(section.options[0].key, "users_file");
}

TEST(AuthConfig, AnAuthSectionWithoutPluginIsAnError) {
  auto config = parse_config("[auth]\n[auth.local]\nusers_file = \"u\"\n", "sluice.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("auth.plugin: missing"), std::string::npos);
}

TEST(AuthConfig, AllowAnonymousMustBeABoolean) {
  auto config = parse_config("[broker]\nallow_anonymous = \"yes\"\n", "sluice.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("broker.allow_anonymous: expected boolean"),
            std::string::npos)
      << config.error().message;
}

TEST(AuthConfig, WithoutAnAuthSectionNobodyIsAuthenticated) {
  auto config = parse_config("", "sluice.toml");
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->auth.empty());
  EXPECT_FALSE(config->host.allow_anonymous);
}

}  // namespace
}  // namespace sluice::core
