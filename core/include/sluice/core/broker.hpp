// Broker: the core's implementation of sdk::BrokerApi. It owns the message path (validation,
// digests, receipt signing, send coalescing, long polling, push consumers) and the machinery
// around it (the storage pool, a timer thread, the retention sweeper, message move tasks). Queue
// management is forwarded to a QueueRegistry it owns.
//
// Threads and completions:
//  * Every QueueStore and QueueRegistry call runs on a private pool of options.storage_threads
//    threads. Completion handlers run on those pool threads or on the broker's timer thread, never
//    inline in the caller's thread, with one documented exception: a call made while the broker
//    is not running (before start() or after stop() began) completes inline with
//    kServiceUnavailable, because no core thread exists to run it.
//  * Handlers must not block; a front end posts them onto its own strand.
//  * All public methods are thread-safe, except that start(), stop() and the destructor must not
//    be called concurrently with each other (the owner calls them once, from one thread).
//  * Message time (SentTimestamp, visibility, delays, retention) comes from the injected Clock;
//    only long-poll deadlines and timer periods use real (steady) time.
//
// Process-local state (documented because several brokers may share one store): the FIFO
// ReceiveRequestAttemptId cache, the list of move tasks and the registry of long pollers and push
// consumers live in this process only. Long pollers in other processes are woken through
// QueueStore::watch when the store supports it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sluice/core/broker_options.hpp"
#include "sluice/core/clock.hpp"
#include "sluice/sdk/broker_api.hpp"
#include "sluice/sdk/crypto.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::core {

// SenderId reported for messages whose RequestContext has an empty sender_id (auth off). It is
// what ElasticMQ reports, so clients that display it see a familiar value.
inline constexpr const char* kDefaultSenderId = "127.0.0.1";

class Broker final : public sdk::BrokerApi {
 public:
  // `store`, `clock` and `logger` must not be null. Nothing runs until start().
  Broker(std::shared_ptr<sdk::QueueStore> store, BrokerOptions options,
         std::shared_ptr<const Clock> clock, std::shared_ptr<sdk::Logger> logger);
  ~Broker() override;  // stops if running
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Encryption at rest: messages of queues with SSE on are sealed with `cipher` before they are
  // stored, and sealed messages are opened when received (see core/src/envelope_sealer.hpp).
  // Without it, SSE attributes are stored only and messages are stored as sent. Call before
  // start(); `cipher` must not be null.
  void use_encryption(std::shared_ptr<sdk::PayloadCipher> cipher);

  // Starts the storage pool, the timer thread and the retention sweeper. Calling it twice is a
  // no-op; a stopped broker cannot be started again.
  void start();
  // Graceful stop, blocking until done: new calls complete with kServiceUnavailable; store calls
  // already running finish and their handlers run; waiting long polls complete with what they
  // have (empty); push consumers end with on_cancelled(kServiceUnavailable) (a later cancel()
  // still runs its `done`); running move tasks stop where they are (status stays RUNNING).
  // Idempotent. Must not be called from a completion handler (it waits for the pool).
  void stop();
  // One retention sweep over all queues plus one step of every running move task, synchronously
  // on the caller's thread (for tests and admin tools). Requires start().
  void run_maintenance_now();

