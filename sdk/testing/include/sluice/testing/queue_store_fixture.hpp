// The fixture every storage conformance suite derives from, and the assertion helpers they share.
//
// A suite is instantiated with a Factory: any type with
//   static std::shared_ptr<sluice::sdk::QueueStore> create();
// Each test gets a fresh store from it, but stores may share a backend (one PostgreSQL database,
// one Redis) so a new store object can see data left by earlier tests or runs. Every test therefore
// names its queues with a random per-test prefix (queue_name()) and never assumes the backend is
// empty. Time is driven only through the `now` arguments (at()); no test sleeps or reads a clock.
//
// Threads: the fixture itself is used from the test's thread; concurrency tests hand store_ptr()
// to their worker threads, which is fine because a QueueStore must be thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sluice/sdk/result.hpp"
#include "sluice/sdk/storage.hpp"
#include "sluice/sdk/types.hpp"

namespace sluice::conformance {

// "ok", or "<CodeName>: <message>", for assertion messages.
inline std::string describe(const sdk::Error& error) {
  return std::string(sdk::error_code_name(error.code)) + ": " + error.message;
}
inline std::string describe(const sdk::Status& status) {
  return status.ok() ? std::string("ok") : describe(status.error());
}
template <typename T>
std::string describe(const sdk::Result<T>& result) {
  return result.ok() ? std::string("ok") : describe(result.error());
}
// The code's name, or "ok"; comparing names keeps gtest's failure output readable.
inline std::string code_name(const sdk::Status& status) {
  return status.ok() ? std::string("ok") : std::string(sdk::error_code_name(status.code()));
}
template <typename T>
std::string code_name(const sdk::Result<T>& result) {
  return result.ok() ? std::string("ok") : std::string(sdk::error_code_name(result.code()));
}
inline std::string code_name(sdk::ErrorCode code) {
  return std::string(sdk::error_code_name(code));
}

#define SLUICE_KIT_CONCAT_INNER(a, b) a##b
#define SLUICE_KIT_CONCAT(a, b) SLUICE_KIT_CONCAT_INNER(a, b)

// Asserts that a Status or Result<T> is ok, printing the error otherwise.
#define SLUICE_ASSERT_OK(expr)                                                         \
  do {                                                                                 \
    const auto& sluice_kit_status = (expr);                                            \
    ASSERT_TRUE(sluice_kit_status.ok())                                                \
        << #expr << " failed: " << ::sluice::conformance::describe(sluice_kit_status); \
  } while (0)
#define SLUICE_EXPECT_OK(expr)                                                         \
  do {                                                                                 \
    const auto& sluice_kit_status = (expr);                                            \
    EXPECT_TRUE(sluice_kit_status.ok())                                                \
        << #expr << " failed: " << ::sluice::conformance::describe(sluice_kit_status); \
  } while (0)

// Expects a Status or Result<T> to have failed with `code`.
#define SLUICE_EXPECT_ERROR(expr, code) \
  EXPECT_EQ(::sluice::conformance::code_name(expr), ::sluice::conformance::code_name(code)) << #expr

// `lhs = value of expr`, or a fatal failure naming the error. Usable only in void functions
// (test bodies): SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(q, this->at(0)));
#define SLUICE_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  SLUICE_KIT_ASSIGN_IMPL(SLUICE_KIT_CONCAT(sluice_kit_result_, __LINE__), lhs, expr)
#define SLUICE_KIT_ASSIGN_IMPL(tmp, lhs, expr)                                           \
  auto tmp = (expr);                                                                     \
  ASSERT_TRUE(tmp.ok()) << #expr << " failed: " << ::sluice::conformance::describe(tmp); \
  lhs = std::move(tmp).value()

// True if `a` < `b` as decimal numbers of any length. Both must be non-empty digit strings.
inline bool is_decimal(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}
inline bool decimal_less(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

template <typename Factory>
class QueueStoreTest : public ::testing::Test {
  static_assert(
      std::is_convertible_v<decltype(Factory::create()), std::shared_ptr<sdk::QueueStore>>,
      "a conformance factory needs: static std::shared_ptr<sluice::sdk::QueueStore> create();");

 protected:
  using Millis = sdk::Millis;
  using TimePoint = sdk::TimePoint;

  void SetUp() override {
    store_ = Factory::create();
    ASSERT_NE(store_, nullptr) << "the store factory returned no store";
    run_id_ = random_hex(12);
  }

  // Deletes the queues this test created so shared backends do not fill up. A queue the test
  // already deleted is fine; any other failure is the store's and fails the test.
  void TearDown() override {
    if (store_ == nullptr) return;
    for (const std::string& name : created_) {
      sdk::Status status = store_->delete_queue(name);
      if (!status.ok() && status.code() != sdk::ErrorCode::kQueueDoesNotExist) {
        ADD_FAILURE() << "cleanup: delete_queue(" << name << ") failed: " << describe(status);
      }
    }
    created_.clear();
    store_.reset();
  }

  sdk::QueueStore& store() { return *store_; }
  const std::shared_ptr<sdk::QueueStore>& store_ptr() const { return store_; }

  // The test's time origin and offsets from it. Fixed, so a failure replays identically.
  static TimePoint t0() { return sdk::from_unix_millis(1'700'000'000'000); }
  static TimePoint at(std::int64_t ms_after_t0) { return t0() + Millis(ms_after_t0); }

  // Every queue of this test starts with this; no other test (or run) shares it.
  std::string name_prefix() const { return "kit-" + run_id_ + "-"; }
  // A valid SQS-style queue name unique to this test: kit-<random>-<role>[.fifo].
  std::string queue_name(std::string_view role, bool fifo = false) const {
    return name_prefix() + std::string(role) + (fifo ? ".fifo" : "");
  }

  // Creates queue_name(role, fifo) with a random generation and the given metadata.
  sdk::Result<sdk::QueueRecord> create_queue(std::string_view role, bool fifo = false,
                                             std::string metadata = "meta") {
    sdk::QueueRecord record;
    record.name = queue_name(role, fifo);
    record.fifo = fifo;
    record.generation = random_generation();
    record.metadata = std::move(metadata);
    auto created = store_->create_queue(record);
    if (created.ok()) remember(record.name);
    return created;
  }
  // Registers a queue name created some other way, so TearDown deletes it.
  void remember(const std::string& name) { created_.push_back(name); }

  // Message ids are unique across tests; envelopes are binary (NUL and high bytes) so a store that
  // treats them as text fails.
  std::string message_id(std::string_view tag) const {
    return run_id_ + "-msg-" + std::string(tag);
  }
  static std::string envelope(std::string_view tag) {
    std::string bytes = "envelope:";
    bytes += tag;
    bytes.push_back('\0');
    bytes += "\x01\x7f\x80\xff";
    return bytes;
  }

  // A standard-queue message sent at `sent_at`, receivable after `delay`.
  sdk::NewMessage message(std::string_view tag, TimePoint sent_at = t0(), Millis delay = Millis(0),
                          std::string group_id = "") const {
    sdk::NewMessage m;
    m.message_id = message_id(tag);
    m.envelope = envelope(tag);
    m.sent_at = sent_at;
    m.visible_at = sent_at + delay;
    m.group_id = std::move(group_id);
    return m;
  }
  // A FIFO message of `group_id` with dedup key `dedup_key` (defaults to the tag).
  sdk::NewMessage fifo_message(std::string_view tag, std::string group_id, TimePoint sent_at = t0(),
                               std::string dedup_key = "") const {
    sdk::NewMessage m = message(tag, sent_at, Millis(0), std::move(group_id));
    m.dedup_key = dedup_key.empty() ? "dedup-" + std::string(tag) : std::move(dedup_key);
    return m;
  }

  sdk::Result<std::vector<sdk::AppendOutcome>> append(
      const std::string& queue, std::vector<sdk::NewMessage> messages, TimePoint now = t0(),
      Millis dedup_window = std::chrono::minutes(5)) {
    sdk::AppendSpec spec;
    spec.now = now;
    spec.dedup_window = dedup_window;
    return store_->append(queue, std::span<const sdk::NewMessage>(messages), spec);
  }

  static sdk::ClaimSpec claim_spec(TimePoint now, std::uint32_t max_messages = 10,
                                   Millis visibility = std::chrono::seconds(30)) {
    sdk::ClaimSpec spec;
    spec.now = now;
    spec.max_messages = max_messages;
    spec.visibility = visibility;
    return spec;
  }
  sdk::Result<sdk::ClaimResult> claim(const std::string& queue, TimePoint now,
                                      std::uint32_t max_messages = 10,
                                      Millis visibility = std::chrono::seconds(30)) {
    return store_->claim(queue, claim_spec(now, max_messages, visibility));
  }

  // One receipt / one change, flattened to one Status (the call's error, or the item's outcome).
  sdk::Status remove_one(const std::string& queue, const std::string& receipt) {
    std::vector<std::string> receipts{receipt};
    return single(store_->remove(queue, std::span<const std::string>(receipts)), "remove");
  }
  sdk::Status set_visibility_one(const std::string& queue, const std::string& receipt,
                                 TimePoint visible_at, TimePoint now) {
    std::vector<sdk::VisibilityChange> changes{sdk::VisibilityChange{receipt, visible_at}};
    return single(
        store_->set_visibility(queue, std::span<const sdk::VisibilityChange>(changes), now),
        "set_visibility");
  }

  static std::vector<std::string> ids_of(const std::vector<sdk::Delivery>& deliveries) {
    std::vector<std::string> ids;
    for (const auto& d : deliveries) ids.push_back(d.message_id);
    return ids;
  }
  std::vector<std::string> ids_for(std::initializer_list<std::string_view> tags) const {
    std::vector<std::string> ids;
    for (std::string_view tag : tags) ids.push_back(message_id(tag));
    return ids;
  }

  static std::string random_hex(std::size_t digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::random_device device;
    std::mt19937_64 engine((static_cast<std::uint64_t>(device()) << 32) ^ device());
    std::string out;
    for (std::size_t i = 0; i < digits; ++i) out.push_back(kHex[engine() % 16]);
    return out;
  }
  static std::uint64_t random_generation() {
    std::random_device device;
    std::uint64_t value = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    return value == 0 ? 1 : value;
  }

 private:
  static sdk::Status single(sdk::Result<std::vector<sdk::Status>> result, const char* what) {
    if (!result.ok()) return result.error();
    if (result->size() != 1) {
      return sdk::make_error(sdk::ErrorCode::kInternal, std::string(what) + " returned " +
                                                            std::to_string(result->size()) +
                                                            " outcomes for 1 input");
    }
    return std::move(result->front());
  }

  std::shared_ptr<sdk::QueueStore> store_;
  std::string run_id_;
  std::vector<std::string> created_;
};

}  // namespace sluice::conformance
