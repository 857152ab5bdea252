// What an SQS call asks permission for, in IAM terms: the action ("sqs:SendMessage"; batch
// calls are authorized as their single form, as in IAM), the queue it touches and that queue's
// ARN, and whether the queue owner may grant the action to other accounts through the queue
// Policy (AddPermission's list, spec 5.16). Owner-only actions (CreateQueue, DeleteQueue,
// SetQueueAttributes, permissions, tags, ListQueues, move tasks) are never cross-account.
// Pure functions of the call; thread-safe.
#pragma once

#include <string>

#include "sluice/sdk/broker_api.hpp"
#include "sqs_call.hpp"

namespace sluice::plugins::sqs {

struct AccessTarget {
  std::string action;    // "sqs:SendMessage"
  std::string queue;     // the queue named by the call; empty for account-level calls
  std::string resource;  // the queue's ARN, or arn:aws:sqs:<region>:<account>:* without a queue
  bool grantable = false;
  // The call may change the queue's Policy (or the queue itself): cached policies of it are
  // stale once it completes.
  bool changes_policy = false;
};

// A call whose queue cannot be told (a missing QueueUrl, say) gets the account-level resource:
// only a policy covering every queue allows it, and the action then reports its own error.
AccessTarget access_target(const SqsCall& call, const sdk::BrokerApi& broker);

}  // namespace sluice::plugins::sqs
