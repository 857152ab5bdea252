#include "queue_registry_impl.hpp"

#include "queue_attributes.hpp"
#include "queue_names.hpp"
#include "queue_policy.hpp"
#include "redrive_policy.hpp"

namespace sluice::core {
namespace {

sdk::Error invalid_redrive(std::string_view document, std::string_view reason) {
  return sdk::make_error(
      sdk::ErrorCode::kInvalidParameterValue,
      "Value " + std::string(document) +
          " for parameter RedrivePolicy is invalid. Reason: " + std::string(reason));
}

}  // namespace

QueueRegistry::Impl::Impl(std::shared_ptr<sdk::QueueStore> store_in,
                          const BrokerOptions& options_in, const Clock& clock_in,
                          std::shared_ptr<sdk::Logger> logger_in)
    : store(std::move(store_in)),
      options(options_in),
      clock(clock_in),
      logger(std::move(logger_in)),
      settings_cache(kSettingsRefresh),
      deleted(options_in.queue_recreate_delay),
      random_(std::random_device{}()) {}

std::string QueueRegistry::Impl::arn(std::string_view name) const {
  return make_queue_arn(options.region, options.account_id, name);
}

void QueueRegistry::Impl::log(sdk::LogLevel level, const std::string& message) const {
  if (logger && logger->enabled(level)) logger->log(level, message);
}

std::uint64_t QueueRegistry::Impl::new_generation() {
  std::lock_guard lock(random_mu_);
  std::uint64_t generation = 0;
  while (generation == 0) generation = random_();
  return generation;
}

sdk::Error QueueRegistry::Impl::from_store(const sdk::Error& error, std::string_view name) {
  if (error.code == sdk::ErrorCode::kQueueDoesNotExist) {
    return sdk::make_error(error.code,
                           "The specified queue " + std::string(name) + " does not exist.");
  }
  if (error.message.find(name) != std::string::npos) return error;
  return sdk::make_error(error.code, "Queue " + std::string(name) + ": " + error.message);
}

sdk::Result<LoadedQueue> QueueRegistry::Impl::load(std::string_view name) {
  auto record = store->get_queue(name);
  if (!record.ok()) return from_store(record.error(), name);
  auto metadata = decode_queue_metadata(record->metadata, name);
  if (!metadata.ok()) return metadata.error();
  return LoadedQueue{std::move(record.value()), std::move(metadata.value())};
}

void QueueRegistry::Impl::cache(const LoadedQueue& queue) {
  settings_cache.put(
      make_queue_settings(queue.record, queue.metadata, options.region, options.account_id),
      clock.now());
}

sdk::Status QueueRegistry::Impl::update(const std::string& name, const Mutation& mutate) {
  for (int attempt = 0; attempt < kMaxUpdateAttempts; ++attempt) {
    auto loaded = load(name);
    if (!loaded.ok()) return loaded.error();
    auto changed = mutate(loaded->record, loaded->metadata);
    if (!changed.ok()) return changed.error();
    if (!changed.value()) return sdk::Status::Ok();
    loaded->record.metadata = encode_queue_metadata(loaded->metadata);
    auto written = store->update_queue(loaded->record);
    if (written.ok()) {
      cache(LoadedQueue{std::move(written.value()), std::move(loaded->metadata)});
      return sdk::Status::Ok();
    }
    if (written.code() != sdk::ErrorCode::kConflict) return from_store(written.error(), name);
  }
  log(sdk::LogLevel::kWarn, "gave up updating queue " + name + " after repeated conflicts");
  return sdk::make_error(sdk::ErrorCode::kConflict,
                         "Queue " + name +
                             " kept changing under concurrent updates; gave up after " +
                             std::to_string(kMaxUpdateAttempts) + " attempts.");
}

sdk::Status QueueRegistry::Impl::check_redrive_target(const sdk::AttributeMap& changes,
                                                      std::string_view source_name,
                                                      bool source_fifo) {
  auto it = changes.find(std::string(attr::kRedrivePolicy));
  if (it == changes.end() || it->second.empty()) return sdk::Status::Ok();
  const std::string& document = it->second;
  auto parsed = parse_redrive_policy(document);
  if (!parsed.ok()) return parsed.error();
  const std::string& target_arn = parsed->dead_letter_target_arn;
  const std::string source_arn = arn(source_name);
  if (target_arn == source_arn) {
    return invalid_redrive(document, "A queue cannot be its own dead-letter queue.");
  }
  auto target_name = queue_name_from_arn(target_arn, options.region, options.account_id);
  if (!target_name) {
    return invalid_redrive(document, "Dead-letter target " + target_arn +
                                         " is not a queue ARN of this region and account.");
  }
  auto target = load(*target_name);
  if (!target.ok()) {
    if (target.code() != sdk::ErrorCode::kQueueDoesNotExist) return target.error();
    return invalid_redrive(document, "Dead-letter target " + target_arn + " does not exist.");
  }
  if (target->record.fifo != source_fifo) {
    return invalid_redrive(document, std::string("Dead-letter queue ") + target_arn +
                                         " must be the same type of queue as the source (" +
                                         (source_fifo ? "FIFO" : "standard") + ").");
  }
  const auto& target_attributes = target->metadata.attributes;
  auto allow = target_attributes.find(std::string(attr::kRedriveAllowPolicy));
  if (allow != target_attributes.end()) {
    auto allow_policy = parse_redrive_allow_policy(allow->second);
    if (!allow_policy.ok()) return allow_policy.error();
    if (!allow_policy->allows(source_arn)) {
      return invalid_redrive(document, "The RedriveAllowPolicy of " + target_arn +
                                           " does not allow " + source_arn +
                                           " to use it as a dead-letter queue.");
    }
  }
  return sdk::Status::Ok();
}

std::optional<std::string> QueueRegistry::Impl::rendered_policy(const LoadedQueue& queue) const {
  const auto& attributes = queue.metadata.attributes;
  auto it = attributes.find(std::string(attr::kPolicy));
  return render_policy(it == attributes.end() ? std::string_view() : it->second,
                       queue.metadata.permissions, arn(queue.record.name));
}

sdk::Result<sdk::QueueInfo> QueueRegistry::Impl::compare_existing(
    const LoadedQueue& existing, const sdk::AttributeMap& requested) const {
  for (const auto& [name, value] : requested) {
    if (name == attr::kFifoQueue) continue;  // the type follows from the name, already equal
    std::optional<std::string> current = name == attr::kPolicy
                                             ? rendered_policy(existing)
                                             : effective_value(existing.metadata.attributes, name);
    if (!same_attribute_value(name, value, current.value_or(""))) {
      return sdk::make_error(sdk::ErrorCode::kQueueAlreadyExists,
                             "A queue already exists with the same name and a different value "
                             "for attribute " +
                                 name + " (queue " + existing.record.name + ").");
    }
  }
  return sdk::QueueInfo{existing.record.name, arn(existing.record.name), existing.record.fifo};
}

sdk::Status QueueRegistry::Impl::for_each_queue(
    const std::function<sdk::Status(const sdk::QueueRecord&)>& visit) {
  std::string token;
  do {
    auto page = store->list_queues("", kStoreScanPage, token);
    if (!page.ok()) return page.error();
    for (const auto& record : page->queues) {
      auto status = visit(record);
      if (!status.ok()) return status;
    }
    token = std::move(page->next_token);
  } while (!token.empty());
  return sdk::Status::Ok();
}

}  // namespace sluice::core
