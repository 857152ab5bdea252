// BrokerApi: what protocol front ends call. Every method is asynchronous: it returns at once and
// later calls its completion handler exactly once, on a core thread. Handlers must not block;
// front ends post them onto their own strand. No front-end thread ever waits for storage.
//
// Two ways to consume:
//  * pull (SQS ReceiveMessage): receive() claims up to N messages, waiting up to `wait` for the
//    first to arrive (long polling); it completes the moment one becomes available.
//  * push (AMQP basic.consume): consume() registers a consumer with a prefetch window; the core
//    delivers while the window has room and the consumer settles deliveries to reopen it.
// Both share the same claim primitive, so a queue is one queue whichever protocol reaches it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/sdk/message.hpp"
#include "sluice/sdk/result.hpp"
#include "sluice/sdk/types.hpp"

namespace sluice::sdk {

template <typename T>
using Completion = std::function<void(Result<T>)>;
using StatusCompletion = std::function<void(Status)>;

// Who is calling, as the front end (and its auth plugin) established it.
struct RequestContext {
  std::string principal;     // authenticated identity; empty when auth is off
  std::string sender_id;     // what SenderId reports for messages sent by this caller
  std::string trace_header;  // transport-level trace header (X-Amzn-Trace-Id), if any
};

// Queue attributes travel as SQS attribute name -> string value ("VisibilityTimeout" -> "30").
using AttributeMap = std::map<std::string, std::string>;
using TagMap = std::map<std::string, std::string>;

struct QueueInfo {
  std::string name;
  std::string arn;
  bool fifo = false;
};

struct CreateQueueRequest {
  std::string name;
  AttributeMap attributes;
  TagMap tags;
};

struct NamePage {
  std::vector<std::string> names;
  std::string next_token;  // empty when there are no more
};

struct ReceiveRequest {
  std::string queue;
  std::uint32_t max_messages = 1;                  // 1..10
  std::optional<std::int32_t> visibility_seconds;  // default: the queue's VisibilityTimeout
  std::optional<std::int32_t> wait_seconds;        // default: ReceiveMessageWaitTimeSeconds
  std::string attempt_id;                          // FIFO ReceiveRequestAttemptId
};

struct VisibilityEntry {
  std::string receipt_handle;
  std::int32_t visibility_seconds = 0;
};

struct MoveTaskRequest {
  std::string source_arn;
  std::string destination_arn;                          // empty: back to each message's source
  std::optional<std::int32_t> max_messages_per_second;  // 1..500; empty: as fast as the store goes
};

struct MoveTaskInfo {
  std::string task_handle;
  std::string status;  // RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED
  std::string source_arn;
  std::string destination_arn;
  std::optional<std::int32_t> max_messages_per_second;
  std::uint64_t moved = 0;
  std::uint64_t to_move = 0;
  std::string failure_reason;
  TimePoint started_at;
};

// A push consumer's handle. Thread-safe.
class Consumer {
 public:
  virtual ~Consumer() = default;
  // `count` deliveries were acknowledged or released by the client: the window reopens by that
  // much.
  virtual void settle(std::uint32_t count) = 0;
  // Changes the window (0 = unlimited).
  virtual void set_prefetch(std::uint32_t prefetch) = 0;
  // Stops deliveries; `done` runs once no further on_message call will happen. Messages already
  // delivered stay claimed: the front end deletes or releases them.
  virtual void cancel(std::function<void()> done) = 0;
};

struct ConsumeRequest {
  std::string queue;
  std::uint32_t prefetch = 0;  // 0 = unlimited
  // How long a delivery stays claimed without a settle before the core makes it visible again.
  std::int32_t visibility_seconds = 43200;
  // Called once per delivery, serially (never two at once for one consumer), on a core thread.
  std::function<void(ReceivedMessage)> on_message;
  // Called once if the core ends the consumer itself (queue deleted); no on_message after it.
  std::function<void(Error)> on_cancelled;
};

class BrokerApi {
 public:
  virtual ~BrokerApi() = default;

