// MoveTasks: message move tasks (DLQ redrive, spec 5.21-5.23 and 7.10). A task moves the messages
// that were visible in its source when it started, in steps of QueueStore::move; the broker paces
// the steps on its timer (MaxNumberOfMessagesPerSecond messages per one-second step, or back to
// back when no rate was given). Tasks live in this process only; the last 10 per source are kept.
//
// Threads: every method is thread-safe. step() runs store calls and must be called from the
// storage pool (or the caller of Broker::run_maintenance_now); steps of one task never overlap.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sluice/sdk/broker_api.hpp"
#include "sluice/sdk/result.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::core {

inline constexpr const char* kMoveRunning = "RUNNING";
inline constexpr const char* kMoveCompleted = "COMPLETED";
inline constexpr const char* kMoveCancelling = "CANCELLING";
inline constexpr const char* kMoveCancelled = "CANCELLED";
inline constexpr const char* kMoveFailed = "FAILED";

// Messages one step moves when the task has no rate.
inline constexpr std::uint32_t kUnpacedStepSize = 1000;

struct MoveTask {
  std::string handle;
  std::string source;       // queue name
  std::string destination;  // queue name; empty: back to each message's source
  sdk::MoveTaskInfo info;   // status, counters and ARNs, guarded by MoveTasks' mutex
  std::mutex step_mutex;    // serialises steps
};

class MoveTasks {
 public:
  // Registers a RUNNING task; kUnsupportedOperation if the source already has a RUNNING or
  // CANCELLING one.
  sdk::Result<std::shared_ptr<MoveTask>> add(std::string source, std::string destination,
                                             sdk::MoveTaskInfo info);
  // kResourceNotFound for an unknown handle; kUnsupportedOperation unless RUNNING. Marks it
  // CANCELLING (the next step makes it CANCELLED) and returns the messages moved so far.
  sdk::Result<std::uint64_t> cancel(const std::string& handle);
  // Newest first, at most `max`; handles shown only for RUNNING tasks (as SQS does).
  std::vector<sdk::MoveTaskInfo> list(const std::string& source_arn, std::uint32_t max) const;
  std::vector<std::shared_ptr<MoveTask>> active() const;

  // One step: moves up to one step's worth, updates counters and status. Returns true if the
  // task is still RUNNING afterwards (schedule another step).
  bool step(MoveTask& task, sdk::QueueStore& store, sdk::TimePoint now);

  // A snapshot of the task's public view.
  sdk::MoveTaskInfo info(const MoveTask& task) const;

 private:
  void finish_locked(MoveTask& task, const char* status, std::string reason);

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<MoveTask>> by_handle_;
  // source queue name -> its tasks, oldest first
  std::map<std::string, std::vector<std::shared_ptr<MoveTask>>> by_source_;
};

}  // namespace sluice::core
