// Message move tasks (dead-letter queue redrive): start, cancel, list.
#include "action_support.hpp"
#include "sqs_actions.hpp"

namespace sluice::plugins::sqs {

using nlohmann::json;

void SqsActions::start_message_move_task(SqsCall call, ActionDone done) {
  const Input in(call.input);
  sdk::MoveTaskRequest request;
  if (!take(in.required_string("SourceArn"), request.source_arn, done)) return;
  std::optional<std::string> destination;
  if (!take(in.string("DestinationArn"), destination, done)) return;
  request.destination_arn = destination.value_or("");
  if (!take(in.integer("MaxNumberOfMessagesPerSecond"), request.max_messages_per_second, done)) {
    return;
  }
  broker_.start_move_task(call.context, std::move(request),
                          [done](sdk::Result<std::string> handle) {
                            if (!handle.ok()) return fail(done, handle.error());
                            done(json{{"TaskHandle", *handle}});
                          });
}

void SqsActions::cancel_message_move_task(SqsCall call, ActionDone done) {
  std::string handle;
  if (!take(Input(call.input).required_string("TaskHandle"), handle, done)) return;
  broker_.cancel_move_task(call.context, std::move(handle),
                           [done](sdk::Result<std::uint64_t> moved) {
                             if (!moved.ok()) return fail(done, moved.error());
                             done(json{{"ApproximateNumberOfMessagesMoved", *moved}});
                           });
}

void SqsActions::list_message_move_tasks(SqsCall call, ActionDone done) {
  const Input in(call.input);
  std::string source;
  if (!take(in.required_string("SourceArn"), source, done)) return;
  std::optional<std::int32_t> max;
  if (!take(in.integer("MaxResults"), max, done)) return;
  if (max && (*max < 1 || *max > 10)) {
    return fail(done, sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                                      "Value " + std::to_string(*max) +
                                          " for parameter MaxResults is invalid. Reason: must be "
                                          "between 1 and 10."));
  }
  broker_.list_move_tasks(call.context, std::move(source),
                          max ? static_cast<std::uint32_t>(*max) : 1,
                          [done](sdk::Result<std::vector<sdk::MoveTaskInfo>> tasks) {
                            if (!tasks.ok()) return fail(done, tasks.error());
                            json results = json::array();
                            for (const auto& t : *tasks) {
                              json r{{"Status", t.status},
                                     {"SourceArn", t.source_arn},
                                     {"ApproximateNumberOfMessagesMoved", t.moved},
                                     {"StartedTimestamp", sdk::to_unix_millis(t.started_at)}};
                              // Only a running task has a handle to cancel it with.
                              if (t.status == "RUNNING") r["TaskHandle"] = t.task_handle;
                              if (!t.destination_arn.empty())
                                r["DestinationArn"] = t.destination_arn;
                              if (t.max_messages_per_second) {
                                r["MaxNumberOfMessagesPerSecond"] = *t.max_messages_per_second;
                              }
                              if (t.status == "RUNNING" || t.status == "CANCELLING") {
                                r["ApproximateNumberOfMessagesToMove"] = t.to_move;
                              }
                              if (!t.failure_reason.empty()) r["FailureReason"] = t.failure_reason;
                              results.push_back(std::move(r));
                            }
                            json out = json::object();
                            if (!results.empty()) out["Results"] = std::move(results);
                            done(std::move(out));
                          });
}

}  // namespace sluice::plugins::sqs