  // --- Queues ---
  virtual void create_queue(const RequestContext& ctx, CreateQueueRequest request,
                            Completion<QueueInfo> done) = 0;
  virtual void delete_queue(const RequestContext& ctx, std::string queue,
                            StatusCompletion done) = 0;
  virtual void get_queue(const RequestContext& ctx, std::string queue,
                         Completion<QueueInfo> done) = 0;
  virtual void list_queues(const RequestContext& ctx, std::string prefix, std::uint32_t max,
                           std::string next_token, Completion<NamePage> done) = 0;
  // `names` may contain "All". Returns only attributes that apply to the queue type.
  virtual void get_queue_attributes(const RequestContext& ctx, std::string queue,
                                    std::vector<std::string> names,
                                    Completion<AttributeMap> done) = 0;
  virtual void set_queue_attributes(const RequestContext& ctx, std::string queue,
                                    AttributeMap attributes, StatusCompletion done) = 0;
  virtual void purge_queue(const RequestContext& ctx, std::string queue, StatusCompletion done) = 0;
  virtual void tag_queue(const RequestContext& ctx, std::string queue, TagMap tags,
                         StatusCompletion done) = 0;
  virtual void untag_queue(const RequestContext& ctx, std::string queue,
                           std::vector<std::string> keys, StatusCompletion done) = 0;
  virtual void list_queue_tags(const RequestContext& ctx, std::string queue,
                               Completion<TagMap> done) = 0;
  virtual void list_dead_letter_source_queues(const RequestContext& ctx, std::string queue,
                                              std::uint32_t max, std::string next_token,
                                              Completion<NamePage> done) = 0;
  virtual void add_permission(const RequestContext& ctx, std::string queue, std::string label,
                              std::vector<std::string> account_ids,
                              std::vector<std::string> actions, StatusCompletion done) = 0;
  virtual void remove_permission(const RequestContext& ctx, std::string queue, std::string label,
                                 StatusCompletion done) = 0;

  // --- Messages ---
  // 1..10 entries. The whole call fails for request-level errors (missing queue, empty or too
  // long batch, duplicate ids); otherwise each entry succeeds or fails on its own.
  virtual void send_messages(const RequestContext& ctx, std::string queue,
                             std::vector<SendEntry> entries,
                             Completion<std::vector<Result<SendOutcome>>> done) = 0;
  virtual void receive_messages(const RequestContext& ctx, ReceiveRequest request,
                                Completion<std::vector<ReceivedMessage>> done) = 0;
  virtual void delete_messages(const RequestContext& ctx, std::string queue,
                               std::vector<std::string> receipt_handles,
                               Completion<std::vector<Status>> done) = 0;
  virtual void change_visibility(const RequestContext& ctx, std::string queue,
                                 std::vector<VisibilityEntry> entries,
                                 Completion<std::vector<Status>> done) = 0;
  // Push consumption; see Consumer.
  virtual Result<std::shared_ptr<Consumer>> consume(const RequestContext& ctx,
                                                    ConsumeRequest request) = 0;

  // --- Message move tasks (dead-letter redrive) ---
  virtual void start_move_task(const RequestContext& ctx, MoveTaskRequest request,
                               Completion<std::string> done) = 0;  // -> task handle
  virtual void cancel_move_task(const RequestContext& ctx, std::string task_handle,
                                Completion<std::uint64_t> done) = 0;  // -> messages moved
  virtual void list_move_tasks(const RequestContext& ctx, std::string source_arn, std::uint32_t max,
                               Completion<std::vector<MoveTaskInfo>> done) = 0;

  // --- Naming ---
  // The ARN of a queue name, and the queue name of an ARN (kResourceNotFound if not ours).
  virtual std::string queue_arn(const std::string& queue) const = 0;
  virtual Result<std::string> queue_from_arn(const std::string& arn) const = 0;
};

}  // namespace sluice::sdk
