// QueueRegistry: everything about queues as objects (create, attributes, tags, permissions,
// redrive policies, purge pacing, deletion) on top of a QueueStore. Synchronous: the broker calls
// it from its storage pool, never from an I/O thread. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/core/broker_options.hpp"
#include "sluice/core/clock.hpp"
#include "sluice/core/queue_settings.hpp"
#include "sluice/sdk/broker_api.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::core {

class QueueRegistry {
 public:
  QueueRegistry(std::shared_ptr<sdk::QueueStore> store, const BrokerOptions& options,
                const Clock& clock, std::shared_ptr<sdk::Logger> logger);
  ~QueueRegistry();
  QueueRegistry(const QueueRegistry&) = delete;
  QueueRegistry& operator=(const QueueRegistry&) = delete;

  // CreateQueue semantics: validates name and attributes, applies defaults; an existing queue
  // with identical attributes is returned as is, with different ones -> kQueueAlreadyExists;
  // a name deleted less than queue_recreate_delay ago -> kQueueDeletedRecently.
  sdk::Result<sdk::QueueInfo> create(const sdk::CreateQueueRequest& request);
  sdk::Status remove(const std::string& name);
  sdk::Result<sdk::QueueInfo> info(const std::string& name);
  sdk::Result<sdk::NamePage> list(const std::string& prefix, std::uint32_t max,
                                  const std::string& next_token);
  // Effective settings for the message path. Served from a cache that create/set/remove keep
  // current; a cache miss reads the store (queues created by another broker).
  sdk::Result<QueueSettings> settings(const std::string& name);
  // The cached settings only, never a store read: nullopt on a miss (or a stale entry). For
  // callers that must not block on storage (front-end threads). Thread-safe.
  std::optional<QueueSettings> cached_settings(const std::string& name);
  sdk::Result<sdk::AttributeMap> get_attributes(const std::string& name,
                                                const std::vector<std::string>& names);
  sdk::Status set_attributes(const std::string& name, const sdk::AttributeMap& attributes);
  // Enforces one purge per purge_interval per queue, then purges.
  sdk::Status purge(const std::string& name);
  sdk::Status tag(const std::string& name, const sdk::TagMap& tags);
  sdk::Status untag(const std::string& name, const std::vector<std::string>& keys);
  sdk::Result<sdk::TagMap> tags(const std::string& name);
  sdk::Result<sdk::NamePage> dead_letter_sources(const std::string& name, std::uint32_t max,
                                                 const std::string& next_token);
  sdk::Status add_permission(const std::string& name, const std::string& label,
                             const std::vector<std::string>& account_ids,
                             const std::vector<std::string>& actions);
  sdk::Status remove_permission(const std::string& name, const std::string& label);
  // All queue names (for the retention sweeper).
  sdk::Result<std::vector<std::string>> all_names();

  std::string arn_of(const std::string& name) const;
  // kResourceNotFound unless `arn` names a queue of this region and account.
  sdk::Result<std::string> name_of(const std::string& arn) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::core
