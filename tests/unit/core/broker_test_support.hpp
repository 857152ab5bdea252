// Shared fixture for the Broker tests: a started Broker on a MemoryQueueStore and a ManualClock,
// plus blocking wrappers around the asynchronous BrokerApi calls.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "memory_queue_store.hpp"
#include "sluice/core/broker.hpp"
#include "sluice/core/clock.hpp"

namespace sluice::core::testing {

// Keeps log lines so tests can print them on failure.
class RecordingLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel level, std::string_view message) override {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.emplace_back(std::to_string(static_cast<int>(level)) + " " + std::string(message));
  }
  bool enabled(sdk::LogLevel) const override { return true; }
  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

// A QueueStore that forwards everything to a MemoryQueueStore; tests override what they watch.
class ForwardingStore : public sdk::QueueStore {
 public:
  sdk::Result<sdk::QueueRecord> create_queue(const sdk::QueueRecord& q) override {
    return inner_.create_queue(q);
  }
  sdk::Result<sdk::QueueRecord> get_queue(std::string_view n) override {
    return inner_.get_queue(n);
  }
  sdk::Result<sdk::QueueRecord> update_queue(const sdk::QueueRecord& q) override {
    return inner_.update_queue(q);
  }
  sdk::Status delete_queue(std::string_view n) override { return inner_.delete_queue(n); }
  sdk::Result<sdk::ListQueuesPage> list_queues(std::string_view p, std::size_t m,
                                               std::string_view t) override {
    return inner_.list_queues(p, m, t);
  }
  sdk::Result<std::vector<sdk::AppendOutcome>> append(std::string_view queue,
                                                      std::span<const sdk::NewMessage> messages,
                                                      const sdk::AppendSpec& spec) override {
    return inner_.append(queue, messages, spec);
  }
  sdk::Result<sdk::ClaimResult> claim(std::string_view q, const sdk::ClaimSpec& s) override {
    return inner_.claim(q, s);
  }
  sdk::Result<std::vector<sdk::Status>> remove(std::string_view q,
                                               std::span<const std::string> r) override {
    return inner_.remove(q, r);
  }
  sdk::Result<std::vector<sdk::Status>> set_visibility(std::string_view q,
                                                       std::span<const sdk::VisibilityChange> c,
                                                       sdk::TimePoint now) override {
    return inner_.set_visibility(q, c, now);
  }
  sdk::Result<std::uint64_t> purge(std::string_view q) override { return inner_.purge(q); }
  sdk::Result<sdk::QueueCounts> counts(std::string_view q, sdk::TimePoint now) override {
    return inner_.counts(q, now);
  }
  sdk::Result<std::uint64_t> expire(std::string_view q, sdk::TimePoint c) override {
    return inner_.expire(q, c);
  }
  sdk::Result<sdk::MoveResult> move(std::string_view f, const sdk::MoveSpec& s) override {
    return inner_.move(f, s);
  }

 private:
  plugins::memory::MemoryQueueStore inner_;
};

// Calls `start(done)` and waits (up to 30 s) for the completion.
template <typename R, typename Start>
R await(Start&& start) {
  auto promise = std::make_shared<std::promise<R>>();
  auto future = promise->get_future();
  start([promise](R result) { promise->set_value(std::move(result)); });
  if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    ADD_FAILURE() << "completion handler not called within 30 s";
    std::abort();
  }
  return future.get();
}

inline sdk::SendEntry entry(std::string body, std::string id = {}) {
  sdk::SendEntry e;
  e.entry_id = std::move(id);
  e.body = std::move(body);
  return e;
}

class BrokerTest : public ::testing::Test {
 protected:
  BrokerTest() { options_.receipt_secret = "unit-test-secret"; }
  ~BrokerTest() override {
    if (broker_) broker_->stop();
  }

  void SetUp() override { start_broker(); }

  // (Re)creates the broker with options_ and the given store (default: a fresh memory store).
  void start_broker(std::shared_ptr<sdk::QueueStore> store = nullptr) {
    if (broker_) broker_->stop();
    broker_.reset();
    store_ = store ? std::move(store) : std::make_shared<plugins::memory::MemoryQueueStore>();
    broker_ = std::make_unique<Broker>(store_, options_, clock_, logger_);
    broker_->start();
  }

