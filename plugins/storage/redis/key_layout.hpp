// KeyLayout: the names of every Redis key and pub/sub channel the store uses (see README.md).
//
//   <prefix>:queues           hash  queue name -> catalog record           (global)
//   <prefix>:queue-names      zset  queue names, all scores 0, for listing (global)
//   <prefix>:next-queue-id    string  counter of internal queue ids        (global)
//   <prefix>:{q<id>}:<part>   the 14 keys of queue <id>, one hash slot (see lua/common.lua),
//   <prefix>:{q<id>}:t:<tenant>, f:<tenant>   per-tenant indexes of a standard queue
//   channel <prefix>:wake:<db>:<queue name>   long-poll wake-ups
//
// Pure value type, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::redis {

class KeyLayout {
 public:
  KeyLayout(std::string prefix, std::int64_t database);

  std::string catalog() const { return prefix_ + ":queues"; }
  std::string names() const { return prefix_ + ":queue-names"; }
  std::string next_queue_id() const { return prefix_ + ":next-queue-id"; }
  // The 14 keys of queue `id` in the order every script expects them (lua/common.lua).
  std::vector<std::string> queue_keys(std::uint64_t id) const;
  // Channels are server-wide, not per database: the database index keeps two databases apart.
  std::string wake_channel(std::string_view queue) const;

 private:
  std::string prefix_;
  std::int64_t database_;
};

}  // namespace sluice::plugins::redis
