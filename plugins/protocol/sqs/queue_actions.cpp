// Queue-level actions: create, delete, look up, list, attributes, purge, tags, permissions and
// dead-letter source listing.
#include "action_support.hpp"
#include "sqs_actions.hpp"

namespace sluice::plugins::sqs {

using nlohmann::json;

void SqsActions::create_queue(SqsCall call, ActionDone done) {
  const Input in(call.input);
  sdk::CreateQueueRequest request;
  if (!take(in.required_string("QueueName"), request.name, done)) return;
  if (!take(in.string_map("Attributes"), request.attributes, done)) return;
  // JSON names the member "tags"; the query converter uses the same name.
  if (!take(in.string_map("tags"), request.tags, done)) return;
  broker_.create_queue(call.context, std::move(request),
                       [this, done, base = call.base_url](sdk::Result<sdk::QueueInfo> info) {
                         if (!info.ok()) return fail(done, info.error());
                         done(json{{"QueueUrl", queue_url(base, info->name)}});
                       });
}

void SqsActions::delete_queue(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  broker_.delete_queue(call.context, std::move(*queue), no_output(std::move(done)));
}

void SqsActions::get_queue_url(SqsCall call, ActionDone done) {
  const Input in(call.input);
  std::string name;
  std::optional<std::string> owner;
  if (!take(in.required_string("QueueName"), name, done)) return;
  if (!take(in.string("QueueOwnerAWSAccountId"), owner, done)) return;
  // This broker serves one account: another account's queue cannot exist here.
  if (owner && !owner->empty() && *owner != account_id_) {
    return fail(done, sdk::make_error(sdk::ErrorCode::kQueueDoesNotExist,
                                      "The specified queue " + name +
                                          " does not exist for account " + *owner + "."));
  }
  broker_.get_queue(call.context, std::move(name),
                    [this, done, base = call.base_url](sdk::Result<sdk::QueueInfo> info) {
                      if (!info.ok()) return fail(done, info.error());
                      done(json{{"QueueUrl", queue_url(base, info->name)}});
                    });
}

namespace {

// MaxResults 1..1000 when given; 0 means "not given" to the broker.
bool page_size(const Input& in, std::uint32_t& max, const ActionDone& done) {
  std::optional<std::int32_t> n;
  if (!take(in.integer("MaxResults"), n, done)) return false;
  if (n && (*n < 1 || *n > 1000)) {
    fail(done, sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                               "Value " + std::to_string(*n) +
                                   " for parameter MaxResults is invalid. Reason: must be "
                                   "between 1 and 1000."));
    return false;
  }
  max = n ? static_cast<std::uint32_t>(*n) : 0;
  return true;
}

}  // namespace

void SqsActions::list_queues(SqsCall call, ActionDone done) {
  const Input in(call.input);
  std::optional<std::string> prefix;
  std::optional<std::string> token;
  std::uint32_t max = 0;
  if (!take(in.string("QueueNamePrefix"), prefix, done)) return;
  if (!take(in.string("NextToken"), token, done)) return;
  if (!page_size(in, max, done)) return;
  broker_.list_queues(call.context, prefix.value_or(""), max, token.value_or(""),
                      [this, done, base = call.base_url, max](sdk::Result<sdk::NamePage> page) {
                        if (!page.ok()) return fail(done, page.error());
                        json out = json::object();
                        if (!page->names.empty()) {
                          json urls = json::array();
                          for (const auto& n : page->names) urls.push_back(queue_url(base, n));
                          out["QueueUrls"] = std::move(urls);
                        }
                        // AWS pages only when the caller asked for a page size.
                        if (max > 0 && !page->next_token.empty()) {
                          out["NextToken"] = page->next_token;
                        }
                        done(std::move(out));
                      });
}

void SqsActions::get_queue_attributes(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  std::vector<std::string> names;
  if (!take(Input(call.input).string_list("AttributeNames"), names, done)) return;
  broker_.get_queue_attributes(call.context, std::move(*queue), std::move(names),
                               [done](sdk::Result<sdk::AttributeMap> attrs) {
                                 if (!attrs.ok()) return fail(done, attrs.error());
                                 json out = json::object();
                                 if (!attrs->empty()) out["Attributes"] = *attrs;
                                 done(std::move(out));
                               });
}

void SqsActions::set_queue_attributes(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  const Input in(call.input);
  if (!in.has("Attributes")) {
    return fail(done, sdk::make_error(sdk::ErrorCode::kMissingParameter,
                                      "The request must contain the parameter Attributes."));
  }
  sdk::AttributeMap attrs;
  if (!take(in.string_map("Attributes"), attrs, done)) return;
  broker_.set_queue_attributes(call.context, std::move(*queue), std::move(attrs),
                               no_output(std::move(done)));
}

void SqsActions::purge_queue(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  broker_.purge_queue(call.context, std::move(*queue), no_output(std::move(done)));
}

void SqsActions::tag_queue(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  sdk::TagMap tags;
  if (!take(Input(call.input).string_map("Tags"), tags, done)) return;
  broker_.tag_queue(call.context, std::move(*queue), std::move(tags), no_output(std::move(done)));
}

void SqsActions::untag_queue(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  std::vector<std::string> keys;
  if (!take(Input(call.input).string_list("TagKeys"), keys, done)) return;
  broker_.untag_queue(call.context, std::move(*queue), std::move(keys), no_output(std::move(done)));
}

void SqsActions::list_queue_tags(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  broker_.list_queue_tags(call.context, std::move(*queue), [done](sdk::Result<sdk::TagMap> tags) {
    if (!tags.ok()) return fail(done, tags.error());
    json out = json::object();
    if (!tags->empty()) out["Tags"] = *tags;
    done(std::move(out));
  });
}

void SqsActions::list_dead_letter_source_queues(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  const Input in(call.input);
  std::optional<std::string> token;
  std::uint32_t max = 0;
  if (!take(in.string("NextToken"), token, done)) return;
  if (!page_size(in, max, done)) return;
  broker_.list_dead_letter_source_queues(
      call.context, std::move(*queue), max, token.value_or(""),
      [this, done, base = call.base_url, max](sdk::Result<sdk::NamePage> page) {
        if (!page.ok()) return fail(done, page.error());
        // queueUrls is required in the output model: always present, possibly empty.
        json urls = json::array();
        for (const auto& n : page->names) urls.push_back(queue_url(base, n));
        json out{{"queueUrls", std::move(urls)}};
        if (max > 0 && !page->next_token.empty()) out["NextToken"] = page->next_token;
        done(std::move(out));
      });
}

void SqsActions::add_permission(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  const Input in(call.input);
  std::string label;
  std::vector<std::string> accounts;
  std::vector<std::string> actions;
  if (!take(in.required_string("Label"), label, done)) return;
  if (!take(in.string_list("AWSAccountIds"), accounts, done)) return;
  if (!take(in.string_list("Actions"), actions, done)) return;
  broker_.add_permission(call.context, std::move(*queue), std::move(label), std::move(accounts),
                         std::move(actions), no_output(std::move(done)));
}

void SqsActions::remove_permission(SqsCall call, ActionDone done) {
  auto queue = target_queue(call, done);
  if (!queue) return;
  std::string label;
  if (!take(Input(call.input).required_string("Label"), label, done)) return;
  broker_.remove_permission(call.context, std::move(*queue), std::move(label),
                            no_output(std::move(done)));
}

}  // namespace sluice::plugins::sqs