  sdk::Result<sdk::QueueInfo> try_create(const std::string& name,
                                         sdk::AttributeMap attributes = {}) {
    sdk::CreateQueueRequest request;
    request.name = name;
    request.attributes = std::move(attributes);
    return await<sdk::Result<sdk::QueueInfo>>(
        [&](auto done) { broker_->create_queue(ctx_, request, done); });
  }
  sdk::QueueInfo create(const std::string& name, sdk::AttributeMap attributes = {}) {
    auto info = try_create(name, std::move(attributes));
    EXPECT_TRUE(info.ok()) << (info.ok() ? "" : info.error().message);
    return info.ok() ? info.value() : sdk::QueueInfo{};
  }
  sdk::QueueInfo create_fifo(const std::string& name, sdk::AttributeMap attributes = {}) {
    attributes["FifoQueue"] = "true";
    return create(name, std::move(attributes));
  }
  // A source queue whose RedrivePolicy points at `dlq` with maxReceiveCount.
  void create_with_dlq(const std::string& name, const std::string& dlq, int max_receives) {
    create(dlq);
    create(name, {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + broker_->queue_arn(dlq) +
                                        "\",\"maxReceiveCount\":\"" + std::to_string(max_receives) +
                                        "\"}"}});
  }

  sdk::Result<std::vector<sdk::Result<sdk::SendOutcome>>> send_batch(
      const std::string& queue, std::vector<sdk::SendEntry> entries) {
    return await<sdk::Result<std::vector<sdk::Result<sdk::SendOutcome>>>>(
        [&](auto done) { broker_->send_messages(ctx_, queue, entries, done); });
  }
  // One entry; returns that entry's outcome (or the whole call's error).
  sdk::Result<sdk::SendOutcome> try_send(const std::string& queue, sdk::SendEntry e) {
    auto result = send_batch(queue, {std::move(e)});
    if (!result.ok()) return result.error();
    return std::move(result.value().at(0));
  }
  sdk::SendOutcome send(const std::string& queue, const std::string& body) {
    auto outcome = try_send(queue, entry(body));
    EXPECT_TRUE(outcome.ok()) << (outcome.ok() ? "" : outcome.error().message);
    return outcome.ok() ? outcome.value() : sdk::SendOutcome{};
  }

  sdk::Result<std::vector<sdk::ReceivedMessage>> receive_request(sdk::ReceiveRequest request) {
    return await<sdk::Result<std::vector<sdk::ReceivedMessage>>>(
        [&](auto done) { broker_->receive_messages(ctx_, request, done); });
  }
  // Short poll by default.
  std::vector<sdk::ReceivedMessage> receive(const std::string& queue, std::uint32_t max = 10,
                                            std::optional<std::int32_t> visibility = std::nullopt,
                                            std::int32_t wait = 0) {
    sdk::ReceiveRequest request;
    request.queue = queue;
    request.max_messages = max;
    request.visibility_seconds = visibility;
    request.wait_seconds = wait;
    auto result = receive_request(request);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? result.value() : std::vector<sdk::ReceivedMessage>{};
  }

  sdk::Result<std::vector<sdk::Status>> delete_messages(const std::string& queue,
                                                        std::vector<std::string> handles) {
    return await<sdk::Result<std::vector<sdk::Status>>>(
        [&](auto done) { broker_->delete_messages(ctx_, queue, handles, done); });
  }
  sdk::Result<std::vector<sdk::Status>> change_visibility(const std::string& queue,
                                                          const std::string& handle,
                                                          std::int32_t seconds) {
    std::vector<sdk::VisibilityEntry> entries{{handle, seconds}};
    return await<sdk::Result<std::vector<sdk::Status>>>(
        [&](auto done) { broker_->change_visibility(ctx_, queue, entries, done); });
  }

  BrokerOptions options_;
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::shared_ptr<RecordingLogger> logger_ = std::make_shared<RecordingLogger>();
  std::shared_ptr<sdk::QueueStore> store_;
  std::unique_ptr<Broker> broker_;
  sdk::RequestContext ctx_;
};

}  // namespace sluice::core::testing
