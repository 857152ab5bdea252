// Option checks the schema cannot express, and what the store concludes from the server's
// settings.
#include <gtest/gtest.h>

#include <string>

#include "redis_store_options.hpp"
#include "server_check.hpp"

namespace sluice::plugins::redis {
namespace {

sdk::PluginConfig config_with(std::string key, sdk::OptionValue value) {
  sdk::PluginConfig config;
  config.set(std::move(key), std::move(value));
  return config;
}

TEST(RedisStoreOptions, AnEmptySectionGivesTheDocumentedDefaults) {
  auto options = options_from_config(sdk::PluginConfig{});
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->host, "127.0.0.1");
  EXPECT_EQ(options->port, 6379);
  EXPECT_EQ(options->database, 0);
  EXPECT_EQ(options->key_prefix, "sluice");
  EXPECT_EQ(options->pool_size, 8);
  EXPECT_FALSE(options->tls);
  EXPECT_EQ(describe_endpoint(*options), "127.0.0.1:6379/0");
}

TEST(RedisStoreOptions, EveryKeyOfTheSchemaIsRead) {
  sdk::PluginConfig config;
  config.set("host", std::string("redis.internal"));
  config.set("port", std::int64_t{6380});
  config.set("user", std::string("sluice"));
  config.set("password", std::string("secret"));
  config.set("database", std::int64_t{2});
  config.set("key_prefix", std::string("prod"));
  config.set("pool_size", std::int64_t{16});
  config.set("wait_replicas", std::int64_t{1});
  auto options = options_from_config(config);
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(describe_endpoint(*options), "redis.internal:6380/2");
  EXPECT_EQ(options->user, "sluice");
  EXPECT_EQ(options->password, "secret");
  EXPECT_EQ(options->key_prefix, "prod");
  EXPECT_EQ(options->pool_size, 16);
  EXPECT_EQ(options->wait_replicas, 1);
  for (const sdk::OptionSpec& spec : redis_option_schema()) {
    EXPECT_NE(spec.default_value, nullptr) << spec.key << " has no default";
  }
}

TEST(RedisStoreOptions, AUriSetsHostPortUserPasswordAndDatabase) {
  auto options = options_from_config(
      config_with("uri", std::string("redis://sluice:p%40ss@redis.internal:6380/4")));
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(describe_endpoint(*options), "redis.internal:6380/4");
  EXPECT_EQ(options->user, "sluice");
  EXPECT_EQ(options->password, "p@ss");
}

TEST(RedisStoreOptions, AUriMayOmitTheUserThePortAndTheDatabase) {
  RedisStoreOptions options;
  ASSERT_TRUE(apply_uri("redis://:secret@10.0.0.5", options).ok());
  EXPECT_EQ(describe_endpoint(options), "10.0.0.5:6379/0");
  EXPECT_EQ(options.user, "");
  EXPECT_EQ(options.password, "secret");
  ASSERT_TRUE(apply_uri("redis://[::1]:7000", options).ok());
  EXPECT_EQ(describe_endpoint(options), "::1:7000/0");
  EXPECT_EQ(options.password, "");
}

TEST(RedisStoreOptions, BadUrisAreRefusedNamingTheUriKey) {
  for (const char* uri :
       {"http://host", "redis://", "redis://host:0", "redis://host:port", "redis://host/x",
        "redis://host?timeout=1", "redis://%zz@host", "rediss://host"}) {
    RedisStoreOptions options;
    const sdk::Status applied = apply_uri(uri, options);
    ASSERT_FALSE(applied.ok()) << uri;
    EXPECT_NE(applied.error().message.find("[storage.redis] uri"), std::string::npos) << uri;
  }
  RedisStoreOptions options;
  EXPECT_NE(apply_uri("rediss://host", options).error().message.find("TLS"), std::string::npos);
  const sdk::Status secret = apply_uri("redis://me:hunter2@host:x", options);
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.error().message.find("hunter2"), std::string::npos) << secret.error().message;
}

