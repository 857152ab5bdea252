// EnvelopeSealer: encryption at rest on the message path, on top of an encryption plugin's
// sdk::PayloadCipher. Exists only when an encryption plugin is configured; without one the broker
// has no sealer and the message path is exactly what it is without encryption.
//
// Send: a message for a queue with SSE on (SqsManagedSseEnabled or KmsMasterKeyId) has its body,
// message attributes and native (AMQP) properties moved into a SealedPayload, sealed with the
// queue's data key and the context (owner queue, message id), and the envelope keeps only the
// sealed bytes and the key's id. Ids, timestamps, group and dedup ids, MD5 digests and the
// AWSTraceHeader stay readable: stores and the core need them, and the digests are of the
// plaintext, as SQS computes them.
//
// Receive: a sealed envelope is opened with the key its key_id names, looked up in the ring of the
// queue delivering it (see data_key_ring.hpp). One that cannot be opened (altered, pasted from
// another queue, key missing or not unwrappable) is not delivered: open_delivery returns the error
// (the broker logs it with the message id) and counts it; the message stays claimed and comes back
// after its visibility timeout, so a queue's redrive policy eventually moves it to the
// dead-letter queue. Plaintext envelopes (sent before SSE was on) pass through.
//
// Keys: a queue gets its own data key with its first sealed message (one key per queue; each
// message is sealed under its own key derived from it, see the cipher). The unwrapped keys of a
// ring are cached for the queue's KmsDataKeyReusePeriodSeconds, then read and unwrapped again, so a
// master key taken away from the key provider stops working within that period.
//
// Threads: every method may be called from any thread. Store calls happen only on the calling
// thread (the broker's storage pool).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "data_key_ring.hpp"
#include "sluice/core/clock.hpp"
#include "sluice/core/queue_settings.hpp"
#include "sluice/sdk/crypto.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/message.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::core {

class EnvelopeSealer {
 public:
  EnvelopeSealer(std::shared_ptr<sdk::PayloadCipher> cipher, std::shared_ptr<sdk::QueueStore> store,
                 std::shared_ptr<const Clock> clock, std::shared_ptr<sdk::Logger> logger);
  ~EnvelopeSealer();
  EnvelopeSealer(const EnvelopeSealer&) = delete;
  EnvelopeSealer& operator=(const EnvelopeSealer&) = delete;

  // A serialized plaintext MessageEnvelope -> the same envelope sealed for `queue`. Creates the
  // queue's data key on first use. Errors: the cipher's, or the store's while creating the key;
  // nothing is ever returned unsealed.
  sdk::Result<std::string> seal(const QueueSettings& queue, const std::string& envelope);
  // seal() without any store access, for callers that must not wait for storage (the send fast
  // path on an I/O thread): nullopt when the queue's own key is not cached for at least another
  // `margin`; the caller then seals on a storage thread with seal().
  std::optional<sdk::Result<std::string>> seal_if_cached(const QueueSettings& queue,
                                                         const std::string& envelope,
                                                         sdk::Millis margin);
  // Whether seal_if_cached() with `margin` would seal `queue`'s messages now.
  bool has_cached_key(const QueueSettings& queue, sdk::Millis margin) const;

  // The delivered message, opened if it was sealed. kInternal (naming the message, its key and
  // why) when it cannot be opened.
  sdk::Result<sdk::ReceivedMessage> open_delivery(const QueueSettings& queue,
                                                  const sdk::Delivery& delivery);

  // Makes sure `to` holds every data key of `from` (its own and those it holds), so messages that
  // move from `from` to `to` (dead-lettering, a move task) can be opened there. Cheap when
  // nothing changed since the last call for the pair.
  sdk::Status share_keys(const std::string& from, const std::string& to);

  // Drops what is cached for a deleted queue.
  void forget(const std::string& queue);

  // Deliveries that could not be opened since this sealer was made.
  std::uint64_t open_failures() const { return open_failures_.load(); }

 private:
  struct UnwrappedKey {
    std::shared_ptr<const sdk::DataKey> key;
    StoredDataKey stored;  // as read from the ring (owner, creation time)
  };
  struct BrokenKey {
    std::string owner_queue;
    sdk::Error error;  // why it did not unwrap
  };
  // One queue's ring, unwrapped. Immutable once built; replaced whole on reload.
  struct RingView {
    std::uint64_t generation = 0;
    sdk::TimePoint loaded_at;
    std::string own_key_id;  // the queue's own key, empty if it has none yet
    std::unordered_map<std::string, UnwrappedKey> keys;
    std::unordered_map<std::string, BrokenKey> broken;  // keys that did not unwrap
  };
  using View = std::shared_ptr<const RingView>;

  // The cached view of `queue` if it is still usable (younger than `reuse`, and of `generation`
  // unless that is 0), else a fresh one read from the store. `force` always reads.
  sdk::Result<View> view_of(const std::string& queue, std::uint64_t generation, sdk::Millis reuse,
                            bool force);
  sdk::Result<View> load(const std::string& queue);
  // The cached view of `queue` if it holds the queue's own key and stays usable for `margin`.
  View cached_view(const QueueSettings& queue, sdk::Millis margin) const;
  sdk::Result<std::string> seal_with(const RingView& view, const QueueSettings& queue,
                                     const std::string& envelope_bytes);
  // Creates `queue`'s own data key unless another thread or broker already did; returns the view
  // that holds it.
  sdk::Result<View> create_own_key(const QueueSettings& queue);
  // The key `key_id` for a delivery of `queue`: its ring (re-read once if the key is not in the
  // cached one), else the ring of the queue the message was dead-lettered from.
  sdk::Result<UnwrappedKey> find_key(const QueueSettings& queue, const std::string& key_id,
                                     const sdk::Delivery& delivery);

  // Declared first so it is destroyed last: every DataKey below is gone before the cipher (and
  // possibly its plugin library) goes.
  const std::shared_ptr<sdk::PayloadCipher> cipher_;
  const std::shared_ptr<sdk::QueueStore> store_;
  const std::shared_ptr<const Clock> clock_;
  const std::shared_ptr<sdk::Logger> logger_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, View> views_;  // guarded by mu_
  // (from, to) -> key ids already copied from `from` into `to`; guarded by mu_
  std::map<std::pair<std::string, std::string>, std::set<std::string>> shared_;
  std::mutex create_mu_;  // one key creation at a time in this process
  std::atomic<std::uint64_t> open_failures_{0};
};

}  // namespace sluice::core
