#include "sqs_access.hpp"

#include <array>
#include <string_view>

#include "base64.hpp"
#include "sqs_input.hpp"

namespace sluice::plugins::sqs {
namespace {

using nlohmann::json;

// Actions the owner may grant to other accounts (spec 5.16), in their IAM form.
constexpr std::array<std::string_view, 8> kGrantable = {"SendMessage",
                                                        "ReceiveMessage",
                                                        "DeleteMessage",
                                                        "ChangeMessageVisibility",
                                                        "GetQueueAttributes",
                                                        "GetQueueUrl",
                                                        "ListDeadLetterSourceQueues",
                                                        "PurgeQueue"};

constexpr std::array<std::string_view, 5> kPolicyChanging = {
    "SetQueueAttributes", "AddPermission", "RemovePermission", "DeleteQueue", "CreateQueue"};

// IAM has no separate batch actions: a batch is authorized as its single form.
std::string iam_action_name(const std::string& action) {
  constexpr std::string_view kBatch = "Batch";
  if (action == "SendMessageBatch" || action == "DeleteMessageBatch" ||
      action == "ChangeMessageVisibilityBatch") {
    return action.substr(0, action.size() - kBatch.size());
  }
  return action;
}

bool listed(auto& list, std::string_view value) {
  for (std::string_view item : list) {
    if (item == value) return true;
  }
  return false;
}

std::string string_member(const json& input, const char* key) {
  auto it = input.find(key);
  return it != input.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The source queue ARN inside a move task handle (base64url of {"taskId":..,"sourceArn":..}).
std::string source_arn_of_handle(const std::string& handle) {
  std::string text = handle;
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  auto decoded = base64_decode(text);
  if (!decoded) return {};
  const json doc = json::parse(*decoded, nullptr, false);
  return doc.is_object() ? string_member(doc, "sourceArn") : std::string();
}

// The queue name the call targets; empty when it cannot be told.
std::string target_queue_name(const SqsCall& call, const sdk::BrokerApi& broker) {
  const std::string& action = call.action;
  if (action == "CreateQueue" || action == "GetQueueUrl") {
    return string_member(call.input, "QueueName");
  }
  if (action == "ListQueues") return {};
  std::string arn;
  if (action == "StartMessageMoveTask" || action == "ListMessageMoveTasks") {
    arn = string_member(call.input, "SourceArn");
  } else if (action == "CancelMessageMoveTask") {
    arn = source_arn_of_handle(string_member(call.input, "TaskHandle"));
  } else {
    auto name = queue_name_from(Input(call.input), call.path_queue);
    return name.ok() ? *name : std::string();
  }
  auto name = broker.queue_from_arn(arn);
  return name.ok() ? *name : std::string();
}

}  // namespace

AccessTarget access_target(const SqsCall& call, const sdk::BrokerApi& broker) {
  AccessTarget target;
  const std::string name = iam_action_name(call.action);
  target.action = "sqs:" + name;
  target.queue = target_queue_name(call, broker);
  target.resource = broker.queue_arn(target.queue.empty() ? "*" : target.queue);
  target.grantable = listed(kGrantable, name) && !target.queue.empty();
  target.changes_policy = listed(kPolicyChanging, call.action);
  return target;
}

}  // namespace sluice::plugins::sqs
