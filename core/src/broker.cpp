// Broker: construction, lifecycle, queue management (forwarded to the QueueRegistry on the
// storage pool) and naming. The message path lives in broker_send.cpp, broker_receive.cpp,
// broker_settle.cpp and broker_consume.cpp; timers and move tasks in broker_maintenance.cpp.
#include "sluice/core/broker.hpp"

#include <stdexcept>

#include "broker_impl.hpp"

namespace sluice::core {

Broker::Impl::Impl(std::shared_ptr<sdk::QueueStore> store_in, BrokerOptions options_in,
                   std::shared_ptr<const Clock> clock_in, std::shared_ptr<sdk::Logger> logger_in)
    : store(std::move(store_in)),
      options(std::move(options_in)),
      clock(std::move(clock_in)),
      logger(std::move(logger_in)),
      registry(store, options, *clock, logger),
      receipts(options.receipt_secret),
      coalescer([this](std::function<void()> task) { return pool.post(std::move(task)); },
                [this](const std::string& queue, const std::vector<sdk::NewMessage>& messages) {
                  sdk::AppendSpec spec;
                  spec.now = clock->now();
                  spec.dedup_window = options.dedup_window;
                  return store->append(queue, messages, spec);
                },
                options.max_append_batch),
      attempts(options.dedup_window) {}

Broker::Impl::~Impl() = default;

void Broker::Impl::start() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex);
  if (state.load() != State::kIdle) return;
  pool.start(options.storage_threads);
  timers.start();
  state.store(State::kRunning);
  periodic.push_back(timers.every(options.long_poll_recheck, [this] { waiters.notify_all(); }));
  periodic.push_back(timers.every(options.sweep_interval, [this] {
    // Skip a tick rather than stack sweeps when one runs longer than the interval.
    if (sweeping.exchange(true)) return;
    if (!pool.post([this] {
          sweep_now();
          sweeping.store(false);
        })) {
      sweeping.store(false);
    }
  }));
}

void Broker::Impl::stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex);
  const State was = state.load();
  if (was == State::kStopped) return;
  state.store(State::kStopping);
  if (was == State::kRunning) {
    for (auto& weak : periodic) {
      if (auto timer = weak.lock()) timer->cancel();
    }
    // Consumers first, so the waiter wake-ups below find them already ended and report why.
    consumers.end_all(
        sdk::make_error(sdk::ErrorCode::kServiceUnavailable, "the broker is stopping"));
    waiters.close();  // waiting long polls complete empty
    timers.stop();
  }
  pool.shutdown();  // in-flight store calls finish and their handlers run
  {
    std::lock_guard<std::mutex> watch_lock(watch_mutex);
    watches.clear();
  }
  state.store(State::kStopped);
}

bool Broker::Impl::post(std::function<void()> task) { return pool.post(std::move(task)); }

void Broker::Impl::log_error(const std::string& message) { logger->error(message); }

void Broker::Impl::on_queue_deleted(const std::string& queue) {
  consumers.end_queue(
      queue, sdk::make_error(sdk::ErrorCode::kQueueDoesNotExist,
                             "The specified queue " + queue + " does not exist (it was deleted)."));
  waiters.close_queue(queue);
  attempts.drop_queue(queue);
  if (sealer) sealer->forget(queue);
  std::unique_ptr<sdk::WatchHandle> dropped;
  std::lock_guard<std::mutex> lock(watch_mutex);
  auto it = watches.find(queue);
  if (it != watches.end()) {
    dropped = std::move(it->second);
    watches.erase(it);
  }
}

void Broker::Impl::ensure_watch(const std::string& queue) {
  {
    std::lock_guard<std::mutex> lock(watch_mutex);
    if (watches.count(queue) != 0) return;
  }
  // Outside the lock: watch() is a store call. A concurrent caller may subscribe twice; the
  // second handle is dropped below.
  auto handle = store->watch(queue, [this, queue] { waiters.notify(queue, SIZE_MAX); });
  std::lock_guard<std::mutex> lock(watch_mutex);
  if (state.load() != State::kRunning) return;  // stop() is clearing watches
  watches.emplace(queue, std::move(handle));
}

// --- Broker -----------------------------------------------------------------------------------

Broker::Broker(std::shared_ptr<sdk::QueueStore> store, BrokerOptions options,
               std::shared_ptr<const Clock> clock, std::shared_ptr<sdk::Logger> logger) {
  if (!store || !clock || !logger) {
    throw std::invalid_argument("Broker: store, clock and logger must not be null");
  }
  impl_ = std::make_shared<Impl>(std::move(store), std::move(options), std::move(clock),
                                 std::move(logger));
}

Broker::~Broker() { impl_->stop(); }

