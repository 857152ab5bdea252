#include "key_codec.hpp"

namespace sluice::plugins::rocksdb {
namespace {

constexpr std::size_t kQidBytes = 8;
constexpr std::size_t kTaggedPrefixBytes = kQidBytes + 1;
constexpr std::size_t kOrderedKeyBytes = kTaggedPrefixBytes + 16;
constexpr std::uint64_t kSignBit = 1ULL << 63;

// <qid><tag><len:4><name>: the length makes the prefix of one name never a prefix of another
// name's keys.
std::string length_prefixed(std::uint64_t qid, Tag tag, std::string_view name) {
  std::string key = tag_prefix(qid, tag);
  const auto size = static_cast<std::uint32_t>(name.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    key.push_back(static_cast<char>((size >> shift) & 0xff));
  }
  key.append(name);
  return key;
}

}  // namespace

void put_u64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

std::uint64_t read_u64(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<std::uint8_t>(bytes[i]);
  }
  return value;
}

std::uint64_t time_component(sdk::TimePoint t) {
  return static_cast<std::uint64_t>(sdk::to_unix_millis(t)) ^ kSignBit;
}

sdk::TimePoint time_from_component(std::uint64_t component) {
  return sdk::from_unix_millis(static_cast<std::int64_t>(component ^ kSignBit));
}

std::string prefix_successor(std::string prefix) {
  while (!prefix.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(prefix.back());
    if (last != 0xff) {
      ++last;
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

std::string queue_prefix(std::uint64_t qid) {
  std::string key;
  key.reserve(kQidBytes);
  put_u64(key, qid);
  return key;
}

std::string queue_limit(std::uint64_t qid) { return prefix_successor(queue_prefix(qid)); }

std::string tag_prefix(std::uint64_t qid, Tag tag) {
  std::string key = queue_prefix(qid);
  key.push_back(static_cast<char>(tag));
  return key;
}

std::string tag_limit(std::uint64_t qid, Tag tag) { return prefix_successor(tag_prefix(qid, tag)); }

std::string ordered_key(std::uint64_t qid, Tag tag, std::uint64_t component, std::uint64_t seq) {
  std::string key = tag_prefix(qid, tag);
  key.reserve(kOrderedKeyBytes);
  put_u64(key, component);
  put_u64(key, seq);
  return key;
}

std::string ordered_seek(std::uint64_t qid, Tag tag, std::uint64_t component) {
  std::string key = tag_prefix(qid, tag);
  put_u64(key, component);
  return key;
}

std::optional<std::uint64_t> component_of(std::string_view key) {
  if (key.size() < kTaggedPrefixBytes + 8) return std::nullopt;
  return read_u64(key.substr(kTaggedPrefixBytes));
}

std::optional<std::uint64_t> ordered_seq_of(std::string_view key) {
  if (key.size() != kOrderedKeyBytes) return std::nullopt;
  return read_u64(key.substr(kTaggedPrefixBytes + 8));
}

std::string message_key(std::uint64_t qid, std::uint64_t seq) {
  std::string key = queue_prefix(qid);
  put_u64(key, seq);
  return key;
}

std::string state_key(std::uint64_t qid, std::uint64_t seq) {
  std::string key = tag_prefix(qid, Tag::kState);
  put_u64(key, seq);
  return key;
}

std::string counters_key(std::uint64_t qid) { return tag_prefix(qid, Tag::kCounters); }

std::string head_key(std::uint64_t qid, std::uint64_t head_seq) {
  return ordered_seek(qid, Tag::kHead, head_seq);
}

std::string group_row_key(std::uint64_t qid, std::string_view group) {
  std::string key = tag_prefix(qid, Tag::kGroupRow);
  key.append(group);
  return key;
}

std::string group_member_prefix(std::uint64_t qid, std::string_view group) {
  return length_prefixed(qid, Tag::kGroupMember, group);
}

std::string group_member_key(std::uint64_t qid, std::string_view group, std::uint64_t seq) {
  std::string key = group_member_prefix(qid, group);
  put_u64(key, seq);
  return key;
}

std::string dedup_key(std::uint64_t qid, std::string_view key) {
  std::string out = tag_prefix(qid, Tag::kDedup);
  out.append(key);
  return out;
}

std::string dedup_order_key(std::uint64_t qid, sdk::TimePoint first_seen, std::string_view key) {
  std::string out = ordered_seek(qid, Tag::kDedupOrder, time_component(first_seen));
  out.append(key);
  return out;
}

std::optional<std::string_view> dedup_key_of_order_key(std::string_view order_key) {
  if (order_key.size() < kTaggedPrefixBytes + 8) return std::nullopt;
  return order_key.substr(kTaggedPrefixBytes + 8);
}

std::string visibility_value(bool received, std::string_view tenant) {
  std::string value(1, received ? kFlagReceived : kFlagNeverReceived);
  value.append(tenant);
  return value;
}

bool value_received(std::string_view value) {
  return !value.empty() && value.front() == kFlagReceived;
}

std::string_view value_tenant(std::string_view value) {
  return value.empty() ? value : value.substr(1);
}

std::string tenant_member_prefix(std::uint64_t qid, std::string_view tenant) {
  return length_prefixed(qid, Tag::kTenantMember, tenant);
}

std::string tenant_member_key(std::uint64_t qid, std::string_view tenant, std::uint64_t at,
                              std::uint64_t seq) {
  std::string key = tenant_member_prefix(qid, tenant);
  put_u64(key, at);
  put_u64(key, seq);
  return key;
}

std::string tenant_row_key(std::uint64_t qid, std::string_view tenant) {
  std::string key = tag_prefix(qid, Tag::kTenantRow);
  key.append(tenant);
  return key;
}

std::string heavy_tenant_key(std::uint64_t qid, std::string_view tenant) {
  std::string key = tag_prefix(qid, Tag::kHeavyTenant);
  key.append(tenant);
  return key;
}

std::string_view tenant_of_named_key(std::string_view key) {
  return key.size() < kTaggedPrefixBytes ? std::string_view() : key.substr(kTaggedPrefixBytes);
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> member_position(std::string_view key,
                                                                       std::size_t prefix_size) {
  if (key.size() != prefix_size + 16) return std::nullopt;
  return std::make_pair(read_u64(key.substr(prefix_size)), read_u64(key.substr(prefix_size + 8)));
}

}  // namespace sluice::plugins::rocksdb
