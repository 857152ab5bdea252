#include "envelope_sealer.hpp"

#include <chrono>

#include "envelope_codec.hpp"
#include "sluice/v1/message.pb.h"

namespace sluice::core {
namespace {

// A key missing from a cached ring makes us re-read the ring, at most this often per queue.
constexpr sdk::Millis kMinReload{std::chrono::seconds(1)};
// How long rings read only for sharing keys stay cached (the SQS default reuse period).
constexpr sdk::Millis kShareReuse{std::chrono::seconds(300)};

sdk::Millis reuse_of(const QueueSettings& queue) {
  return sdk::Millis(std::int64_t{queue.data_key_reuse_seconds} * 1000);
}

}  // namespace

EnvelopeSealer::EnvelopeSealer(std::shared_ptr<sdk::PayloadCipher> cipher,
                               std::shared_ptr<sdk::QueueStore> store,
                               std::shared_ptr<const Clock> clock,
                               std::shared_ptr<sdk::Logger> logger)
    : cipher_(std::move(cipher)),
      store_(std::move(store)),
      clock_(std::move(clock)),
      logger_(std::move(logger)) {}

EnvelopeSealer::~EnvelopeSealer() = default;

sdk::Result<EnvelopeSealer::View> EnvelopeSealer::view_of(const std::string& queue,
                                                          std::uint64_t generation,
                                                          sdk::Millis reuse, bool force) {
  if (!force) {
    const auto now = clock_->now();
    std::lock_guard lock(mu_);
    if (auto it = views_.find(queue); it != views_.end()) {
      const View& view = it->second;
      const auto age = now - view->loaded_at;
      // A settings cache may lag a re-created queue by a moment: a ring read just now is current.
      const bool same_queue = generation == 0 || view->generation == generation || age < kMinReload;
      if (age < reuse && same_queue) return view;
    }
  }
  return load(queue);
}

sdk::Result<EnvelopeSealer::View> EnvelopeSealer::load(const std::string& queue) {
  auto ring = read_key_ring(*store_, queue);
  if (!ring.ok()) return ring.error();
  auto view = std::make_shared<RingView>();
  view->generation = ring->generation;
  view->loaded_at = clock_->now();
  std::int64_t own_created = 0;
  for (auto& stored : ring->keys) {
    auto key = cipher_->unwrap(sdk::WrappedKey{stored.master_key_id, stored.wrapped},
                               wrapped_key_context(queue, stored));
    if (!key.ok()) {
      logger_->warn("queue " + queue + ": data key " + stored.id + " (master key " +
                    stored.master_key_id + ") cannot be unwrapped: " + key.error().message);
      view->broken.emplace(stored.id, BrokenKey{stored.owner_queue, key.error()});
      continue;
    }
    if (stored.owner_queue == queue &&
        (view->own_key_id.empty() || stored.created_at_ms > own_created)) {
      view->own_key_id = stored.id;
      own_created = stored.created_at_ms;
    }
    const std::string id = stored.id;
    view->keys.emplace(id, UnwrappedKey{std::move(key).value(), std::move(stored)});
  }
  View result = std::move(view);
  std::lock_guard lock(mu_);
  views_[queue] = result;
  return result;
}

sdk::Result<EnvelopeSealer::View> EnvelopeSealer::create_own_key(const QueueSettings& queue) {
  std::lock_guard create_lock(create_mu_);
  // Another thread, or another broker on the store, may have made one meanwhile.
  auto view = view_of(queue.name, 0, reuse_of(queue), /*force=*/true);
  if (!view.ok() || !(*view)->own_key_id.empty()) return view;
  for (const auto& [id, broken] : (*view)->broken) {
    if (broken.owner_queue == queue.name) {
      return sdk::make_error(
          sdk::ErrorCode::kInternal,
          "queue " + queue.name + ": its data key " + id +
              " cannot be unwrapped, so nothing can be sealed: " + broken.error.message);
    }
  }

  auto key = cipher_->generate_data_key();
  if (!key.ok()) return key.error();
  StoredDataKey stored;
  stored.id = new_data_key_id();
  stored.created_at_ms = sdk::to_unix_millis(clock_->now());
  stored.owner_queue = queue.name;
  auto wrapped = cipher_->wrap(**key, wrapped_key_context(queue.name, stored));
  if (!wrapped.ok()) return wrapped.error();
  stored.master_key_id = wrapped->master_key_id;
  stored.wrapped = std::move(wrapped->wrapped);
  auto added = update_key_ring(*store_, queue.name, [&](std::vector<StoredDataKey>& keys) {
    for (const auto& existing : keys) {
      if (existing.owner_queue == queue.name) return sdk::Result<bool>(false);  // lost the race
    }
    keys.push_back(stored);
    return sdk::Result<bool>(true);
  });
  if (!added) return added.error();
  logger_->info("queue " + queue.name + ": new data key " + stored.id + " under master key " +
                stored.master_key_id);
  // Messages dead-lettered from now on must be readable in the dead-letter queue.
  if (queue.redrive) {
    if (auto shared = share_keys(queue.name, queue.redrive->dead_letter_queue); !shared) {
      logger_->warn("queue " + queue.name + ": copying its data key to dead-letter queue " +
                    queue.redrive->dead_letter_queue +
                    " failed (retried at the next receive): " + shared.error().message);
    }
  }
  view = view_of(queue.name, 0, reuse_of(queue), /*force=*/true);
  if (view.ok() && (*view)->own_key_id.empty()) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           "queue " + queue.name + ": no usable data key after creating one");
  }
  return view;
}