TEST(RedisStoreOptions, TlsTrueIsRefusedNamingTheKeyAndWhy) {
  auto options = options_from_config(config_with("tls", true));
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.code(), sdk::ErrorCode::kInvalidParameterValue);
  EXPECT_NE(options.error().message.find("[storage.redis] tls"), std::string::npos);
  EXPECT_NE(options.error().message.find("hiredis 0.14"), std::string::npos);
}

TEST(RedisStoreOptions, AUserWithoutAPasswordIsRefused) {
  auto options = options_from_config(config_with("user", std::string("sluice")));
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.error().message.find("[storage.redis] user"), std::string::npos);
}

TEST(RedisStoreOptions, AKeyPrefixWithBracesIsRefused) {
  auto options = options_from_config(config_with("key_prefix", std::string("a{b}")));
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.error().message.find("key_prefix"), std::string::npos);
}

ServerFacts facts(std::optional<std::string> appendonly, std::optional<std::string> fsync) {
  ServerFacts f;
  f.version = "7.0.15";
  f.role = "master";
  f.appendonly = std::move(appendonly);
  f.appendfsync = std::move(fsync);
  if (!f.appendonly) f.config_error = "ERR unknown command 'CONFIG'";
  return f;
}

TEST(RedisDurabilityVerdict, OnlyAppendonlyWithFsyncAlwaysIsDurable) {
  EXPECT_TRUE(judge_durability(facts("yes", "always"), "h:1/0").durable);
  const auto everysec = judge_durability(facts("yes", "everysec"), "h:1/0");
  EXPECT_FALSE(everysec.durable);
  EXPECT_NE(everysec.message.find("power loss"), std::string::npos);
  EXPECT_FALSE(judge_durability(facts("yes", "no"), "h:1/0").durable);
  const auto no_aof = judge_durability(facts("no", "always"), "h:1/0");
  EXPECT_FALSE(no_aof.durable);
  EXPECT_NE(no_aof.message.find("appendonly no"), std::string::npos);
}

TEST(RedisDurabilityVerdict, ADisabledConfigCommandIsToleratedAndReported) {
  const auto verdict = judge_durability(facts(std::nullopt, std::nullopt), "h:1/0");
  EXPECT_FALSE(verdict.durable);
  EXPECT_NE(verdict.message.find("unknown command 'CONFIG'"), std::string::npos);
}

TEST(RedisDurabilityVerdict, SkippingFsyncDuringRewritesIsNotDurable) {
  ServerFacts f = facts("yes", "always");
  f.no_appendfsync_on_rewrite = "yes";
  const auto verdict = judge_durability(f, "h:1/0");
  EXPECT_FALSE(verdict.durable);
  EXPECT_NE(verdict.message.find("no-appendfsync-on-rewrite"), std::string::npos);
}

TEST(RedisEvictionVerdict, OnlyNoevictionKeepsTheKeysSafe) {
  ServerFacts f = facts("yes", "always");
  f.maxmemory_policy = "noeviction";
  EXPECT_FALSE(judge_eviction(f, "h:1/0").has_value());
  f.maxmemory_policy = "allkeys-lru";
  const auto warning = judge_eviction(f, "h:1/0");
  ASSERT_TRUE(warning.has_value());
  EXPECT_NE(warning->find("allkeys-lru"), std::string::npos);
}

TEST(RedisServerUsable, ClusterModeReplicasAndOldServersAreRefused) {
  ServerFacts ok = facts("yes", "always");
  EXPECT_TRUE(check_server_usable(ok, "h:1/0").ok());
  ServerFacts cluster = ok;
  cluster.cluster = true;
  EXPECT_EQ(check_server_usable(cluster, "h:1/0").code(), sdk::ErrorCode::kUnsupportedOperation);
  ServerFacts replica = ok;
  replica.role = "slave";
  EXPECT_FALSE(check_server_usable(replica, "h:1/0").ok());
  ServerFacts old = ok;
  old.version = "4.0.9";
  EXPECT_FALSE(check_server_usable(old, "h:1/0").ok());
}

}  // namespace
}  // namespace sluice::plugins::redis
