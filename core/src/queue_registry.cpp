// QueueRegistry: queues as objects on top of a QueueStore. Rules for names, attributes, tags,
// policies and redrive documents live in their own files; this one orders the steps (validate
// everything, then write once), talks to the store and keeps the settings cache current.
#include "sluice/core/queue_registry.hpp"

#include <algorithm>
#include <set>

#include "queue_attributes.hpp"
#include "queue_names.hpp"
#include "queue_policy.hpp"
#include "queue_registry_impl.hpp"
#include "queue_tags.hpp"
#include "redrive_policy.hpp"

namespace sluice::core {
namespace {

constexpr std::uint32_t kMaxListResults = 1000;

sdk::Status check_max_results(std::uint32_t max) {
  if (max <= kMaxListResults) return sdk::Status::Ok();
  return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                         "Value " + std::to_string(max) +
                             " for parameter MaxResults is invalid. Reason: Must be between 1 "
                             "and 1000, if provided.");
}

}  // namespace

QueueRegistry::QueueRegistry(std::shared_ptr<sdk::QueueStore> store, const BrokerOptions& options,
                             const Clock& clock, std::shared_ptr<sdk::Logger> logger)
    : impl_(std::make_unique<Impl>(std::move(store), options, clock, std::move(logger))) {}

QueueRegistry::~QueueRegistry() = default;

sdk::Result<sdk::QueueInfo> QueueRegistry::create(const sdk::CreateQueueRequest& request) {
  const std::string& name = request.name;
  if (auto status = validate_queue_name(name); !status.ok()) return status.error();
  const bool fifo = is_fifo_name(name);
  auto changes = validate_attributes(request.attributes, fifo, AttributeOp::kCreate);
  if (!changes.ok()) return changes.error();
  // Tags are checked even though an idempotent re-create ignores them.
  if (auto status = validate_tags(request.tags); !status.ok()) return status.error();
  if (auto status = check_tag_count(request.tags, name); !status.ok()) return status.error();

  auto existing = impl_->load(name);
  if (existing.ok()) return impl_->compare_existing(existing.value(), changes.value());
  if (existing.code() != sdk::ErrorCode::kQueueDoesNotExist) return existing.error();

  if (impl_->deleted.deleted_recently(name, impl_->clock.now())) {
    return sdk::make_error(sdk::ErrorCode::kQueueDeletedRecently,
                           "You must wait " +
                               std::to_string(impl_->options.queue_recreate_delay.count() / 1000) +
                               " seconds after deleting a queue before you can create another "
                               "queue with the same name (" +
                               name + ").");
  }
  if (auto status = impl_->check_redrive_target(changes.value(), name, fifo); !status.ok()) {
    return status.error();
  }

  QueueMetadata metadata;
  if (auto status = merge_attributes(metadata.attributes, changes.value()); !status.ok()) {
    return status.error();
  }
  metadata.tags = request.tags;
  metadata.created_at_ms = sdk::to_unix_millis(impl_->clock.now());
  metadata.modified_at_ms = metadata.created_at_ms;
  sdk::QueueRecord record{name, fifo, impl_->new_generation(), 0, encode_queue_metadata(metadata)};

  auto created = impl_->store->create_queue(record);
  if (!created.ok()) {
    if (created.code() != sdk::ErrorCode::kQueueAlreadyExists) {
      return Impl::from_store(created.error(), name);
    }
    // Another broker created it between our read and our write: judge it like any existing one.
    auto raced = impl_->load(name);
    if (!raced.ok()) return raced.error();
    return impl_->compare_existing(raced.value(), changes.value());
  }
  impl_->cache(LoadedQueue{std::move(created.value()), std::move(metadata)});
  impl_->log(sdk::LogLevel::kInfo, "created queue " + name);
  return sdk::QueueInfo{name, arn_of(name), fifo};
}

sdk::Status QueueRegistry::remove(const std::string& name) {
  auto status = impl_->store->delete_queue(name);
  if (!status.ok()) return Impl::from_store(status.error(), name);
  impl_->deleted.remember(name, impl_->clock.now());
  impl_->settings_cache.erase(name);
  impl_->log(sdk::LogLevel::kInfo, "deleted queue " + name);
  return sdk::Status::Ok();
}

sdk::Result<sdk::QueueInfo> QueueRegistry::info(const std::string& name) {
  auto record = impl_->store->get_queue(name);
  if (!record.ok()) return Impl::from_store(record.error(), name);
  return sdk::QueueInfo{record->name, arn_of(record->name), record->fifo};
}

