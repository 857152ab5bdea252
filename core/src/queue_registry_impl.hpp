// QueueRegistry's private half: its state and the steps every operation shares (reading a queue,
// the optimistic update loop, the RedrivePolicy target check, rendering the Policy attribute).
// Only queue_registry*.cpp include this. Thread-safe: the state is either immutable after
// construction or guarded inside its own class.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "deleted_queue_names.hpp"
#include "queue_metadata_codec.hpp"
#include "queue_settings_cache.hpp"
#include "sluice/core/queue_registry.hpp"

namespace sluice::core {

// A queue as read from the store, its metadata decoded.
struct LoadedQueue {
  sdk::QueueRecord record;
  QueueMetadata metadata;
};

struct QueueRegistry::Impl {
  // Optimistic updates re-read and re-apply this many times before giving up with kConflict.
  static constexpr int kMaxUpdateAttempts = 16;
  // How long a cached QueueSettings is trusted before the store is read again, so changes made by
  // other brokers on a shared store show up within this.
  static constexpr sdk::Millis kSettingsRefresh{std::chrono::seconds(1)};
  // Page size when scanning every queue (dead-letter sources, all_names).
  static constexpr std::size_t kStoreScanPage = 1000;

  Impl(std::shared_ptr<sdk::QueueStore> store_in, const BrokerOptions& options_in,
       const Clock& clock_in, std::shared_ptr<sdk::Logger> logger_in);

  const std::shared_ptr<sdk::QueueStore> store;
  const BrokerOptions options;
  const Clock& clock;
  const std::shared_ptr<sdk::Logger> logger;  // may be null
  QueueSettingsCache settings_cache;
  DeletedQueueNames deleted;

  std::string arn(std::string_view name) const;
  void log(sdk::LogLevel level, const std::string& message) const;
  // A random non-zero generation for a new queue.
  std::uint64_t new_generation();

  // Store errors keep their code; the message names the queue.
  static sdk::Error from_store(const sdk::Error& error, std::string_view name);

  sdk::Result<LoadedQueue> load(std::string_view name);
  // Replaces the cached settings of `queue` with ones built from this fresh copy.
  void cache(const LoadedQueue& queue);

  // Reads the queue, lets `mutate` change its metadata and writes it back if the store's version
  // is still the one read; re-reads and re-applies on kConflict. `mutate` returns false when it
  // changed nothing (no write), or an error that aborts the update. It may run several times.
  using Mutation = std::function<sdk::Result<bool>(const sdk::QueueRecord&, QueueMetadata&)>;
  sdk::Status update(const std::string& name, const Mutation& mutate);

  // A RedrivePolicy among validated `changes` must name an existing queue of this region and
  // account, of the source's type, not the source itself, whose RedriveAllowPolicy admits the
  // source. kInvalidParameterValue otherwise; store errors pass through.
  sdk::Status check_redrive_target(const sdk::AttributeMap& changes, std::string_view source_name,
                                   bool source_fifo);

  // The Policy attribute as clients see it: the explicit document plus AddPermission grants.
  std::optional<std::string> rendered_policy(const LoadedQueue& queue) const;

  // CreateQueue on an existing name: only the attributes in the request are compared with the
  // queue's effective values (spec 5.1); kQueueAlreadyExists naming the first that differs.
  sdk::Result<sdk::QueueInfo> compare_existing(const LoadedQueue& existing,
                                               const sdk::AttributeMap& requested) const;

  // Calls `visit` for every queue record, in name order, page by page; stops at its first error.
  sdk::Status for_each_queue(const std::function<sdk::Status(const sdk::QueueRecord&)>& visit);

 private:
  std::mutex random_mu_;
  std::mt19937_64 random_;  // guarded by random_mu_
};

}  // namespace sluice::core
