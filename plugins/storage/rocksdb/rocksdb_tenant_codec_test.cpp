// The byte-level and in-memory pieces of fair queues: tenant keys, visibility values, tenant rows
// and the heavy-tenant cache.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "key_codec.hpp"
#include "tenant_state.hpp"
#include "value_codec.hpp"

namespace sluice::plugins::rocksdb::testing {
namespace {

TEST(TenantKeyTest, OneTenantsMessagesNeverSortAmongThoseOfATenantWhoseNameExtendsIt) {
  const std::string prefix = tenant_member_prefix(1, "ab");
  const std::string limit = prefix_successor(prefix);
  const std::string other = tenant_member_key(1, "abc", 0, 1);
  EXPECT_FALSE(prefix <= other && other < limit);
  EXPECT_LT(tenant_member_key(1, "ab", ~0ULL, ~0ULL), limit);
}

TEST(TenantKeyTest, ATenantsMessagesSortByVisibleAtThenSequence) {
  EXPECT_LT(tenant_member_key(1, "t", 5, 9), tenant_member_key(1, "t", 6, 1));
  EXPECT_LT(tenant_member_key(1, "t", 5, 1), tenant_member_key(1, "t", 5, 2));
  const std::string key = tenant_member_key(1, "t", 5, 9);
  const auto position = member_position(key, tenant_member_prefix(1, "t").size());
  ASSERT_TRUE(position.has_value());
  EXPECT_EQ(position->first, 5u);
  EXPECT_EQ(position->second, 9u);
  EXPECT_FALSE(member_position(key, 3).has_value());
}

TEST(TenantKeyTest, RowAndHeavyKeysNameTheirTenantEvenWithBinaryBytes) {
  const std::string tenant("t\0\xff", 3);
  EXPECT_EQ(tenant_of_named_key(tenant_row_key(4, tenant)), tenant);
  EXPECT_EQ(tenant_of_named_key(heavy_tenant_key(4, tenant)), tenant);
  EXPECT_LT(heavy_tenant_key(4, tenant), queue_limit(4));
}

TEST(VisibilityValueTest, UntenantedValuesKeepTheirSingleFlagByte) {
  EXPECT_EQ(visibility_value(true, ""), std::string(1, kFlagReceived));
  EXPECT_EQ(visibility_value(false, ""), std::string(1, kFlagNeverReceived));
  EXPECT_EQ(value_tenant(visibility_value(true, "")), "");
}

TEST(VisibilityValueTest, ATenantsPendingValueCarriesTheTenantAfterTheFlag) {
  const std::string value = visibility_value(true, "tenant-7");
  EXPECT_TRUE(value_received(value));
  EXPECT_EQ(value_tenant(value), "tenant-7");
  EXPECT_FALSE(value_received(visibility_value(false, "tenant-7")));
  EXPECT_FALSE(value_received(""));
}

TEST(TenantRowTest, RoundTripsAndRejectsTruncatedBytes) {
  TenantRow row;
  row.in_flight = 31;
  row.has_head = true;
  row.head_at = ~0ULL;
  row.head_seq = 12;
  const std::string bytes = encode(row);
  const auto decoded = decode_tenant_row(bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->in_flight, 31u);
  EXPECT_TRUE(decoded->has_head);
  EXPECT_EQ(decoded->head_at, ~0ULL);
  EXPECT_EQ(decoded->head_seq, 12u);
  EXPECT_FALSE(decode_tenant_row(bytes.substr(0, bytes.size() - 1)).has_value());
}

TEST(HeavyTenantsTest, NoisyTenantsComeLargestFirstAndStopAtTheFirstQuietOne) {
  HeavyTenants heavy;
  heavy.set("a", 30);
  heavy.set("b", 90);
  heavy.set("c", 45);
  // 300 in flight: more than 30 each is noisy, so b (90) and c (45); a (30) is exactly 10 %.
  EXPECT_EQ(heavy.noisy(300), (std::vector<std::string>{"b", "c"}));
  EXPECT_TRUE(heavy.noisy(1000).empty());
}

TEST(HeavyTenantsTest, ATenantBelowThirtyInFlightIsDropped) {
  HeavyTenants heavy;
  heavy.set("a", 40);
  heavy.set("a", 29);
  EXPECT_EQ(heavy.size(), 0u);
  heavy.set("b", 10);
  EXPECT_EQ(heavy.size(), 0u);
  heavy.set("a", 35);
  heavy.set("a", 36);
  EXPECT_EQ(heavy.size(), 1u);
  EXPECT_EQ(heavy.noisy(36), std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace sluice::plugins::rocksdb::testing