EnvelopeSealer::View EnvelopeSealer::cached_view(const QueueSettings& queue,
                                                 sdk::Millis margin) const {
  const auto now = clock_->now();
  std::lock_guard lock(mu_);
  auto it = views_.find(queue.name);
  if (it == views_.end()) return nullptr;
  const View& view = it->second;
  const bool same_queue = queue.generation == 0 || view->generation == queue.generation;
  if (!same_queue || view->own_key_id.empty() ||
      now - view->loaded_at + margin >= reuse_of(queue)) {
    return nullptr;
  }
  return view;
}

bool EnvelopeSealer::has_cached_key(const QueueSettings& queue, sdk::Millis margin) const {
  return cached_view(queue, margin) != nullptr;
}

std::optional<sdk::Result<std::string>> EnvelopeSealer::seal_if_cached(
    const QueueSettings& queue, const std::string& envelope_bytes, sdk::Millis margin) {
  const View view = cached_view(queue, margin);
  if (!view) return std::nullopt;
  return seal_with(*view, queue, envelope_bytes);
}

sdk::Result<std::string> EnvelopeSealer::seal(const QueueSettings& queue,
                                              const std::string& envelope_bytes) {
  auto view = view_of(queue.name, queue.generation, reuse_of(queue), /*force=*/false);
  if (view.ok() && (*view)->own_key_id.empty()) view = create_own_key(queue);
  if (!view.ok()) return view.error();
  return seal_with(**view, queue, envelope_bytes);
}

sdk::Result<std::string> EnvelopeSealer::seal_with(const RingView& view, const QueueSettings& queue,
                                                   const std::string& envelope_bytes) {
  const std::string& key_id = view.own_key_id;
  const UnwrappedKey& own = view.keys.at(key_id);

  sluice::v1::MessageEnvelope envelope;
  if (!envelope.ParseFromString(envelope_bytes)) {
    return sdk::make_error(sdk::ErrorCode::kInternal, "sealing: the envelope does not parse");
  }
  sluice::v1::SealedPayload payload;
  payload.mutable_body()->swap(*envelope.mutable_body());
  payload.mutable_attributes()->swap(*envelope.mutable_attributes());
  payload.mutable_native_properties()->swap(*envelope.mutable_native_properties());
  auto sealed = cipher_->seal(*own.key, payload_context(queue.name, envelope.message_id()),
                              payload.SerializeAsString());
  if (!sealed.ok()) {
    return sdk::make_error(sealed.code(), "queue " + queue.name + ": sealing message " +
                                              envelope.message_id() +
                                              " failed: " + sealed.error().message);
  }
  envelope.set_key_id(key_id);
  envelope.set_sealed(std::move(sealed).value());
  return envelope.SerializeAsString();
}

sdk::Result<EnvelopeSealer::UnwrappedKey> EnvelopeSealer::find_key(const QueueSettings& queue,
                                                                   const std::string& key_id,
                                                                   const sdk::Delivery& delivery) {
  auto look = [&](const View& view) -> const UnwrappedKey* {
    auto it = view->keys.find(key_id);
    return it == view->keys.end() ? nullptr : &it->second;
  };
  auto view = view_of(queue.name, queue.generation, reuse_of(queue), /*force=*/false);
  if (!view.ok()) return view.error();
  if ((*view)->keys.count(key_id) == 0 && (*view)->broken.count(key_id) == 0 &&
      clock_->now() - (*view)->loaded_at >= kMinReload) {
    view = view_of(queue.name, queue.generation, reuse_of(queue), /*force=*/true);
    if (!view.ok()) return view.error();
  }
  if (const UnwrappedKey* key = look(*view)) return *key;
  if (auto it = (*view)->broken.find(key_id); it != (*view)->broken.end()) return it->second.error;

  // Dead-lettered before the dead-letter queue got a copy of the key (a redrive policy changed
  // on another broker a moment ago): the source's ring has it; copy it over for next time.
  const std::string& source = delivery.dead_letter_source;
  if (!source.empty() && source != queue.name) {
    auto source_view = view_of(source, 0, reuse_of(queue), /*force=*/false);
    if (source_view.ok() && look(*source_view) == nullptr) {
      source_view = view_of(source, 0, reuse_of(queue), /*force=*/true);
    }
    if (source_view.ok()) {
      if (const UnwrappedKey* key = look(*source_view)) {
        UnwrappedKey found = *key;
        if (auto shared = share_keys(source, queue.name); !shared) {
          logger_->warn("queue " + queue.name + ": copying the data keys of " + source +
                        " failed: " + shared.error().message);
        }
        return found;
      }
    }
  }
  return sdk::make_error(sdk::ErrorCode::kInternal,
                         "the key is not in the key ring of queue " + queue.name +
                             (source.empty() ? "" : " nor in that of its source queue " + source));
}

