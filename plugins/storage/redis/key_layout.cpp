#include "key_layout.hpp"

#include <array>
#include <utility>

namespace sluice::plugins::redis {
namespace {

constexpr std::array<std::string_view, 14> kQueueParts = {
    "meta", "m", "e", "new", "rcv", "sent", "gm", "gq", "gd", "dd", "ddt", "loose", "th", "heavy",
};

}  // namespace

KeyLayout::KeyLayout(std::string prefix, std::int64_t database)
    : prefix_(std::move(prefix)), database_(database) {}

std::vector<std::string> KeyLayout::queue_keys(std::uint64_t id) const {
  // The hash tag {q<id>} puts all of a queue's keys in one Redis Cluster slot.
  const std::string base = prefix_ + ":{q" + std::to_string(id) + "}:";
  std::vector<std::string> keys;
  keys.reserve(kQueueParts.size());
  for (std::string_view part : kQueueParts) keys.push_back(base + std::string(part));
  return keys;
}

std::string KeyLayout::wake_channel(std::string_view queue) const {
  return prefix_ + ":wake:" + std::to_string(database_) + ":" + std::string(queue);
}

}  // namespace sluice::plugins::redis
