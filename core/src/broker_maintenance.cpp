// Broker maintenance: the retention sweep and message move tasks (start, cancel, list and the
// paced steps that do the moving).
#include <chrono>
#include <memory>

#include "broker_impl.hpp"
#include "retention_sweeper.hpp"

namespace sluice::core {
namespace {

constexpr std::int32_t kMaxMoveRate = 500;
constexpr std::uint32_t kMaxListedTasks = 10;

sdk::Error unknown_arn(const std::string& what, const std::string& arn) {
  return sdk::make_error(sdk::ErrorCode::kResourceNotFound, what + " " + arn + " does not exist.");
}

}  // namespace

void Broker::Impl::sweep_now() {
  const auto report = sweep_retention(registry, *store, *clock, *logger);
  if (report.expired > 0 && logger->enabled(sdk::LogLevel::kInfo)) {
    logger->info("retention sweep: " + std::to_string(report.expired) + " messages expired in " +
                 std::to_string(report.queues) + " queues");
  }
}

void Broker::Impl::run_move_step(const std::shared_ptr<MoveTask>& task) {
  share_keys_for_move(*task);
  const bool more = move_tasks.step(*task, *store, clock->now());
  if (more && running()) {
    schedule_move_step(task, task->info.max_messages_per_second.has_value());
  }
}

void Broker::Impl::share_keys_for_move(const MoveTask& task) {
  // Messages moved back to their own source need nothing: they return to the queue that owns
  // their key.
  if (!sealer || task.destination.empty()) return;
  if (auto shared = sealer->share_keys(task.source, task.destination); !shared) {
    logger->warn("move task " + task.handle + ": " + shared.error().message);
  }
}

void Broker::Impl::schedule_move_step(const std::shared_ptr<MoveTask>& task, bool paced) {
  auto step = [this, task] { run_move_step(task); };
  if (!paced) {
    pool.post(step);  // refused only while stopping: the task stays where it is
    return;
  }
  // One step per second moves at most MaxNumberOfMessagesPerSecond.
  timers.after(std::chrono::seconds(1), [this, step] { pool.post(step); });
}

void Broker::run_maintenance_now() {
  Impl* impl = impl_.get();
  impl->sweep_now();
  for (const auto& task : impl->move_tasks.active()) {
    impl->share_keys_for_move(*task);
    impl->move_tasks.step(*task, *impl->store, impl->clock->now());
  }
}

void Broker::start_move_task(const sdk::RequestContext&, sdk::MoveTaskRequest request,
                             sdk::Completion<std::string> done) {
  Impl* impl = impl_.get();
  impl->submit<std::string>(std::move(done), [impl, request]() -> sdk::Result<std::string> {
    auto source = impl->registry.name_of(request.source_arn);
    if (!source.ok()) return unknown_arn("Source queue", request.source_arn);
    auto source_settings = impl->registry.settings(*source);
    if (!source_settings.ok()) {
      if (source_settings.code() == sdk::ErrorCode::kQueueDoesNotExist) {
        return unknown_arn("Source queue", request.source_arn);
      }
      return source_settings.error();
    }
    if (request.max_messages_per_second &&
        (*request.max_messages_per_second < 1 || *request.max_messages_per_second > kMaxMoveRate)) {
      return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                             "Value " + std::to_string(*request.max_messages_per_second) +
                                 " for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: "
                                 "Must be between 1 and 500.");
    }
    std::string destination;
    if (!request.destination_arn.empty()) {
      auto name = impl->registry.name_of(request.destination_arn);
      if (!name.ok()) return unknown_arn("Destination queue", request.destination_arn);
      auto dest_settings = impl->registry.settings(*name);
      if (!dest_settings.ok()) {
        if (dest_settings.code() == sdk::ErrorCode::kQueueDoesNotExist) {
          return unknown_arn("Destination queue", request.destination_arn);
        }
        return dest_settings.error();
      }
      if (dest_settings->fifo != source_settings->fifo) {
        return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                               "The destination queue " + request.destination_arn +
                                   " must be of the same type (standard or FIFO) as the source.");
      }
      destination = *name;
    }
    auto sources = impl->registry.dead_letter_sources(*source, 1, "");
    if (!sources.ok()) return sources.error();
    if (sources->names.empty()) {
      return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                             "Source queue " + request.source_arn +
                                 " must be configured as a dead-letter queue of another queue.");
    }
    const auto now = impl->clock->now();
    auto counts = impl->store->counts(*source, now);
    if (!counts.ok()) return counts.error();

    sdk::MoveTaskInfo info;
    info.source_arn = request.source_arn;
    info.destination_arn = request.destination_arn;
    info.max_messages_per_second = request.max_messages_per_second;
    info.to_move = counts->visible;
    info.started_at = now;
    auto task = impl->move_tasks.add(*source, destination, std::move(info));
    if (!task.ok()) return task.error();
    impl->schedule_move_step(*task, false);  // the first step starts at once
    return (*task)->handle;
  });
}

void Broker::cancel_move_task(const sdk::RequestContext&, std::string task_handle,
                              sdk::Completion<std::uint64_t> done) {
  Impl* impl = impl_.get();
  impl->submit<std::uint64_t>(std::move(done),
                              [impl, task_handle] { return impl->move_tasks.cancel(task_handle); });
}

void Broker::list_move_tasks(const sdk::RequestContext&, std::string source_arn, std::uint32_t max,
                             sdk::Completion<std::vector<sdk::MoveTaskInfo>> done) {
  Impl* impl = impl_.get();
  impl->submit<std::vector<sdk::MoveTaskInfo>>(
      std::move(done), [impl, source_arn, max]() -> sdk::Result<std::vector<sdk::MoveTaskInfo>> {
        // 0 means "not given": SQS's default is the most recent task only.
        const std::uint32_t limit = max == 0 ? 1 : max;
        if (limit > kMaxListedTasks) {
          return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                                 "Value " + std::to_string(max) +
                                     " for parameter MaxResults is invalid. Reason: Must be "
                                     "between 1 and 10.");
        }
        auto source = impl->registry.name_of(source_arn);
        if (!source.ok()) return unknown_arn("Source queue", source_arn);
        auto settings = impl->registry.settings(*source);
        if (!settings.ok()) {
          if (settings.code() == sdk::ErrorCode::kQueueDoesNotExist) {
            return unknown_arn("Source queue", source_arn);
          }
          return settings.error();
        }
        return impl->move_tasks.list(source_arn, limit);
      });
}

}  // namespace sluice::core