sdk::Result<sdk::NamePage> QueueRegistry::list(const std::string& prefix, std::uint32_t max,
                                               const std::string& next_token) {
  if (auto status = check_max_results(max); !status.ok()) return status.error();
  auto page = impl_->store->list_queues(prefix, max == 0 ? kMaxListResults : max, next_token);
  if (!page.ok()) return page.error();
  sdk::NamePage names;
  for (const auto& record : page->queues) names.names.push_back(record.name);
  // Without MaxResults SQS returns at most 1000 names and never a token (spec 5.3).
  if (max != 0) names.next_token = std::move(page->next_token);
  return names;
}

sdk::Result<QueueSettings> QueueRegistry::settings(const std::string& name) {
  const sdk::TimePoint now = impl_->clock.now();
  if (auto cached = impl_->settings_cache.find(name, now)) return std::move(*cached);
  auto loaded = impl_->load(name);
  if (!loaded.ok()) {
    if (loaded.code() == sdk::ErrorCode::kQueueDoesNotExist) impl_->settings_cache.erase(name);
    return loaded.error();
  }
  QueueSettings settings = make_queue_settings(loaded->record, loaded->metadata,
                                               impl_->options.region, impl_->options.account_id);
  impl_->settings_cache.put(settings, now);
  return settings;
}

std::optional<QueueSettings> QueueRegistry::cached_settings(const std::string& name) {
  return impl_->settings_cache.find(name, impl_->clock.now());
}

sdk::Result<sdk::AttributeMap> QueueRegistry::get_attributes(
    const std::string& name, const std::vector<std::string>& names) {
  auto loaded = impl_->load(name);
  if (!loaded.ok()) return loaded.error();
  const bool fifo = loaded->record.fifo;
  std::set<std::string_view> wanted;
  for (const auto& requested : names) {
    if (auto status = validate_requested_name(requested, fifo); !status.ok()) {
      return status.error();
    }
    if (requested == attr::kAll) {
      for (auto applicable : applicable_attribute_names(fifo)) wanted.insert(applicable);
    } else {
      wanted.insert(requested);
    }
  }

  sdk::QueueCounts counts;
  const bool needs_counts = wanted.contains(attr::kApproximateNumberOfMessages) ||
                            wanted.contains(attr::kApproximateNumberOfMessagesNotVisible) ||
                            wanted.contains(attr::kApproximateNumberOfMessagesDelayed);
  if (needs_counts) {
    auto counted = impl_->store->counts(name, impl_->clock.now());
    if (!counted.ok()) return Impl::from_store(counted.error(), name);
    counts = counted.value();
  }

  const QueueMetadata& metadata = loaded->metadata;
  sdk::AttributeMap result;
  for (std::string_view attribute : wanted) {
    std::optional<std::string> value;
    if (attribute == attr::kQueueArn) {
      value = arn_of(name);
    } else if (attribute == attr::kApproximateNumberOfMessages) {
      value = std::to_string(counts.visible);
    } else if (attribute == attr::kApproximateNumberOfMessagesNotVisible) {
      value = std::to_string(counts.in_flight);
    } else if (attribute == attr::kApproximateNumberOfMessagesDelayed) {
      value = std::to_string(counts.delayed);
    } else if (attribute == attr::kCreatedTimestamp) {
      value = std::to_string(metadata.created_at_ms / 1000);
    } else if (attribute == attr::kLastModifiedTimestamp) {
      value = std::to_string(metadata.modified_at_ms / 1000);
    } else if (attribute == attr::kFifoQueue) {
      value = "true";  // only applicable to FIFO queues
    } else if (attribute == attr::kPolicy) {
      value = impl_->rendered_policy(loaded.value());
    } else {
      value = effective_value(metadata.attributes, attribute);
    }
    if (value) result.emplace(std::string(attribute), std::move(*value));
  }
  return result;
}

