// Shared helpers for the memory store's own unit tests: a fresh store per test, a fixed start
// time that tests move by hand, and terse wrappers that ASSERT the calls succeed.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "memory_queue_store.hpp"

namespace sluice::plugins::memory::testing {

using namespace std::chrono_literals;

class MemoryStoreTest : public ::testing::Test {
 protected:
  const sdk::TimePoint t0 = sdk::from_unix_millis(1'700'000'000'000);

  sdk::QueueRecord make_queue(const std::string& name, bool fifo = false,
                              std::uint64_t generation = 7) {
    auto created = store.create_queue(sdk::QueueRecord{name, fifo, generation, 0, "meta"});
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
    return created.ok() ? *created : sdk::QueueRecord{};
  }

  static sdk::NewMessage message(const std::string& id, sdk::TimePoint sent,
                                 sdk::Millis delay = 0ms, const std::string& group = "",
                                 const std::string& dedup_key = "") {
    return sdk::NewMessage{id, "body-" + id, sent, sent + delay, group, dedup_key};
  }

  std::vector<sdk::AppendOutcome> send(const std::string& queue,
                                       std::vector<sdk::NewMessage> messages, sdk::TimePoint now) {
    auto outcomes = store.append(queue, messages, sdk::AppendSpec{now, 5min});
    EXPECT_TRUE(outcomes.ok()) << (outcomes.ok() ? "" : outcomes.error().message);
    return outcomes.ok() ? *outcomes : std::vector<sdk::AppendOutcome>{};
  }

  sdk::AppendOutcome send_one(const std::string& queue, const std::string& id, sdk::TimePoint now,
                              const std::string& group = "", const std::string& dedup_key = "") {
    auto outcomes = send(queue, {message(id, now, 0ms, group, dedup_key)}, now);
    return outcomes.empty() ? sdk::AppendOutcome{} : outcomes.front();
  }

  sdk::ClaimResult claim(const std::string& queue, std::uint32_t max, sdk::TimePoint now,
                         sdk::Millis visibility = 30s) {
    sdk::ClaimSpec spec;
    spec.max_messages = max;
    spec.visibility = visibility;
    spec.now = now;
    return claim_with(queue, spec);
  }

  sdk::ClaimResult claim_with(const std::string& queue, const sdk::ClaimSpec& spec) {
    auto result = store.claim(queue, spec);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? *result : sdk::ClaimResult{};
  }

  static std::vector<std::string> ids(const sdk::ClaimResult& result) {
    std::vector<std::string> out;
    for (const auto& delivery : result.deliveries) out.push_back(delivery.message_id);
    return out;
  }

  sdk::Status remove_one(const std::string& queue, const std::string& receipt) {
    std::vector<std::string> receipts{receipt};
    auto statuses = store.remove(queue, receipts);
    if (!statuses.ok()) return statuses.error();
    return statuses->front();
  }

  sdk::Status change_visibility(const std::string& queue, const std::string& receipt,
                                sdk::TimePoint visible_at, sdk::TimePoint now) {
    std::vector<sdk::VisibilityChange> changes{{receipt, visible_at}};
    auto statuses = store.set_visibility(queue, changes, now);
    if (!statuses.ok()) return statuses.error();
    return statuses->front();
  }

  sdk::QueueCounts counts(const std::string& queue, sdk::TimePoint now) {
    auto result = store.counts(queue, now);
    EXPECT_TRUE(result.ok());
    return result.ok() ? *result : sdk::QueueCounts{};
  }

  MemoryQueueStore store;
};

// (visible, in_flight, delayed), so EXPECT_EQ prints all three on a mismatch.
using CountSplit = std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>;
inline CountSplit split(const sdk::QueueCounts& c) { return {c.visible, c.in_flight, c.delayed}; }

}  // namespace sluice::plugins::memory::testing
