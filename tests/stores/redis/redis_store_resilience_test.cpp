// The Redis store when things change under it: Redis restarts (data kept by the append-only
// file), forgets its scripts, has too few replicas, runs with weaker persistence, or another
// broker deletes and re-creates queues this store has cached.
#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis_store_test_fixture.hpp"

namespace sluice::plugins::redis::testing {
namespace {

using std::chrono::steady_clock;

class RedisStoreResilienceTest : public RedisStoreTest {
 protected:
  sdk::Status append_one(RedisQueueStore& store, const std::string& q, const std::string& id) {
    std::vector<sdk::NewMessage> batch{message(id)};
    sdk::AppendSpec spec;
    spec.now = at(0);
    auto appended = store.append(q, batch, spec);
    if (!appended.ok()) return appended.error();
    return sdk::Status::Ok();
  }
  std::vector<std::string> claim_ids(RedisQueueStore& store, const std::string& q,
                                     sdk::ClaimSpec spec = {}) {
    if (spec.now == sdk::TimePoint{}) spec.now = at(1);
    spec.max_messages = 10;
    auto claimed = store.claim(q, spec);
    EXPECT_TRUE(claimed.ok()) << claimed.error().message;
    std::vector<std::string> ids;
    if (claimed.ok()) {
      for (const auto& d : claimed->deliveries) ids.push_back(d.message_id);
    }
    return ids;
  }
};

TEST_F(RedisStoreResilienceTest, FailsFastWhileRedisIsAwayAndRecoversByItselfWithTheData) {
  auto store = open_store();
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->create_queue(queue("kept")).ok());
  ASSERT_TRUE(append_one(**store, "kept", "before").ok());

  ASSERT_NO_FATAL_FAILURE(stop_redis());
  for (int i = 0; i < 5; ++i) {
    const auto started = steady_clock::now();
    auto counts = (*store)->counts("kept", at(1));
    const auto took = steady_clock::now() - started;
    ASSERT_FALSE(counts.ok());
    EXPECT_EQ(counts.code(), sdk::ErrorCode::kServiceUnavailable) << counts.error().message;
    EXPECT_LT(took, std::chrono::milliseconds(500)) << "call " << i << " did not fail fast";
  }
  EXPECT_TRUE(logger_.logged(sdk::LogLevel::kError, "Redis is unavailable"));

  ASSERT_NO_FATAL_FAILURE(start_redis());
  // Redis forgot the scripts; pooled connections are dead. The store must get over both alone.
  sdk::Status appended = sdk::make_error(sdk::ErrorCode::kInternal, "not tried");
  const auto deadline = steady_clock::now() + std::chrono::seconds(5);
  while (steady_clock::now() < deadline) {
    appended = append_one(**store, "kept", "after");
    if (appended.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(appended.ok()) << appended.error().message;
  auto ids = claim_ids(**store, "kept");
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"after", "before"}));
}

TEST_F(RedisStoreResilienceTest, ScriptsForgottenByTheServerAreLoadedAgain) {
  auto store = open_store();
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->create_queue(queue("q")).ok());
  Reply flushed = admin({"SCRIPT", "FLUSH"});
  ASSERT_NE(flushed, nullptr);
  ASSERT_TRUE(append_one(**store, "q", "m").ok());
  EXPECT_EQ(claim_ids(**store, "q"), std::vector<std::string>{"m"});
}

TEST_F(RedisStoreResilienceTest, TooFewReplicasFailTheCallWithServiceUnavailable) {
  options_.wait_replicas = 1;
  options_.wait_timeout_ms = 50;
  auto store = open_store();
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto created = (*store)->create_queue(queue("q"));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.code(), sdk::ErrorCode::kServiceUnavailable);
  EXPECT_NE(created.error().message.find("replicas"), std::string::npos) << created.error().message;
}

TEST_F(RedisStoreResilienceTest, WeakPersistenceSettingsAreLoggedAsAWarning) {
  ASSERT_NE(admin({"CONFIG", "SET", "appendfsync", "everysec"}), nullptr);
  CapturingLogger logger;
  auto store = open_store(&logger);
  ASSERT_NE(admin({"CONFIG", "SET", "appendfsync", "always"}), nullptr);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_TRUE(logger.logged(sdk::LogLevel::kWarn, "appendfsync everysec"));

  CapturingLogger durable_logger;
  auto durable = open_store(&durable_logger);
  ASSERT_TRUE(durable.ok()) << durable.error().message;
  EXPECT_TRUE(durable_logger.logged(sdk::LogLevel::kInfo, "appendfsync always"));
  EXPECT_FALSE(durable_logger.logged(sdk::LogLevel::kWarn, "appendfsync"));
}