sdk::Status QueueRegistry::set_attributes(const std::string& name,
                                          const sdk::AttributeMap& attributes) {
  if (attributes.empty()) {
    return sdk::make_error(sdk::ErrorCode::kMissingParameter,
                           "The request must contain the parameter Attributes.");
  }
  auto record = impl_->store->get_queue(name);
  if (!record.ok()) return Impl::from_store(record.error(), name);
  const bool fifo = record->fifo;
  auto changes = validate_attributes(attributes, fifo, AttributeOp::kSet);
  if (!changes.ok()) return changes.error();
  if (auto status = impl_->check_redrive_target(changes.value(), name, fifo); !status.ok()) {
    return status;
  }
  const bool sets_policy = changes->contains(std::string(attr::kPolicy));
  return impl_->update(
      name, [&](const sdk::QueueRecord&, QueueMetadata& metadata) -> sdk::Result<bool> {
        if (auto status = merge_attributes(metadata.attributes, changes.value()); !status.ok()) {
          return status.error();
        }
        // A Policy document replaces the whole policy, statements from AddPermission included.
        if (sets_policy) metadata.permissions.clear();
        metadata.modified_at_ms = sdk::to_unix_millis(impl_->clock.now());
        return true;
      });
}

sdk::Status QueueRegistry::purge(const std::string& name) {
  const sdk::Millis interval = impl_->options.purge_interval;
  auto status = impl_->update(
      name, [&](const sdk::QueueRecord&, QueueMetadata& metadata) -> sdk::Result<bool> {
        const std::int64_t now = sdk::to_unix_millis(impl_->clock.now());
        if (metadata.last_purge_at_ms != 0 && now - metadata.last_purge_at_ms < interval.count()) {
          return sdk::make_error(sdk::ErrorCode::kPurgeQueueInProgress,
                                 "Only one PurgeQueue operation on " + name + " is allowed every " +
                                     std::to_string(interval.count() / 1000) + " seconds.");
        }
        metadata.last_purge_at_ms = now;
        return true;
      });
  if (!status.ok()) return status;
  auto purged = impl_->store->purge(name);
  if (!purged.ok()) return Impl::from_store(purged.error(), name);
  impl_->log(sdk::LogLevel::kInfo,
             "purged queue " + name + " (" + std::to_string(purged.value()) + " messages)");
  return sdk::Status::Ok();
}

sdk::Status QueueRegistry::tag(const std::string& name, const sdk::TagMap& tags) {
  if (tags.empty()) {
    return sdk::make_error(sdk::ErrorCode::kMissingParameter,
                           "The request must contain the parameter Tags.");
  }
  if (auto status = validate_tags(tags); !status.ok()) return status;
  return impl_->update(name,
                       [&](const sdk::QueueRecord&, QueueMetadata& metadata) -> sdk::Result<bool> {
                         sdk::TagMap merged = metadata.tags;
                         for (const auto& [key, value] : tags) merged.insert_or_assign(key, value);
                         if (auto status = check_tag_count(merged, name); !status.ok())
                           return status.error();
                         metadata.tags = std::move(merged);
                         return true;
                       });
}

sdk::Status QueueRegistry::untag(const std::string& name, const std::vector<std::string>& keys) {
  if (auto status = validate_tag_keys(keys); !status.ok()) return status;
  return impl_->update(name,
                       [&](const sdk::QueueRecord&, QueueMetadata& metadata) -> sdk::Result<bool> {
                         std::size_t removed = 0;
                         for (const auto& key : keys) removed += metadata.tags.erase(key);
                         return removed > 0;  // unknown keys are ignored, as SQS does
                       });
}

sdk::Result<sdk::TagMap> QueueRegistry::tags(const std::string& name) {
  auto loaded = impl_->load(name);
  if (!loaded.ok()) return loaded.error();
  return std::move(loaded->metadata.tags);
}

sdk::Result<sdk::NamePage> QueueRegistry::dead_letter_sources(const std::string& name,
                                                              std::uint32_t max,
                                                              const std::string& next_token) {
  if (auto status = check_max_results(max); !status.ok()) return status.error();
  auto target = impl_->store->get_queue(name);
  if (!target.ok()) return Impl::from_store(target.error(), name);
  const std::string target_arn = arn_of(name);
  const std::uint32_t limit = max == 0 ? kMaxListResults : max;

  // Scans every queue's metadata: fine while queues number in the thousands. The token is the
  // last name returned; sources come in name order, so the next page starts after it.
  sdk::NamePage page;
  bool more = false;
  auto status = impl_->for_each_queue([&](const sdk::QueueRecord& record) -> sdk::Status {
    if (!next_token.empty() && record.name <= next_token) return sdk::Status::Ok();
    auto metadata = decode_queue_metadata(record.metadata, record.name);
    if (!metadata.ok()) return metadata.error();
    auto it = metadata->attributes.find(std::string(attr::kRedrivePolicy));
    if (it == metadata->attributes.end()) return sdk::Status::Ok();
    auto policy = parse_redrive_policy(it->second);
    if (!policy.ok() || policy->dead_letter_target_arn != target_arn) return sdk::Status::Ok();
    if (page.names.size() == limit) {
      more = true;
    } else {
      page.names.push_back(record.name);
    }
    return sdk::Status::Ok();
  });
  if (!status.ok()) return status.error();
  if (more && max != 0) page.next_token = page.names.back();
  return page;
}