  // --- sdk::BrokerApi -------------------------------------------------------------------------
  void create_queue(const sdk::RequestContext& ctx, sdk::CreateQueueRequest request,
                    sdk::Completion<sdk::QueueInfo> done) override;
  // Also ends this queue's push consumers (on_cancelled with kQueueDoesNotExist) and completes
  // its waiting long polls empty.
  void delete_queue(const sdk::RequestContext& ctx, std::string queue,
                    sdk::StatusCompletion done) override;
  void get_queue(const sdk::RequestContext& ctx, std::string queue,
                 sdk::Completion<sdk::QueueInfo> done) override;
  void list_queues(const sdk::RequestContext& ctx, std::string prefix, std::uint32_t max,
                   std::string next_token, sdk::Completion<sdk::NamePage> done) override;
  void get_queue_attributes(const sdk::RequestContext& ctx, std::string queue,
                            std::vector<std::string> names,
                            sdk::Completion<sdk::AttributeMap> done) override;
  void set_queue_attributes(const sdk::RequestContext& ctx, std::string queue,
                            sdk::AttributeMap attributes, sdk::StatusCompletion done) override;
  void purge_queue(const sdk::RequestContext& ctx, std::string queue,
                   sdk::StatusCompletion done) override;
  void tag_queue(const sdk::RequestContext& ctx, std::string queue, sdk::TagMap tags,
                 sdk::StatusCompletion done) override;
  void untag_queue(const sdk::RequestContext& ctx, std::string queue, std::vector<std::string> keys,
                   sdk::StatusCompletion done) override;
  void list_queue_tags(const sdk::RequestContext& ctx, std::string queue,
                       sdk::Completion<sdk::TagMap> done) override;
  void list_dead_letter_source_queues(const sdk::RequestContext& ctx, std::string queue,
                                      std::uint32_t max, std::string next_token,
                                      sdk::Completion<sdk::NamePage> done) override;
  void add_permission(const sdk::RequestContext& ctx, std::string queue, std::string label,
                      std::vector<std::string> account_ids, std::vector<std::string> actions,
                      sdk::StatusCompletion done) override;
  void remove_permission(const sdk::RequestContext& ctx, std::string queue, std::string label,
                         sdk::StatusCompletion done) override;

  // Sends are coalesced per queue: at most one QueueStore::append per queue is in flight, and
  // sends arriving meanwhile go together in the next one (up to options.max_append_batch
  // messages), so per-queue send order is the order of the calls.
  void send_messages(const sdk::RequestContext& ctx, std::string queue,
                     std::vector<sdk::SendEntry> entries,
                     sdk::Completion<std::vector<sdk::Result<sdk::SendOutcome>>> done) override;
  // In-flight limit (options.in_flight_limit): a standard-queue short poll at the limit fails with
  // kOverLimit; long polls and FIFO queues just return fewer messages (spec 7.7).
  // ReceiveRequestAttemptId is honoured on FIFO queues only (ignored on standard ones) and cached
  // per process for options.dedup_window.
  void receive_messages(const sdk::RequestContext& ctx, sdk::ReceiveRequest request,
                        sdk::Completion<std::vector<sdk::ReceivedMessage>> done) override;
  // delete_messages and change_visibility take any number of handles (AMQP multi-acks); front
  // ends enforce their wire limits (1..10 entries for SQS batches). A bad handle fails its entry
  // with kReceiptHandleIsInvalid; only a missing queue or a failed store call fails the call.
  void delete_messages(const sdk::RequestContext& ctx, std::string queue,
                       std::vector<std::string> receipt_handles,
                       sdk::Completion<std::vector<sdk::Status>> done) override;
  // The 12-hour ceiling is enforced per receive: now + timeout may not pass 43,200 s after the
  // receive that issued the handle (the receive time is carried inside the signed handle).
  void change_visibility(const sdk::RequestContext& ctx, std::string queue,
                         std::vector<sdk::VisibilityEntry> entries,
                         sdk::Completion<std::vector<sdk::Status>> done) override;
  // Checks only what it can without storage (running, on_message set, visibility 0..43200) and
  // returns the consumer at once; a missing queue is reported later through on_cancelled
  // (kQueueDoesNotExist).
  sdk::Result<std::shared_ptr<sdk::Consumer>> consume(const sdk::RequestContext& ctx,
                                                      sdk::ConsumeRequest request) override;

  // Move tasks are process-local (see above); at most one RUNNING or CANCELLING task per source
  // (else kUnsupportedOperation). A source that is no queue's DLQ is kInvalidParameterValue; an
  // unknown source or destination ARN is kResourceNotFound. list_move_tasks: max 0 means "not
  // given" (1, the SQS default), more than 10 is kInvalidParameterValue.
  void start_move_task(const sdk::RequestContext& ctx, sdk::MoveTaskRequest request,
                       sdk::Completion<std::string> done) override;
  void cancel_move_task(const sdk::RequestContext& ctx, std::string task_handle,
                        sdk::Completion<std::uint64_t> done) override;
  void list_move_tasks(const sdk::RequestContext& ctx, std::string source_arn, std::uint32_t max,
                       sdk::Completion<std::vector<sdk::MoveTaskInfo>> done) override;

  std::string queue_arn(const std::string& queue) const override;
  sdk::Result<std::string> queue_from_arn(const std::string& arn) const override;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sluice::core
