#include "memory_queue_store.hpp"

#include <exception>
#include <mutex>
#include <new>
#include <utility>

#include "queue_state.hpp"

namespace sluice::plugins::memory {
namespace {

using sdk::ErrorCode;
using sdk::make_error;

// Runs `body` and turns anything it throws into kInternal, so no exception leaves the store.
template <typename Body>
auto guarded(std::string_view operation, std::string_view queue, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    try {
      return make_error(ErrorCode::kInternal, std::string(operation) + " on queue '" +
                                                  std::string(queue) + "' failed: " + e.what());
    } catch (...) {
      return sdk::Error{ErrorCode::kInternal, std::string()};  // out of memory for the message
    }
  } catch (...) {
    try {
      return make_error(ErrorCode::kInternal,
                        std::string(operation) + " on queue '" + std::string(queue) + "' failed");
    } catch (...) {
      return sdk::Error{ErrorCode::kInternal, std::string()};
    }
  }
}

}  // namespace

MemoryQueueStore::MemoryQueueStore() : random_(std::random_device{}()), receipt_key_(random_()) {}

MemoryQueueStore::~MemoryQueueStore() = default;

sdk::Error MemoryQueueStore::no_such_queue(std::string_view name) {
  return make_error(ErrorCode::kQueueDoesNotExist,
                    "queue '" + std::string(name) + "' does not exist");
}

MemoryQueueStore::QueuePtr MemoryQueueStore::find(std::string_view name) const {
  std::shared_lock lock(queues_mutex_);
  auto it = queues_.find(name);
  return it == queues_.end() ? nullptr : it->second;
}

sdk::Result<MemoryQueueStore::QueuePtr> MemoryQueueStore::require(std::string_view name) const {
  QueuePtr queue = find(name);
  if (!queue) return no_such_queue(name);
  return queue;
}

// --- Queues -----------------------------------------------------------------------------------

sdk::Result<sdk::QueueRecord> MemoryQueueStore::create_queue(const sdk::QueueRecord& queue) {
  return guarded("create_queue", queue.name, [&]() -> sdk::Result<sdk::QueueRecord> {
    if (queue.name.empty()) {
      return make_error(ErrorCode::kInvalidParameterValue, "queue name must not be empty");
    }
    std::unique_lock lock(queues_mutex_);
    if (queues_.contains(queue.name)) {
      return make_error(ErrorCode::kQueueAlreadyExists,
                        "queue '" + queue.name + "' already exists");
    }
    sdk::QueueRecord record = queue;
    record.version = 1;
    while (record.generation == 0) record.generation = random_();
    auto state = std::make_shared<QueueState>(record, next_incarnation_++, receipt_key_);
    queues_.emplace(record.name, std::move(state));
    return record;
  });
}

sdk::Result<sdk::QueueRecord> MemoryQueueStore::get_queue(std::string_view name) {
  return guarded("get_queue", name, [&]() -> sdk::Result<sdk::QueueRecord> {
    std::shared_lock lock(queues_mutex_);
    auto it = queues_.find(name);
    if (it == queues_.end()) return no_such_queue(name);
    return it->second->record();
  });
}

sdk::Result<sdk::QueueRecord> MemoryQueueStore::update_queue(const sdk::QueueRecord& queue) {
  return guarded("update_queue", queue.name, [&]() -> sdk::Result<sdk::QueueRecord> {
    // The shared map lock orders the update against delete_queue.
    std::shared_lock lock(queues_mutex_);
    auto it = queues_.find(queue.name);
    if (it == queues_.end()) return no_such_queue(queue.name);
    return it->second->update_record(queue);
  });
}

sdk::Status MemoryQueueStore::delete_queue(std::string_view name) {
  return guarded("delete_queue", name, [&]() -> sdk::Status {
    QueuePtr state;
    {
      std::unique_lock lock(queues_mutex_);
      auto it = queues_.find(name);
      if (it == queues_.end()) return no_such_queue(name);
      state = std::move(it->second);
      queues_.erase(it);
    }
    // Callers that found the queue before it left the map see deleted() once they lock it.
    std::lock_guard lock(state->mutex());
    state->mark_deleted();
    return sdk::Status::Ok();
  });
}

sdk::Result<sdk::ListQueuesPage> MemoryQueueStore::list_queues(std::string_view prefix,
                                                               std::size_t max,
                                                               std::string_view page_token) {
  return guarded("list_queues", prefix, [&]() -> sdk::Result<sdk::ListQueuesPage> {
    if (max == 0) {
      return make_error(ErrorCode::kInvalidParameterValue,
                        "list_queues: max must be at least 1, got 0");
    }
    sdk::ListQueuesPage page;
    std::shared_lock lock(queues_mutex_);
    auto it = page_token.empty() || page_token < prefix ? queues_.lower_bound(prefix)
                                                        : queues_.upper_bound(page_token);
    for (; it != queues_.end() && it->first.starts_with(prefix); ++it) {
      if (page.queues.size() == max) {
        page.next_token = page.queues.back().name;
        break;
      }
      page.queues.push_back(it->second->record());
    }
    return page;
  });
}

// --- Messages ---------------------------------------------------------------------------------

sdk::Result<std::vector<sdk::AppendOutcome>> MemoryQueueStore::append(
    std::string_view queue, std::span<const sdk::NewMessage> messages,
    const sdk::AppendSpec& spec) {
  return guarded("append", queue, [&]() -> sdk::Result<std::vector<sdk::AppendOutcome>> {
    auto state = require(queue);
    if (!state.ok()) return state.error();
    std::lock_guard lock((*state)->mutex());
    if ((*state)->deleted()) return no_such_queue(queue);
    return (*state)->append(messages, spec);
  });
}

