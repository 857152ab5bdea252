// Shared by the QueueRegistry tests: a registry over a real MemoryQueueStore with a ManualClock,
// plus helpers that fail the test (rather than crash) when a call that must succeed does not.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "memory_queue_store.hpp"
#include "sluice/core/broker_options.hpp"
#include "sluice/core/clock.hpp"
#include "sluice/core/queue_registry.hpp"

namespace sluice::core::testing {

class QueueRegistryTest : public ::testing::Test {
 protected:
  std::shared_ptr<plugins::memory::MemoryQueueStore> store_ =
      std::make_shared<plugins::memory::MemoryQueueStore>();
  ManualClock clock_;
  BrokerOptions options_;
  QueueRegistry registry_{store_, options_, clock_, nullptr};

  // Creates a queue that must be created.
  sdk::QueueInfo create(const std::string& name, sdk::AttributeMap attributes = {},
                        sdk::TagMap tags = {}) {
    auto info = registry_.create({name, std::move(attributes), std::move(tags)});
    EXPECT_TRUE(info.ok()) << name << ": " << info.error().message;
    return info.ok() ? info.value() : sdk::QueueInfo{};
  }

  sdk::QueueInfo create_fifo(const std::string& name, sdk::AttributeMap attributes = {}) {
    attributes.emplace("FifoQueue", "true");
    return create(name, std::move(attributes));
  }

  // The attributes GetQueueAttributes returns for `names` (an empty map on error, which fails).
  sdk::AttributeMap attributes(const std::string& queue, std::vector<std::string> names = {"All"}) {
    auto got = registry_.get_attributes(queue, names);
    EXPECT_TRUE(got.ok()) << queue << ": " << got.error().message;
    return got.ok() ? got.value() : sdk::AttributeMap{};
  }

  // One attribute's value, or "<absent>".
  std::string attribute(const std::string& queue, const std::string& name) {
    auto all = attributes(queue, {name});
    auto it = all.find(name);
    return it == all.end() ? "<absent>" : it->second;
  }

  sdk::Status set(const std::string& queue, sdk::AttributeMap changes) {
    return registry_.set_attributes(queue, changes);
  }

  std::string arn(const std::string& queue) const { return registry_.arn_of(queue); }

  std::string redrive_to(const std::string& target, int max_receive_count) const {
    return R"({"deadLetterTargetArn":")" + arn(target) + R"(","maxReceiveCount":)" +
           std::to_string(max_receive_count) + "}";
  }
};

}  // namespace sluice::core::testing
