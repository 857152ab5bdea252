// The 23 SQS actions, each written once against the JSON-protocol input/output shapes and
// BrokerApi. Thread-safe: run() may be called from any I/O thread; `done` runs on a core thread.
#pragma once

#include <string>
#include <unordered_map>

#include "sluice/sdk/broker_api.hpp"
#include "sqs_call.hpp"

namespace sluice::plugins::sqs {

class SqsActions {
 public:
  explicit SqsActions(sdk::BrokerApi& broker);

  bool knows(const std::string& action) const { return table_.count(action) != 0; }
  // Precondition: knows(call.action).
  void run(SqsCall call, ActionDone done);

 private:
  using Handler = void (SqsActions::*)(SqsCall, ActionDone);

  // Queues (queue_actions.cpp)
  void create_queue(SqsCall call, ActionDone done);
  void delete_queue(SqsCall call, ActionDone done);
  void get_queue_url(SqsCall call, ActionDone done);
  void list_queues(SqsCall call, ActionDone done);
  void get_queue_attributes(SqsCall call, ActionDone done);
  void set_queue_attributes(SqsCall call, ActionDone done);
  void purge_queue(SqsCall call, ActionDone done);
  void tag_queue(SqsCall call, ActionDone done);
  void untag_queue(SqsCall call, ActionDone done);
  void list_queue_tags(SqsCall call, ActionDone done);
  void list_dead_letter_source_queues(SqsCall call, ActionDone done);
  void add_permission(SqsCall call, ActionDone done);
  void remove_permission(SqsCall call, ActionDone done);
  // Messages (message_actions.cpp)
  void send_message(SqsCall call, ActionDone done);
  void send_message_batch(SqsCall call, ActionDone done);
  void receive_message(SqsCall call, ActionDone done);
  void delete_message(SqsCall call, ActionDone done);
  void delete_message_batch(SqsCall call, ActionDone done);
  void change_message_visibility(SqsCall call, ActionDone done);
  void change_message_visibility_batch(SqsCall call, ActionDone done);
  // Move tasks (move_task_actions.cpp)
  void start_message_move_task(SqsCall call, ActionDone done);
  void cancel_message_move_task(SqsCall call, ActionDone done);
  void list_message_move_tasks(SqsCall call, ActionDone done);

  std::string queue_url(const std::string& base_url, const std::string& name) const;

  sdk::BrokerApi& broker_;
  std::string account_id_;
  std::unordered_map<std::string, Handler> table_;
};

}  // namespace sluice::plugins::sqs