TEST_F(RedisStoreResilienceTest, AQueueReCreatedByAnotherBrokerIsResolvedAgain) {
  auto mine = open_store();
  auto other = open_store();
  ASSERT_TRUE(mine.ok() && other.ok());
  ASSERT_TRUE((*mine)->create_queue(queue("reborn")).ok());
  ASSERT_TRUE(append_one(**mine, "reborn", "old").ok());  // caches the queue's id
  ASSERT_TRUE((*other)->delete_queue("reborn").ok());
  ASSERT_TRUE((*other)->create_queue(queue("reborn")).ok());
  ASSERT_TRUE(append_one(**mine, "reborn", "new").ok());
  EXPECT_EQ(claim_ids(**other, "reborn"), std::vector<std::string>{"new"});
}

TEST_F(RedisStoreResilienceTest, ADeadLetterQueueReCreatedByAnotherBrokerStillGetsTheMessage) {
  auto mine = open_store();
  auto other = open_store();
  ASSERT_TRUE(mine.ok() && other.ok());
  ASSERT_TRUE((*mine)->create_queue(queue("src")).ok());
  ASSERT_TRUE((*mine)->create_queue(queue("dlq")).ok());
  ASSERT_TRUE(append_one(**mine, "src", "m").ok());
  sdk::ClaimSpec spec;
  spec.now = at(1);
  spec.visibility = std::chrono::milliseconds(10);
  spec.max_receives = 1;
  spec.dead_letter_queue = "dlq";
  EXPECT_EQ(claim_ids(**mine, "src", spec), std::vector<std::string>{"m"});  // caches dlq
  ASSERT_TRUE((*other)->delete_queue("dlq").ok());
  ASSERT_TRUE((*other)->create_queue(queue("dlq")).ok());
  spec.now = at(100);
  auto claimed = (*mine)->claim("src", spec);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  EXPECT_TRUE(claimed->deliveries.empty());
  EXPECT_EQ(claimed->dead_lettered, 1u);
  sdk::ClaimSpec later;
  later.now = at(200);
  EXPECT_EQ(claim_ids(**other, "dlq", later), std::vector<std::string>{"m"});
}

TEST_F(RedisStoreResilienceTest, AnAclUserWithRightsOnItsPrefixRunsTheStore) {
  const std::string user = "sluice-" + random_hex(6);
  // Keys and wake-up channels under the prefix, and the commands the store uses.
  Reply created =
      admin({"ACL", "SETUSER", user, "on", ">s3cret-pass", "~" + options_.key_prefix + ":*",
             "&" + options_.key_prefix + ":*", "+@all"});
  ASSERT_NE(created, nullptr);
  ASSERT_FALSE(is_error(*created)) << reply_text(*created);
  options_.user = user;
  options_.password = "s3cret-pass";
  options_.database = 3;
  auto store = open_store();
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->create_queue(queue("acl")).ok());
  ASSERT_TRUE(append_one(**store, "acl", "m").ok());
  EXPECT_EQ(claim_ids(**store, "acl"), std::vector<std::string>{"m"});
  // The data went to database 3.
  Reply selected = admin({"SELECT", "3"});
  Reply found = admin({"EXISTS", options_.key_prefix + ":queues"});
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->integer, 1);
  (void)admin({"ACL", "DELUSER", user});
}

TEST_F(RedisStoreResilienceTest, AWrongPasswordIsRefusedAtStartUpNamingAuth) {
  const std::string user = "sluice-" + random_hex(6);
  Reply created = admin({"ACL", "SETUSER", user, "on", ">right-password", "~*", "&*", "+@all"});
  ASSERT_NE(created, nullptr);
  options_.user = user;
  options_.password = "wrong-password";
  auto store = open_store();
  (void)admin({"ACL", "DELUSER", user});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), sdk::ErrorCode::kServiceUnavailable);
  EXPECT_NE(store.error().message.find("refused AUTH as user '" + user + "'"), std::string::npos)
      << store.error().message;
}

TEST_F(RedisStoreResilienceTest, DeletedQueuesLeaveNoKeysBehind) {
  auto store = open_store();
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->create_queue(queue("tenants")).ok());
  ASSERT_TRUE((*store)->create_queue(queue("groups.fifo", true)).ok());
  for (const std::string q : {"tenants", "groups.fifo"}) {
    std::vector<sdk::NewMessage> batch;
    for (int i = 0; i < 40; ++i) {
      batch.push_back(message(q + std::to_string(i), 0, 0, "g" + std::to_string(i % 3)));
    }
    sdk::AppendSpec spec;
    spec.now = at(0);
    ASSERT_TRUE((*store)->append(q, batch, spec).ok());
    claim_ids(**store, q);
  }
  ASSERT_TRUE((*store)->delete_queue("tenants").ok());
  ASSERT_TRUE((*store)->delete_queue("groups.fifo").ok());
  Reply keys = admin({"KEYS", options_.key_prefix + ":{*"});
  ASSERT_NE(keys, nullptr);
  std::vector<std::string> left;
  for (std::size_t i = 0; i < keys->elements; ++i) left.emplace_back(reply_text(*keys->element[i]));
  EXPECT_TRUE(left.empty()) << left.size() << " keys left, e.g. " << left.front();
}

}  // namespace
}  // namespace sluice::plugins::redis::testing