sdk::Result<sdk::ReceivedMessage> EnvelopeSealer::open_delivery(const QueueSettings& queue,
                                                                const sdk::Delivery& delivery) {
  sluice::v1::MessageEnvelope envelope;
  if (!envelope.ParseFromString(delivery.envelope)) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           "stored envelope of message " + delivery.message_id +
                               " does not parse as sluice.v1.MessageEnvelope");
  }
  if (envelope.sealed().empty()) return received_message_from(envelope, delivery);

  // Bound to the id the store delivers it under, so an envelope pasted into another message's
  // record does not open either.
  const std::string& message_id =
      delivery.message_id.empty() ? envelope.message_id() : delivery.message_id;
  auto fail = [&](const std::string& reason) {
    const std::uint64_t failures = ++open_failures_;
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           "encrypted message " + message_id + " (data key " + envelope.key_id() +
                               ") cannot be opened and is not delivered: " + reason + " (" +
                               std::to_string(failures) + " such deliveries since start)");
  };
  auto key = find_key(queue, envelope.key_id(), delivery);
  if (!key.ok()) return fail(key.error().message);
  auto plaintext = cipher_->open(*key->key, payload_context(key->stored.owner_queue, message_id),
                                 envelope.sealed());
  if (!plaintext.ok()) return fail(plaintext.error().message);
  sluice::v1::SealedPayload payload;
  if (!payload.ParseFromString(*plaintext)) {
    return fail("the opened payload does not parse as sluice.v1.SealedPayload");
  }
  envelope.mutable_body()->swap(*payload.mutable_body());
  envelope.mutable_attributes()->swap(*payload.mutable_attributes());
  envelope.mutable_native_properties()->swap(*payload.mutable_native_properties());
  envelope.clear_sealed();
  return received_message_from(envelope, delivery);
}

sdk::Status EnvelopeSealer::share_keys(const std::string& from, const std::string& to) {
  if (from == to) return sdk::Status::Ok();
  auto view = view_of(from, 0, kShareReuse, /*force=*/false);
  if (!view.ok()) return view.error();
  if ((*view)->keys.empty()) return sdk::Status::Ok();
  {
    std::lock_guard lock(mu_);
    const auto& done = shared_[{from, to}];
    bool all = true;
    for (const auto& [id, key] : (*view)->keys) all = all && done.count(id) > 0;
    if (all) return sdk::Status::Ok();
  }
  std::size_t copied = 0;
  auto updated = update_key_ring(*store_, to, [&](std::vector<StoredDataKey>& keys) {
    copied = 0;
    for (const auto& [id, key] : (*view)->keys) {
      bool held = false;
      for (const auto& existing : keys) held = held || existing.id == id;
      if (held) continue;
      StoredDataKey copy = key.stored;
      auto wrapped = cipher_->wrap(*key.key, wrapped_key_context(to, copy));
      if (!wrapped.ok()) return sdk::Result<bool>(wrapped.error());
      copy.master_key_id = wrapped->master_key_id;
      copy.wrapped = std::move(wrapped->wrapped);
      keys.push_back(std::move(copy));
      ++copied;
    }
    return sdk::Result<bool>(copied > 0);
  });
  if (!updated) return updated;
  std::lock_guard lock(mu_);
  auto& done = shared_[{from, to}];
  for (const auto& [id, key] : (*view)->keys) done.insert(id);
  if (copied > 0) {
    views_.erase(to);  // its next use reads the ring with the new keys
    logger_->info("queue " + to + ": holds " + std::to_string(copied) + " data key(s) of queue " +
                  from + " for messages moved from it");
  }
  return sdk::Status::Ok();
}

void EnvelopeSealer::forget(const std::string& queue) {
  std::lock_guard lock(mu_);
  views_.erase(queue);
  for (auto it = shared_.begin(); it != shared_.end();) {
    if (it->first.first == queue || it->first.second == queue) {
      it = shared_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace sluice::core