void Broker::use_encryption(std::shared_ptr<sdk::PayloadCipher> cipher) {
  if (!cipher) throw std::invalid_argument("Broker::use_encryption: cipher must not be null");
  impl_->sealer = std::make_unique<EnvelopeSealer>(std::move(cipher), impl_->store, impl_->clock,
                                                   impl_->logger);
}

void Broker::start() { impl_->start(); }
void Broker::stop() { impl_->stop(); }

void Broker::create_queue(const sdk::RequestContext&, sdk::CreateQueueRequest request,
                          sdk::Completion<sdk::QueueInfo> done) {
  impl_->submit<sdk::QueueInfo>(
      std::move(done), [impl = impl_.get(), request] { return impl->registry.create(request); });
}

void Broker::delete_queue(const sdk::RequestContext&, std::string queue,
                          sdk::StatusCompletion done) {
  impl_->submit_status(std::move(done), [impl = impl_.get(), queue] {
    auto status = impl->registry.remove(queue);
    if (status.ok()) impl->on_queue_deleted(queue);
    return status;
  });
}

void Broker::get_queue(const sdk::RequestContext&, std::string queue,
                       sdk::Completion<sdk::QueueInfo> done) {
  impl_->submit<sdk::QueueInfo>(std::move(done),
                                [impl = impl_.get(), queue] { return impl->registry.info(queue); });
}

void Broker::list_queues(const sdk::RequestContext&, std::string prefix, std::uint32_t max,
                         std::string next_token, sdk::Completion<sdk::NamePage> done) {
  impl_->submit<sdk::NamePage>(std::move(done), [impl = impl_.get(), prefix, max, next_token] {
    return impl->registry.list(prefix, max, next_token);
  });
}

void Broker::get_queue_attributes(const sdk::RequestContext&, std::string queue,
                                  std::vector<std::string> names,
                                  sdk::Completion<sdk::AttributeMap> done) {
  impl_->submit<sdk::AttributeMap>(std::move(done), [impl = impl_.get(), queue, names] {
    return impl->registry.get_attributes(queue, names);
  });
}

void Broker::set_queue_attributes(const sdk::RequestContext&, std::string queue,
                                  sdk::AttributeMap attributes, sdk::StatusCompletion done) {
  impl_->submit_status(std::move(done), [impl = impl_.get(), queue, attributes] {
    return impl->registry.set_attributes(queue, attributes);
  });
}

void Broker::purge_queue(const sdk::RequestContext&, std::string queue,
                         sdk::StatusCompletion done) {
  impl_->submit_status(std::move(done), [impl = impl_.get(), queue] {
    auto status = impl->registry.purge(queue);
    // Purged deliveries can no longer be deleted or re-armed by an attempt-id retry.
    if (status.ok()) impl->attempts.drop_queue(queue);
    return status;
  });
}

void Broker::tag_queue(const sdk::RequestContext&, std::string queue, sdk::TagMap tags,
                       sdk::StatusCompletion done) {
  impl_->submit_status(std::move(done), [impl = impl_.get(), queue, tags] {
    return impl->registry.tag(queue, tags);
  });
}

void Broker::untag_queue(const sdk::RequestContext&, std::string queue,
                         std::vector<std::string> keys, sdk::StatusCompletion done) {
  impl_->submit_status(std::move(done), [impl = impl_.get(), queue, keys] {
    return impl->registry.untag(queue, keys);
  });
}

void Broker::list_queue_tags(const sdk::RequestContext&, std::string queue,
                             sdk::Completion<sdk::TagMap> done) {
  impl_->submit<sdk::TagMap>(std::move(done),
                             [impl = impl_.get(), queue] { return impl->registry.tags(queue); });
}

void Broker::list_dead_letter_source_queues(const sdk::RequestContext&, std::string queue,
                                            std::uint32_t max, std::string next_token,
                                            sdk::Completion<sdk::NamePage> done) {
  impl_->submit<sdk::NamePage>(std::move(done), [impl = impl_.get(), queue, max, next_token] {
    return impl->registry.dead_letter_sources(queue, max, next_token);
  });
}

void Broker::add_permission(const sdk::RequestContext&, std::string queue, std::string label,
                            std::vector<std::string> account_ids, std::vector<std::string> actions,
                            sdk::StatusCompletion done) {
  impl_->submit_status(std::move(done), [impl = impl_.get(), queue, label, account_ids, actions] {
    return impl->registry.add_permission(queue, label, account_ids, actions);
  });
}

void Broker::remove_permission(const sdk::RequestContext&, std::string queue, std::string label,
                               sdk::StatusCompletion done) {
  impl_->submit_status(std::move(done), [impl = impl_.get(), queue, label] {
    return impl->registry.remove_permission(queue, label);
  });
}

std::string Broker::queue_arn(const std::string& queue) const {
  return impl_->registry.arn_of(queue);
}

sdk::Result<std::string> Broker::queue_from_arn(const std::string& arn) const {
  return impl_->registry.name_of(arn);
}

}  // namespace sluice::core
