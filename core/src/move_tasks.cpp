#include "move_tasks.hpp"

#include <algorithm>

#include "envelope_codec.hpp"
#include "receipt_codec.hpp"

namespace sluice::core {
namespace {

constexpr std::size_t kKeptPerSource = 10;

bool is_active(const sdk::MoveTaskInfo& info) {
  return info.status == kMoveRunning || info.status == kMoveCancelling;
}

}  // namespace

sdk::Result<std::shared_ptr<MoveTask>> MoveTasks::add(std::string source, std::string destination,
                                                      sdk::MoveTaskInfo info) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& tasks = by_source_[source];
  for (const auto& task : tasks) {
    if (is_active(task->info)) {
      return sdk::make_error(sdk::ErrorCode::kUnsupportedOperation,
                             "A message move task is already running on " + info.source_arn +
                                 "; only one active task per source queue is allowed.");
    }
  }
  auto task = std::make_shared<MoveTask>();
  // Opaque to clients; like AWS's, a base64 JSON naming the task and its source.
  task->handle = base64url_encode("{\"taskId\":\"" + new_uuid_v4() + "\",\"sourceArn\":\"" +
                                  info.source_arn + "\"}");
  task->source = std::move(source);
  task->destination = std::move(destination);
  info.task_handle = task->handle;
  info.status = kMoveRunning;
  task->info = std::move(info);
  tasks.push_back(task);
  by_handle_[task->handle] = task;
  // Keep the newest finished tasks only.
  while (tasks.size() > kKeptPerSource) {
    auto oldest =
        std::find_if(tasks.begin(), tasks.end(), [](const auto& t) { return !is_active(t->info); });
    if (oldest == tasks.end()) break;
    by_handle_.erase((*oldest)->handle);
    tasks.erase(oldest);
  }
  return task;
}

sdk::Result<std::uint64_t> MoveTasks::cancel(const std::string& handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_handle_.find(handle);
  if (it == by_handle_.end()) {
    return sdk::make_error(sdk::ErrorCode::kResourceNotFound,
                           "Message move task " + handle + " does not exist.");
  }
  auto& info = it->second->info;
  if (info.status != kMoveRunning) {
    return sdk::make_error(sdk::ErrorCode::kUnsupportedOperation,
                           "Message move task " + handle + " is " + info.status +
                               "; only a RUNNING task can be cancelled.");
  }
  info.status = kMoveCancelling;
  return info.moved;
}

std::vector<sdk::MoveTaskInfo> MoveTasks::list(const std::string& source_arn,
                                               std::uint32_t max) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<sdk::MoveTaskInfo> out;
  for (const auto& [source, tasks] : by_source_) {
    for (auto it = tasks.rbegin(); it != tasks.rend() && out.size() < max; ++it) {
      if ((*it)->info.source_arn != source_arn) break;  // one source per key
      out.push_back((*it)->info);
      if (out.back().status != kMoveRunning) out.back().task_handle.clear();
    }
  }
  return out;
}

std::vector<std::shared_ptr<MoveTask>> MoveTasks::active() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<MoveTask>> out;
  for (const auto& [source, tasks] : by_source_) {
    for (const auto& task : tasks) {
      if (is_active(task->info)) out.push_back(task);
    }
  }
  return out;
}

sdk::MoveTaskInfo MoveTasks::info(const MoveTask& task) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return task.info;
}

void MoveTasks::finish_locked(MoveTask& task, const char* status, std::string reason) {
  task.info.status = status;
  task.info.failure_reason = std::move(reason);
}

bool MoveTasks::step(MoveTask& task, sdk::QueueStore& store, sdk::TimePoint now) {
  std::lock_guard<std::mutex> step_lock(task.step_mutex);
  std::uint32_t budget = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (task.info.status == kMoveCancelling) {
      finish_locked(task, kMoveCancelled, {});
      return false;
    }
    if (task.info.status != kMoveRunning) return false;
    if (task.info.moved >= task.info.to_move) {
      finish_locked(task, kMoveCompleted, {});
      return false;
    }
    const std::uint64_t left = task.info.to_move - task.info.moved;
    const std::uint64_t per_step =
        task.info.max_messages_per_second
            ? static_cast<std::uint64_t>(*task.info.max_messages_per_second)
            : kUnpacedStepSize;
    budget = static_cast<std::uint32_t>(std::min(left, per_step));
  }
  sdk::MoveSpec spec;
  spec.now = now;
  spec.max_messages = budget;
  spec.destination = task.destination;
  auto result = store.move(task.source, spec);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!result.ok()) {
    finish_locked(task, kMoveFailed, result.error().message);
    return false;
  }
  task.info.moved += result->moved;
  if (task.info.status == kMoveCancelling) {
    finish_locked(task, kMoveCancelled, {});
    return false;
  }
  // Done when the snapshot is moved, the source is empty, or nothing more could move (the rest
  // is in flight or was deleted meanwhile).
  if (task.info.moved >= task.info.to_move || result->remaining == 0 || result->moved == 0) {
    finish_locked(task, kMoveCompleted, {});
    return false;
  }
  return true;
}

}  // namespace sluice::core