sdk::Status QueueRegistry::add_permission(const std::string& name, const std::string& label,
                                          const std::vector<std::string>& account_ids,
                                          const std::vector<std::string>& actions) {
  PermissionGrant grant{label, account_ids, actions};
  if (auto status = validate_permission(grant); !status.ok()) return status;
  return impl_->update(
      name, [&](const sdk::QueueRecord& record, QueueMetadata& metadata) -> sdk::Result<bool> {
        auto policy = metadata.attributes.find(std::string(attr::kPolicy));
        std::vector<std::string> labels =
            policy_statement_ids(policy == metadata.attributes.end() ? "" : policy->second);
        for (const auto& existing : metadata.permissions) labels.push_back(existing.label);
        if (std::find(labels.begin(), labels.end(), label) != labels.end()) {
          return sdk::make_error(
              sdk::ErrorCode::kInvalidParameterValue,
              "Value " + label + " for parameter Label is invalid. Reason: Already exists.");
        }
        if (labels.size() + 1 > kMaxPolicyStatements) {
          return sdk::make_error(sdk::ErrorCode::kOverLimit, "The policy of queue " + name +
                                                                 " already has " +
                                                                 std::to_string(labels.size()) +
                                                                 " statements; the maximum is 20.");
        }
        metadata.permissions.push_back(grant);
        LoadedQueue updated{record, metadata};
        if (impl_->rendered_policy(updated).value_or("").size() > kMaxPolicyBytes) {
          return sdk::make_error(sdk::ErrorCode::kOverLimit,
                                 "The policy of queue " + name + " would exceed 8192 bytes.");
        }
        metadata.modified_at_ms = sdk::to_unix_millis(impl_->clock.now());
        return true;
      });
}

sdk::Status QueueRegistry::remove_permission(const std::string& name, const std::string& label) {
  if (label.empty()) {
    return sdk::make_error(sdk::ErrorCode::kMissingParameter,
                           "The request must contain the parameter Label.");
  }
  return impl_->update(
      name, [&](const sdk::QueueRecord&, QueueMetadata& metadata) -> sdk::Result<bool> {
        auto& grants = metadata.permissions;
        auto grant = std::find_if(grants.begin(), grants.end(),
                                  [&](const PermissionGrant& g) { return g.label == label; });
        const std::string policy_key(attr::kPolicy);
        auto policy = metadata.attributes.find(policy_key);
        if (grant != grants.end()) {
          grants.erase(grant);
        } else if (auto rest = policy == metadata.attributes.end()
                                   ? std::nullopt
                                   : remove_policy_statement(policy->second, label)) {
          if (rest->empty()) {
            metadata.attributes.erase(policy);
          } else {
            policy->second = std::move(*rest);
          }
        } else {
          return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                                 "Value " + label +
                                     " for parameter Label is invalid. Reason: can't find label on "
                                     "existing policy of queue " +
                                     name + ".");
        }
        metadata.modified_at_ms = sdk::to_unix_millis(impl_->clock.now());
        return true;
      });
}

sdk::Result<std::vector<std::string>> QueueRegistry::all_names() {
  std::vector<std::string> names;
  auto status = impl_->for_each_queue([&](const sdk::QueueRecord& record) {
    names.push_back(record.name);
    return sdk::Status::Ok();
  });
  if (!status.ok()) return status.error();
  return names;
}

std::string QueueRegistry::arn_of(const std::string& name) const { return impl_->arn(name); }

sdk::Result<std::string> QueueRegistry::name_of(const std::string& arn) const {
  auto name = queue_name_from_arn(arn, impl_->options.region, impl_->options.account_id);
  if (!name) {
    return sdk::make_error(sdk::ErrorCode::kResourceNotFound,
                           "The resource that you specified for the ARN " + arn +
                               " is not a queue of region " + impl_->options.region +
                               " and account " + impl_->options.account_id + ".");
  }
  return std::move(*name);
}

}  // namespace sluice::core