sdk::Result<sdk::ClaimResult> MemoryQueueStore::claim(std::string_view queue,
                                                      const sdk::ClaimSpec& spec) {
  return guarded("claim", queue, [&] { return claim_unguarded(queue, spec); });
}

// A claim first runs with only its own queue locked, so a queue with a redrive policy does not
// contend with the other sources of its dead-letter queue. Only when it meets a message to
// dead-letter does it lock both queues (in the fixed order) and continue from there.
sdk::Result<sdk::ClaimResult> MemoryQueueStore::claim_unguarded(std::string_view queue,
                                                                const sdk::ClaimSpec& spec) {
  if (auto checked = sdk::check_claim_spec(queue, spec); !checked.ok()) return checked.error();
  auto source = require(queue);
  if (!source.ok()) return source.error();
  QueuePtr dead_letter_queue;
  if (spec.max_receives > 0 && spec.dead_letter_queue != queue) {
    dead_letter_queue = find(spec.dead_letter_queue);
  }
  const auto over_limit = [&] {
    return make_error(ErrorCode::kOverLimit, "queue '" + std::string(queue) + "' already has " +
                                                 std::to_string(spec.in_flight_limit) +
                                                 " messages in flight, its limit");
  };

  sdk::ClaimResult result;
  {
    std::lock_guard lock((*source)->mutex());
    if ((*source)->deleted()) return no_such_queue(queue);
    const auto mode = dead_letter_queue ? DeadLetterMode::kStop : DeadLetterMode::kDeliver;
    switch ((*source)->claim(spec, mode, nullptr, result)) {
      case ClaimOutcome::kOverLimit:
        return over_limit();
      case ClaimOutcome::kDone:
        return result;
      case ClaimOutcome::kStoppedForDeadLetter:
        break;
    }
  }

  QueuePairLock locks(**source, *dead_letter_queue);
  if ((*source)->deleted()) {
    if (result.deliveries.empty()) return no_such_queue(queue);
    return result;  // the claim happened before the deletion
  }
  // A dead-letter queue deleted meanwhile counts as absent: deliver as if no limit were set.
  const auto mode = dead_letter_queue->deleted() ? DeadLetterMode::kDeliver : DeadLetterMode::kMove;
  const ClaimOutcome outcome = (*source)->claim(spec, mode, dead_letter_queue.get(), result);
  if (outcome == ClaimOutcome::kOverLimit && result.deliveries.empty() &&
      result.dead_lettered == 0) {
    return over_limit();
  }
  return result;
}

sdk::Result<std::vector<sdk::Status>> MemoryQueueStore::remove(
    std::string_view queue, std::span<const std::string> receipts) {
  return guarded("remove", queue, [&]() -> sdk::Result<std::vector<sdk::Status>> {
    auto state = require(queue);
    if (!state.ok()) return state.error();
    std::vector<sdk::Status> statuses;
    statuses.reserve(receipts.size());
    std::lock_guard lock((*state)->mutex());
    if ((*state)->deleted()) return no_such_queue(queue);
    for (const std::string& receipt : receipts) statuses.push_back((*state)->remove(receipt));
    return statuses;
  });
}

sdk::Result<std::vector<sdk::Status>> MemoryQueueStore::set_visibility(
    std::string_view queue, std::span<const sdk::VisibilityChange> changes, sdk::TimePoint now) {
  return guarded("set_visibility", queue, [&]() -> sdk::Result<std::vector<sdk::Status>> {
    auto state = require(queue);
    if (!state.ok()) return state.error();
    std::vector<sdk::Status> statuses;
    statuses.reserve(changes.size());
    std::lock_guard lock((*state)->mutex());
    if ((*state)->deleted()) return no_such_queue(queue);
    for (const auto& change : changes) statuses.push_back((*state)->set_visibility(change, now));
    return statuses;
  });
}

sdk::Result<std::uint64_t> MemoryQueueStore::purge(std::string_view queue) {
  return guarded("purge", queue, [&]() -> sdk::Result<std::uint64_t> {
    auto state = require(queue);
    if (!state.ok()) return state.error();
    std::lock_guard lock((*state)->mutex());
    if ((*state)->deleted()) return no_such_queue(queue);
    return (*state)->purge();
  });
}

sdk::Result<sdk::QueueCounts> MemoryQueueStore::counts(std::string_view queue, sdk::TimePoint now) {
  return guarded("counts", queue, [&]() -> sdk::Result<sdk::QueueCounts> {
    auto state = require(queue);
    if (!state.ok()) return state.error();
    std::lock_guard lock((*state)->mutex());
    if ((*state)->deleted()) return no_such_queue(queue);
    return (*state)->counts(now);
  });
}

sdk::Result<std::uint64_t> MemoryQueueStore::expire(std::string_view queue, sdk::TimePoint cutoff) {
  return guarded("expire", queue, [&]() -> sdk::Result<std::uint64_t> {
    auto state = require(queue);
    if (!state.ok()) return state.error();
    std::lock_guard lock((*state)->mutex());
    if ((*state)->deleted()) return no_such_queue(queue);
    return (*state)->expire(cutoff);
  });
}

sdk::Result<sdk::MoveResult> MemoryQueueStore::move(std::string_view from,
                                                    const sdk::MoveSpec& spec) {
  return guarded("move", from, [&] { return move_unguarded(from, spec); });
}

}  // namespace sluice::plugins::memory
