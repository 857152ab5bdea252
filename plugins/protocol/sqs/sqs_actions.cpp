#include "sqs_actions.hpp"

namespace sluice::plugins::sqs {

SqsActions::SqsActions(sdk::BrokerApi& broker) : broker_(broker) {
  // The account id is the fifth field of any ARN the broker issues.
  const std::string arn = broker_.queue_arn("q");
  std::size_t pos = 0;
  for (int field = 0; field < 4 && pos != std::string::npos; ++field) {
    pos = arn.find(':', pos);
    if (pos != std::string::npos) ++pos;
  }
  if (pos != std::string::npos) account_id_ = arn.substr(pos, arn.find(':', pos) - pos);

  table_ = {
      {"CreateQueue", &SqsActions::create_queue},
      {"DeleteQueue", &SqsActions::delete_queue},
      {"GetQueueUrl", &SqsActions::get_queue_url},
      {"ListQueues", &SqsActions::list_queues},
      {"GetQueueAttributes", &SqsActions::get_queue_attributes},
      {"SetQueueAttributes", &SqsActions::set_queue_attributes},
      {"PurgeQueue", &SqsActions::purge_queue},
      {"TagQueue", &SqsActions::tag_queue},
      {"UntagQueue", &SqsActions::untag_queue},
      {"ListQueueTags", &SqsActions::list_queue_tags},
      {"ListDeadLetterSourceQueues", &SqsActions::list_dead_letter_source_queues},
      {"AddPermission", &SqsActions::add_permission},
      {"RemovePermission", &SqsActions::remove_permission},
      {"SendMessage", &SqsActions::send_message},
      {"SendMessageBatch", &SqsActions::send_message_batch},
      {"ReceiveMessage", &SqsActions::receive_message},
      {"DeleteMessage", &SqsActions::delete_message},
      {"DeleteMessageBatch", &SqsActions::delete_message_batch},
      {"ChangeMessageVisibility", &SqsActions::change_message_visibility},
      {"ChangeMessageVisibilityBatch", &SqsActions::change_message_visibility_batch},
      {"StartMessageMoveTask", &SqsActions::start_message_move_task},
      {"CancelMessageMoveTask", &SqsActions::cancel_message_move_task},
      {"ListMessageMoveTasks", &SqsActions::list_message_move_tasks},
  };
}

void SqsActions::run(SqsCall call, ActionDone done) {
  const Handler handler = table_.at(call.action);
  (this->*handler)(std::move(call), std::move(done));
}

std::string SqsActions::queue_url(const std::string& base_url, const std::string& name) const {
  return base_url + "/" + account_id_ + "/" + name;
}

}  // namespace sluice::plugins::sqs
