#include "queue_names.hpp"

#include <algorithm>
#include <random>

namespace sluice::plugins::amqp {
namespace {

constexpr std::string_view kFifoSuffix = ".fifo";
constexpr std::string_view kUrlSafe =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::string random_suffix(std::size_t n) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out += kUrlSafe[rng() % kUrlSafe.size()];
  return out;
}

}  // namespace

bool is_fifo_queue_name(std::string_view name) { return name.ends_with(kFifoSuffix); }

bool is_valid_queue_name(std::string_view name) {
  if (name.empty() || name.size() > 80) return false;
  std::string_view base = name;
  if (is_fifo_queue_name(name)) base.remove_suffix(kFifoSuffix.size());
  return !base.empty() && std::all_of(base.begin(), base.end(), is_name_char);
}

std::string generate_queue_name() { return "amq_gen-" + random_suffix(22); }

std::string generate_consumer_tag() { return "amq.ctag-" + random_suffix(22); }

}  // namespace sluice::plugins::amqp
