// Broker::send_messages: validation, digests, ids and envelopes on the pool, then the group
// commit through the SendCoalescer, then wake-ups for long polls and consumers of the queue.
#include <memory>

#include "broker_impl.hpp"
#include "envelope_codec.hpp"
#include "message_validation.hpp"
#include "sluice/sdk/digests.hpp"

namespace sluice::core {
namespace {

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

void Broker::send_messages(const sdk::RequestContext& ctx, std::string queue,
                           std::vector<sdk::SendEntry> entries,
                           sdk::Completion<std::vector<sdk::Result<sdk::SendOutcome>>> done) {
  using Outcomes = std::vector<sdk::Result<sdk::SendOutcome>>;
  Impl* impl = impl_.get();
  if (!impl->running()) {
    done(broker_not_running());
    return;
  }
  auto shared_done = std::make_shared<sdk::Completion<Outcomes>>(std::move(done));
  // Our place in the queue's send order is taken here, in the caller's thread (see
  // SendCoalescer), so pipelined sends keep their order whichever pool thread validates them.
  auto ticket = impl->coalescer.reserve(queue);
  const bool posted = impl->pool.post(
      [impl, ctx, queue, entries = std::move(entries), shared_done, ticket]() mutable {
        auto finish = [&](sdk::Result<Outcomes> result) {
          impl->coalescer.abandon(ticket);
          (*shared_done)(std::move(result));
        };
        if (auto status = validate_send_batch(entries); !status) return finish(status.error());
        auto settings = impl->registry.settings(queue);
        if (!settings.ok()) return finish(settings.error());

        const auto now = impl->clock->now();
        const std::string sender_id = ctx.sender_id.empty() ? kDefaultSenderId : ctx.sender_id;
        Outcomes results;
        results.reserve(entries.size());
        std::vector<std::size_t> stored;  // indexes of entries handed to the store
        std::vector<sdk::NewMessage> messages;
        for (auto& entry : entries) {
          if (auto status = validate_send_entry(entry, *settings); !status) {
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
          if (settings->fifo) {
            stamp.dedup_id = entry.dedup_id.empty() ? sdk::sha256_hex(entry.body) : entry.dedup_id;
          }

          sdk::NewMessage message;
          message.message_id = stamp.message_id;
          message.sent_at = now;
          const std::int32_t delay = entry.delay_seconds.value_or(settings->delay_seconds);
          message.visible_at = now + std::chrono::seconds(delay);
          message.group_id = entry.group_id;
          if (settings->fifo) {
            message.dedup_key = scoped_dedup_key(*settings, entry.group_id, stamp.dedup_id);
          }
          message.envelope = encode_envelope(entry, stamp);

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
        if (messages.empty()) return finish(std::move(results));

        impl->coalescer.fill(ticket, std::move(messages),
                             [impl, queue, results = std::move(results), stored = std::move(stored),
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
                               if (fresh > 0) impl->waiters.notify(queue, fresh);
                               (*shared_done)(std::move(results));
                             });
      });
  if (!posted) {
    impl->coalescer.abandon(ticket);
    (*shared_done)(broker_not_running());
  }
}

}  // namespace sluice::core
