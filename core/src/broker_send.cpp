// Broker::send_messages: validation, digests, ids and envelopes, then the group commit through
// the SendCoalescer, then wake-ups for long polls and consumers of the queue.
//
// Where the work before the store runs: when the queue's settings are cached and the queue does
// not seal its messages, or seals them with a data key that is cached (EnvelopeSealer::
// has_cached_key), it is pure computation, done right away in the caller's thread, which hands the
// messages straight to the coalescer: a send then costs the storage pool no extra hop (and no
// thread wake-up) besides the coalesced append. Otherwise (the settings must be read, a data key
// may have to be created or loaded) it all runs on the pool. Either way every completion runs on a
// core thread.
#include <memory>

#include "broker_impl.hpp"
#include "envelope_codec.hpp"
#include "message_validation.hpp"
#include "sluice/sdk/digests.hpp"

namespace sluice::core {
namespace {

// The fast path seals only with a key cached for at least this much longer, so the key cannot
// expire between the check and the seal (which, off the pool, must not read the store).
constexpr sdk::Millis kSealKeyMargin{std::chrono::seconds(2)};

// The dedup key the store compares, scoped as the queue's DeduplicationScope says.
std::string scoped_dedup_key(const QueueSettings& settings, const std::string& group_id,
                             const std::string& dedup_id) {
  if (settings.dedup_scope == DedupScope::kQueue) return dedup_id;
  std::string key = group_id;
  key.push_back('\0');
  key += dedup_id;
  return key;
}

}  // namespace

// Ends a send that never reaches the store: gives its place in the send order up and completes
// it, on the pool (posted there when called from the caller's thread).
void Broker::Impl::finish_send_early(const SendCoalescer::Ticket& ticket,
                                     const SendDone& shared_done, sdk::Result<SendOutcomes> result,
                                     bool on_pool) {
  coalescer.abandon(ticket);
  if (!on_pool) {
    auto shared_result = std::make_shared<sdk::Result<SendOutcomes>>(std::move(result));
    if (pool.post([shared_done, shared_result] { (*shared_done)(std::move(*shared_result)); })) {
      return;
    }
    result = std::move(*shared_result);  // the pool is gone: complete here
  }
  (*shared_done)(std::move(result));
}

// Validates each entry (the batch as a whole is already valid), builds the stored messages and
// fills `ticket` with them; `shared_done` runs once they are appended.
void Broker::Impl::prepare_and_fill(const sdk::RequestContext& ctx, const std::string& queue,
                                    std::vector<sdk::SendEntry>& entries,
                                    const QueueSettings& settings, const SendDone& shared_done,
                                    const SendCoalescer::Ticket& ticket, bool on_pool) {
  const auto now = clock->now();
  const std::string sender_id = ctx.sender_id.empty() ? kDefaultSenderId : ctx.sender_id;
  SendOutcomes results;
  results.reserve(entries.size());
  std::vector<std::size_t> stored;  // indexes of entries handed to the store
  std::vector<sdk::NewMessage> messages;
  messages.reserve(entries.size());
  for (auto& entry : entries) {
    if (auto status = validate_send_entry(entry, settings); !status) {
      results.emplace_back(status.error());
      continue;
    }
    EnvelopeStamp stamp;
    stamp.message_id = new_uuid_v4();
    stamp.sent_at = now;
    stamp.sender_id = sender_id;
    auto trace = entry.system_attributes.find("AWSTraceHeader");
    stamp.trace_header =
        trace != entry.system_attributes.end() ? trace->second.value : ctx.trace_header;
    stamp.md5_of_body = sdk::md5_hex(entry.body);
    stamp.md5_of_attributes = sdk::md5_of_attributes(entry.attributes);
    if (settings.fifo) {
      stamp.dedup_id = entry.dedup_id.empty() ? sdk::sha256_hex(entry.body) : entry.dedup_id;
    }

    sdk::NewMessage message;
    message.message_id = stamp.message_id;
    message.sent_at = now;
    const std::int32_t delay = entry.delay_seconds.value_or(settings.delay_seconds);
    message.visible_at = now + std::chrono::seconds(delay);
    message.group_id = entry.group_id;
    if (settings.fifo) {
      message.dedup_key = scoped_dedup_key(settings, entry.group_id, stamp.dedup_id);
    }
    message.envelope = encode_envelope(entry, stamp);
    if (sealer && settings.sse_enabled) {
      auto sealed = on_pool ? sealer->seal(settings, message.envelope)
                            : sealer->seal_if_cached(settings, message.envelope, kSealKeyMargin / 2)
                                  .value_or(sdk::make_error(
                                      sdk::ErrorCode::kServiceUnavailable,
                                      "the queue's data key left the cache during the send; "
                                      "try again"));
      if (!sealed.ok()) {
        results.emplace_back(sealed.error());
        continue;
      }
      message.envelope = std::move(sealed).value();
    }

    sdk::SendOutcome outcome;
    outcome.entry_id = entry.entry_id;
    outcome.message_id = stamp.message_id;
    outcome.md5_of_body = stamp.md5_of_body;
    outcome.md5_of_attributes = stamp.md5_of_attributes;
    outcome.md5_of_system_attributes = sdk::md5_of_attributes(entry.system_attributes);
    results.emplace_back(std::move(outcome));
    stored.push_back(results.size() - 1);
    messages.push_back(std::move(message));
  }
  if (messages.empty()) {
    return finish_send_early(ticket, shared_done, std::move(results), on_pool);
  }

  coalescer.fill(ticket, std::move(messages),
                 [this, queue, results = std::move(results), stored = std::move(stored),
                  shared_done](SendCoalescer::Outcomes appended) mutable {
                   // A failed append fails the whole call: nothing of it was stored.
                   if (!appended.ok()) return (*shared_done)(appended.error());
                   std::size_t fresh = 0;
                   for (std::size_t i = 0; i < stored.size(); ++i) {
                     const auto& a = (*appended)[i];
                     auto& outcome = results[stored[i]].value();
                     if (!a.message_id.empty()) outcome.message_id = a.message_id;
                     outcome.sequence_number = a.sequence;
                     if (!a.duplicate) ++fresh;
                   }
                   if (fresh > 0) waiters.notify(queue, fresh);
                   (*shared_done)(std::move(results));
                 });
}

void Broker::send_messages(const sdk::RequestContext& ctx, std::string queue,
                           std::vector<sdk::SendEntry> entries,
                           sdk::Completion<std::vector<sdk::Result<sdk::SendOutcome>>> done) {
  Impl* impl = impl_.get();
  if (!impl->running()) {
    done(broker_not_running());
    return;
  }
  auto shared_done = std::make_shared<sdk::Completion<Impl::SendOutcomes>>(std::move(done));
  // Our place in the queue's send order is taken here, in the caller's thread (see
  // SendCoalescer), so pipelined sends keep their order whichever thread validates them.
  auto ticket = impl->coalescer.reserve(queue);

  // Fast path (see the top of this file): settings from the cache, nothing to seal.
  if (auto status = validate_send_batch(entries); status) {
    if (auto settings = impl->registry.cached_settings(queue);
        settings && (!(impl->sealer && settings->sse_enabled) ||
                     impl->sealer->has_cached_key(*settings, kSealKeyMargin))) {
      return impl->prepare_and_fill(ctx, queue, entries, *settings, shared_done, ticket, false);
    }
  }

  const bool posted = impl->pool.post(
      [impl, ctx, queue, entries = std::move(entries), shared_done, ticket]() mutable {
        if (auto status = validate_send_batch(entries); !status) {
          return impl->finish_send_early(ticket, shared_done, status.error(), true);
        }
        auto settings = impl->registry.settings(queue);
        if (!settings.ok())
          return impl->finish_send_early(ticket, shared_done, settings.error(), true);
        impl->prepare_and_fill(ctx, queue, entries, *settings, shared_done, ticket, true);
      });
  if (!posted) {
    impl->coalescer.abandon(ticket);
    (*shared_done)(broker_not_running());
  }
}

}  // namespace sluice::core
