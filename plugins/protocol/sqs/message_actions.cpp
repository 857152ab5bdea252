// Message actions: send (single and batch), receive, delete and visibility changes.
#include <set>
#include <unordered_set>

#include "action_support.hpp"
#include "base64.hpp"
#include "sluice/sdk/digests.hpp"
#include "sqs_actions.hpp"

namespace sluice::plugins::sqs {

using nlohmann::json;
using sdk::ErrorCode;

namespace {

sdk::Result<sdk::SendEntry> parse_send_entry(const json& object) {
  const Input in(object);
  sdk::SendEntry entry;
  auto id = in.string("Id");
  if (!id.ok()) return id.error();
  entry.entry_id = id->value_or("");
  auto body = in.string("MessageBody");
  if (!body.ok()) return body.error();
  entry.body = body->value_or("");
  auto delay = in.integer("DelaySeconds");
  if (!delay.ok()) return delay.error();
  entry.delay_seconds = *delay;
  auto attrs = in.message_attributes("MessageAttributes");
  if (!attrs.ok()) return attrs.error();
  entry.attributes = std::move(attrs).value();
  auto system = in.message_attributes("MessageSystemAttributes");
  if (!system.ok()) return system.error();
  for (const auto& [name, value] : *system) {
    if (name != "AWSTraceHeader") {
      return sdk::make_error(ErrorCode::kInvalidParameterValue,
                             "Message system attribute name '" + name +
                                 "' is invalid. The only supported name is AWSTraceHeader.");
    }
  }
  entry.system_attributes = std::move(system).value();
  auto group = in.string("MessageGroupId");
  if (!group.ok()) return group.error();
  entry.group_id = group->value_or("");
  auto dedup = in.string("MessageDeduplicationId");
  if (!dedup.ok()) return dedup.error();
  entry.dedup_id = dedup->value_or("");
  return entry;
}

json send_result(const sdk::SendOutcome& outcome, bool with_id) {
  json out = json::object();
  if (with_id) out["Id"] = outcome.entry_id;
  out["MessageId"] = outcome.message_id;
  out["MD5OfMessageBody"] = outcome.md5_of_body;
  if (!outcome.md5_of_attributes.empty()) out["MD5OfMessageAttributes"] = outcome.md5_of_attributes;
  if (!outcome.md5_of_system_attributes.empty()) {
    out["MD5OfMessageSystemAttributes"] = outcome.md5_of_system_attributes;
  }
  if (!outcome.sequence_number.empty()) out["SequenceNumber"] = outcome.sequence_number;
  return out;
}

json failed_entry(const std::string& id, const sdk::Error& error) {
  const sdk::SqsError e = sdk::sqs_error(error.code);
  return json{{"Id", id},
              {"SenderFault", e.sender_fault},
              {"Code", std::string(e.query_code)},
              {"Message", error.message}};
}

// Batch shape rules shared by the three batch actions (AWS checks them before any entry).
bool check_batch(const std::vector<json>& entries, const char* entry_type, const ActionDone& done) {
  const auto reject = [&](ErrorCode code, std::string message) {
    fail(done, sdk::make_error(code, std::move(message)));
    return false;
  };
  if (entries.empty()) {
    return reject(ErrorCode::kEmptyBatchRequest,
                  std::string("There should be at least one ") + entry_type + " in the request.");
  }
  if (entries.size() > 10) {
    return reject(ErrorCode::kTooManyEntriesInBatchRequest,
                  "Maximum number of entries per request are 10. You have sent " +
                      std::to_string(entries.size()) + ".");
  }
  std::set<std::string> seen;
  for (const auto& entry : entries) {
    auto id = Input(entry).string("Id");
    const std::string text = id.ok() ? id->value_or("") : std::string();
    const bool valid = !text.empty() && text.size() <= 80 &&
                       text.find_first_not_of(
                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
                           std::string::npos;
    if (!valid) {
      return reject(ErrorCode::kInvalidBatchEntryId,
                    "A batch entry id can only contain alphanumeric characters, hyphens and "
                    "underscores. It can be at most 80 letters long.");
    }
    if (!seen.insert(text).second) {
      return reject(ErrorCode::kBatchEntryIdsNotDistinct, "Id " + text + " repeated.");
    }
  }
  return true;
}

// Which attributes a ReceiveMessage asked for.
struct Selection {
  bool all_system = false;
  std::unordered_set<std::string> system;
  bool all_attributes = false;
  std::vector<std::string> attribute_names;     // exact names
  std::vector<std::string> attribute_prefixes;  // from "prefix.*"

  bool wants_system(const std::string& name) const { return all_system || system.count(name) != 0; }
  bool wants_attribute(const std::string& name) const {
    if (all_attributes) return true;
    for (const auto& n : attribute_names) {
      if (n == name) return true;
    }
    for (const auto& p : attribute_prefixes) {
      if (name.compare(0, p.size(), p) == 0) return true;
    }
    return false;
  }
};

Selection selection_of(const std::vector<std::string>& system_names,
                       const std::vector<std::string>& attribute_names) {
  Selection s;
  for (const auto& n : system_names) {
    if (n == "All") s.all_system = true;
    s.system.insert(n);
  }
  for (const auto& n : attribute_names) {
    if (n == "All" || n == ".*") {
      s.all_attributes = true;
    } else if (n.size() > 2 && n.compare(n.size() - 2, 2, ".*") == 0) {
      s.attribute_prefixes.push_back(n.substr(0, n.size() - 1));  // keep the dot
    } else {
      s.attribute_names.push_back(n);
    }
  }
  return s;
}

json render_message(const sdk::ReceivedMessage& m, const Selection& sel) {
  json out{{"MessageId", m.message_id},
           {"ReceiptHandle", m.receipt_handle},
           {"MD5OfBody", m.md5_of_body},
           {"Body", m.body}};
  json system = json::object();
  const auto put = [&](const char* name, const std::string& value) {
    if (!value.empty() && sel.wants_system(name)) system[name] = value;
  };
  put("SenderId", m.sender_id);
  put("SentTimestamp", std::to_string(sdk::to_unix_millis(m.sent_at)));
  put("ApproximateReceiveCount", std::to_string(m.receive_count));
  put("ApproximateFirstReceiveTimestamp", std::to_string(sdk::to_unix_millis(m.first_received_at)));
  put("SequenceNumber", m.sequence_number);
  put("MessageDeduplicationId", m.dedup_id);
  put("MessageGroupId", m.group_id);
  put("DeadLetterQueueSourceArn", m.dead_letter_source_arn);
  if (auto it = m.system_attributes.find("AWSTraceHeader"); it != m.system_attributes.end()) {
    put("AWSTraceHeader", it->second.value);
  }
  if (!system.empty()) out["Attributes"] = std::move(system);

  sdk::MessageAttributes chosen;
  for (const auto& [name, value] : m.attributes) {
    if (sel.wants_attribute(name)) chosen.emplace(name, value);
  }
  if (!chosen.empty()) {
    // The digest covers exactly the attributes returned, as the SDKs verify it.
    out["MD5OfMessageAttributes"] = sdk::md5_of_attributes(chosen);
    json attrs = json::object();
    for (const auto& [name, value] : chosen) {
      json v{{"DataType", value.data_type}};
      if (value.is_binary()) {
        v["BinaryValue"] = base64_encode(value.value);
      } else {
        v["StringValue"] = value.value;
      }
      attrs[name] = std::move(v);
    }
    out["MessageAttributes"] = std::move(attrs);
  }
  return out;
}

// The completion of a single-receipt call: its one status becomes the reply (no output).
sdk::Completion<std::vector<sdk::Status>> single_outcome(ActionDone done) {
  return [done = std::move(done)](sdk::Result<std::vector<sdk::Status>> results) {
    if (!results.ok()) return fail(done, results.error());
    const sdk::Status& only = results->front();
    if (!only.ok()) return fail(done, only.error());
    done(json(nullptr));
  };
}

// The completion of a receipt batch: statuses, in entry order, become Successful and Failed.
sdk::Completion<std::vector<sdk::Status>> batch_outcome(ActionDone done,
                                                        std::vector<std::string> ids, json failed) {
  return [done = std::move(done), ids = std::move(ids),
          failed = std::move(failed)](sdk::Result<std::vector<sdk::Status>> results) mutable {
    if (!results.ok()) return fail(done, results.error());
    json successful = json::array();
    for (std::size_t i = 0; i < results->size() && i < ids.size(); ++i) {
      const sdk::Status& s = (*results)[i];
      if (s.ok()) {
        successful.push_back(json{{"Id", ids[i]}});
      } else {
        failed.push_back(failed_entry(ids[i], s.error()));
      }
    }
    done(json{{"Successful", std::move(successful)}, {"Failed", std::move(failed)}});
  };
}

}  // namespace

void SqsActions::send_message(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  sdk::SendEntry entry;
  if (!take(parse_send_entry(call.input), entry, done)) return;
  if (entry.body.empty()) {
    return fail(done, sdk::make_error(ErrorCode::kMissingParameter,
                                      "The request must contain the parameter MessageBody."));
  }
  std::vector<sdk::SendEntry> entries;
  entries.push_back(std::move(entry));
  broker_.send_messages(call.context, std::move(*queue), std::move(entries),
                        [done](sdk::Result<std::vector<sdk::Result<sdk::SendOutcome>>> results) {
                          if (!results.ok()) return fail(done, results.error());
                          auto& only = results->front();
                          if (!only.ok()) return fail(done, only.error());
                          done(send_result(*only, false));
                        });
}

void SqsActions::send_message_batch(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  std::vector<json> raw;
  if (!take(Input(call.input).entries("Entries"), raw, done)) return;
  if (!check_batch(raw, "SendMessageBatchRequestEntry", done)) return;

  // Entries that fail to parse are reported in Failed; the rest go to the broker together.
  json failed = json::array();
  std::vector<sdk::SendEntry> entries;
  std::vector<std::string> ids;  // entry ids in the order the broker answers
  for (const auto& object : raw) {
    auto entry = parse_send_entry(object);
    if (entry.ok()) {
      ids.push_back(entry->entry_id);
      entries.push_back(std::move(entry).value());
    } else {
      failed.push_back(failed_entry(Input(object).string("Id")->value_or(""), entry.error()));
    }
  }
  if (entries.empty()) return done(json{{"Successful", json::array()}, {"Failed", failed}});
  broker_.send_messages(
      call.context, std::move(*queue), std::move(entries),
      [done, ids = std::move(ids), failed = std::move(failed)](
          sdk::Result<std::vector<sdk::Result<sdk::SendOutcome>>> results) mutable {
        if (!results.ok()) return fail(done, results.error());
        json successful = json::array();
        for (std::size_t i = 0; i < results->size() && i < ids.size(); ++i) {
          const auto& r = (*results)[i];
          if (r.ok()) {
            successful.push_back(send_result(*r, true));
          } else {
            failed.push_back(failed_entry(ids[i], r.error()));
          }
        }
        done(json{{"Successful", std::move(successful)}, {"Failed", std::move(failed)}});
      });
}

void SqsActions::receive_message(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  const Input in(call.input);
  sdk::ReceiveRequest request;
  request.queue = std::move(*queue);
  std::optional<std::int32_t> max;
  if (!take(in.integer("MaxNumberOfMessages"), max, done)) return;
  if (max && (*max < 1 || *max > 10)) {
    return fail(done, sdk::make_error(ErrorCode::kInvalidParameterValue,
                                      "Value " + std::to_string(*max) +
                                          " for parameter MaxNumberOfMessages is invalid. Reason: "
                                          "Must be between 1 and 10, if provided."));
  }
  request.max_messages = max ? static_cast<std::uint32_t>(*max) : 1;
  if (!take(in.integer("VisibilityTimeout"), request.visibility_seconds, done)) return;
  if (!take(in.integer("WaitTimeSeconds"), request.wait_seconds, done)) return;
  std::optional<std::string> attempt;
  if (!take(in.string("ReceiveRequestAttemptId"), attempt, done)) return;
  request.attempt_id = attempt.value_or("");
  std::vector<std::string> names;
  std::vector<std::string> system_names;
  std::vector<std::string> attribute_names;
  if (!take(in.string_list("AttributeNames"), names, done)) return;
  if (!take(in.string_list("MessageSystemAttributeNames"), system_names, done)) return;
  if (!take(in.string_list("MessageAttributeNames"), attribute_names, done)) return;
  system_names.insert(system_names.end(), names.begin(), names.end());
  broker_.receive_messages(call.context, std::move(request),
                           [done, sel = selection_of(system_names, attribute_names)](
                               sdk::Result<std::vector<sdk::ReceivedMessage>> messages) {
                             if (!messages.ok()) return fail(done, messages.error());
                             json out = json::object();
                             if (!messages->empty()) {
                               json list = json::array();
                               for (const auto& m : *messages)
                                 list.push_back(render_message(m, sel));
                               out["Messages"] = std::move(list);
                             }
                             done(std::move(out));
                           });
}

void SqsActions::delete_message(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  std::string handle;
  if (!take(Input(call.input).required_string("ReceiptHandle"), handle, done)) return;
  broker_.delete_messages(call.context, std::move(*queue), {std::move(handle)},
                          single_outcome(std::move(done)));
}

void SqsActions::delete_message_batch(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  std::vector<json> raw;
  if (!take(Input(call.input).entries("Entries"), raw, done)) return;
  if (!check_batch(raw, "DeleteMessageBatchRequestEntry", done)) return;
  std::vector<std::string> ids;
  std::vector<std::string> handles;
  json failed = json::array();
  for (const auto& object : raw) {
    const Input in(object);
    auto handle = in.required_string("ReceiptHandle");
    const std::string id = in.string("Id")->value_or("");
    if (!handle.ok()) {
      failed.push_back(failed_entry(id, handle.error()));
      continue;
    }
    ids.push_back(id);
    handles.push_back(std::move(handle).value());
  }
  if (handles.empty()) return done(json{{"Successful", json::array()}, {"Failed", failed}});
  broker_.delete_messages(call.context, std::move(*queue), std::move(handles),
                          batch_outcome(std::move(done), std::move(ids), std::move(failed)));
}

void SqsActions::change_message_visibility(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  const Input in(call.input);
  sdk::VisibilityEntry entry;
  if (!take(in.required_string("ReceiptHandle"), entry.receipt_handle, done)) return;
  std::optional<std::int32_t> timeout;
  if (!take(in.integer("VisibilityTimeout"), timeout, done)) return;
  if (!timeout) {
    return fail(done, sdk::make_error(ErrorCode::kMissingParameter,
                                      "The request must contain the parameter VisibilityTimeout."));
  }
  entry.visibility_seconds = *timeout;
  broker_.change_visibility(call.context, std::move(*queue), {std::move(entry)},
                            single_outcome(std::move(done)));
}

void SqsActions::change_message_visibility_batch(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  std::vector<json> raw;
  if (!take(Input(call.input).entries("Entries"), raw, done)) return;
  if (!check_batch(raw, "ChangeMessageVisibilityBatchRequestEntry", done)) return;
  std::vector<std::string> ids;
  std::vector<sdk::VisibilityEntry> entries;
  json failed = json::array();
  for (const auto& object : raw) {
    const Input in(object);
    const std::string id = in.string("Id")->value_or("");
    auto handle = in.required_string("ReceiptHandle");
    auto timeout = in.integer("VisibilityTimeout");
    if (!handle.ok()) {
      failed.push_back(failed_entry(id, handle.error()));
      continue;
    }
    if (!timeout.ok()) {
      failed.push_back(failed_entry(id, timeout.error()));
      continue;
    }
    ids.push_back(id);
    // The model makes VisibilityTimeout optional in batch entries; absent means 0.
    entries.push_back(sdk::VisibilityEntry{std::move(handle).value(), timeout->value_or(0)});
  }
  if (entries.empty()) return done(json{{"Successful", json::array()}, {"Failed", failed}});
  broker_.change_visibility(call.context, std::move(*queue), std::move(entries),
                            batch_outcome(std::move(done), std::move(ids), std::move(failed)));
}

}  // namespace sluice::plugins::sqs
