// RedisQueueStore: append, claim, remove and set_visibility, one script call each.
#include <algorithm>
#include <charconv>
#include <utility>

#include "receipt_codec.hpp"
#include "redis_queue_store.hpp"
#include "script_reply.hpp"
#include "store_guard.hpp"

namespace sluice::plugins::redis {
namespace {

using sdk::ErrorCode;
using sdk::make_error;

constexpr std::size_t kDeliveryFields = 10;
// Most over-limit messages one claim dead-letters (bounds the time a script holds Redis; the next
// claim continues).
constexpr std::uint32_t kMaxDeadLettersPerClaim = 1000;

// NOQUEUE from a script: the cached queue id is stale (see RedisQueueStore::on_queue).
sdk::Error stale_queue(const QueueRef& ref) {
  return make_error(ErrorCode::kNotFound, "queue '" + ref.name + "' changed under its cached id");
}

std::string millis(sdk::TimePoint t) { return std::to_string(sdk::to_unix_millis(t)); }

// Receipts name their queue: one of another queue (or generation) is invalid here, whatever it
// says about its message.
struct ReceiptCheck {
  std::optional<ReceiptFields> fields;
  std::string why;  // for an invalid receipt
};
ReceiptCheck check_receipt(const std::string& receipt, const QueueRef& ref) {
  auto fields = decode_receipt(receipt);
  if (!fields) return {std::nullopt, "receipt handle " + quote_bytes(receipt) + " is malformed"};
  if (fields->queue_id != ref.id || fields->generation != ref.generation) {
    return {std::nullopt, "receipt handle " + quote_bytes(receipt) +
                              " belongs to another queue, not to '" + ref.name + "'"};
  }
  return {fields, {}};
}

sdk::Error invalid_receipt(std::string why) {
  return make_error(ErrorCode::kReceiptHandleIsInvalid, std::move(why));
}

}  // namespace

// --- append -----------------------------------------------------------------------------------

sdk::Result<std::vector<sdk::AppendOutcome>> RedisQueueStore::append(
    std::string_view queue, std::span<const sdk::NewMessage> messages,
    const sdk::AppendSpec& spec) {
  using Outcomes = std::vector<sdk::AppendOutcome>;
  return guarded("append", queue, [&]() -> sdk::Result<Outcomes> {
    if (messages.empty()) return Outcomes{};
    return on_queue<Outcomes>(queue, [&](const QueueRef& ref) -> sdk::Result<Outcomes> {
      std::vector<std::string> args{millis(spec.now), std::to_string(spec.dedup_window.count()),
                                    keys_.wake_channel(ref.name), instance_id_};
      args.reserve(args.size() + 6 * messages.size());
      for (const sdk::NewMessage& m : messages) {
        args.push_back(m.message_id);
        args.push_back(m.envelope);
        args.push_back(millis(m.sent_at));
        args.push_back(millis(m.visible_at));
        args.push_back(m.group_id);
        args.push_back(ref.fifo ? m.dedup_key : std::string());
      }
      auto reply =
          run_queue_script("append", Script::kAppend, ref, std::move(args), Access::kWrite);
      if (!reply.ok()) return reply.error();
      const std::string_view status = script_status(**reply);
      if (status == "NOQUEUE") return stale_queue(ref);
      if (status != "OK" || field_count(**reply) != 1 + 3 * messages.size()) {
        return unexpected_reply("append", **reply);
      }
      Outcomes outcomes;
      outcomes.reserve(messages.size());
      for (std::size_t i = 0; i < messages.size(); ++i) {
        sdk::AppendOutcome& outcome = outcomes.emplace_back();
        outcome.message_id = field_bytes(**reply, 1 + 3 * i);
        if (ref.fifo) outcome.sequence = field_bytes(**reply, 2 + 3 * i);
        outcome.duplicate = field_int(**reply, 3 + 3 * i).value_or(0) == 1;
      }
      return outcomes;
    });
  });
}

// --- claim ------------------------------------------------------------------------------------

sdk::Result<sdk::ClaimResult> RedisQueueStore::claim(std::string_view queue,
                                                     const sdk::ClaimSpec& spec) {
  return guarded("claim", queue, [&]() -> sdk::Result<sdk::ClaimResult> {
    if (auto checked = sdk::check_claim_spec(queue, spec); !checked.ok()) return checked.error();
    return on_queue<sdk::ClaimResult>(
        queue, [&](const QueueRef& ref) -> sdk::Result<sdk::ClaimResult> {
          if (spec.max_receives == 0 || spec.dead_letter_queue == ref.name) {
            return claim_once(ref, spec, std::nullopt);
          }
          // The dead-letter queue's cached id may be stale (deleted, re-created): the script
          // then answers DLQSTALE before changing anything, and it is resolved again.
          for (int attempt = 0; attempt < 3; ++attempt) {
            auto dead_letter_queue = resolve_dead_letter_queue(spec.dead_letter_queue);
            if (!dead_letter_queue.ok()) return dead_letter_queue.error();
            auto claimed = claim_once(ref, spec, *dead_letter_queue);
            if (claimed.ok() || claimed.code() != ErrorCode::kConflict) return claimed;
            refs_.drop(spec.dead_letter_queue);
          }
          return make_error(ErrorCode::kServiceUnavailable,
                            "claim on queue '" + ref.name + "': its dead-letter queue '" +
                                spec.dead_letter_queue + "' kept changing; retry");
        });
  });
}

// One claim script call. kConflict: the dead-letter queue ref is stale; kNotFound: the queue's.
sdk::Result<sdk::ClaimResult> RedisQueueStore::claim_once(
    const QueueRef& ref, const sdk::ClaimSpec& spec,
    const std::optional<QueueRef>& dead_letter_queue) {
  const std::uint32_t batch = std::min(spec.max_messages, kMaxClaimBatch);
  std::vector<std::string> extra_keys;
  std::string dlq_name;
  std::string dlq_generation = "0";
  std::string dlq_channel;
  if (dead_letter_queue) {
    extra_keys = keys_.queue_keys(dead_letter_queue->id);
    dlq_name = dead_letter_queue->name;
    dlq_generation = std::to_string(dead_letter_queue->generation);
    dlq_channel = keys_.wake_channel(dlq_name);
  }
  std::vector<std::string> args{
      millis(spec.now),
      std::to_string(spec.visibility.count()),
      std::to_string(batch),
      std::to_string(spec.in_flight_limit),
      std::to_string(dead_letter_queue ? spec.max_receives : 0),
      dlq_name,
      dlq_generation,
      spec.dead_letter_resets_sent_at ? "1" : "0",
      dlq_channel,
      std::to_string(kMaxDeadLettersPerClaim),
  };
  for (std::string& token : fresh_tokens(batch)) args.push_back(std::move(token));

  auto reply =
      run_queue_script("claim", Script::kClaim, ref, std::move(args), Access::kWrite, extra_keys);
  if (!reply.ok()) return reply.error();
  const redisReply& r = **reply;
  const std::string_view status = script_status(r);
  if (status == "NOQUEUE") return stale_queue(ref);
  if (status == "DLQSTALE") {
    return make_error(ErrorCode::kConflict, "dead-letter queue '" + dlq_name + "' changed");
  }
  if (status == "OVERLIMIT") {
    return make_error(ErrorCode::kOverLimit, "queue '" + ref.name + "' already has " +
                                                 std::to_string(field_int(r, 1).value_or(0)) +
                                                 " messages in flight, its limit is " +
                                                 std::to_string(spec.in_flight_limit));
  }
  const std::size_t fields = field_count(r);
  if (status != "OK" || fields < 2 || (fields - 2) % kDeliveryFields != 0) {
    return unexpected_reply("claim", r);
  }
  sdk::ClaimResult result;
  result.dead_lettered = static_cast<std::uint32_t>(field_int(r, 1).value_or(0));
  result.deliveries.reserve((fields - 2) / kDeliveryFields);
  for (std::size_t i = 2; i < fields; i += kDeliveryFields) {
    const std::string seq = field_bytes(r, i);
    const auto arrival = arrival_of(seq);
    const auto sent_at = field_int(r, i + 6);
    const auto receive_count = field_int(r, i + 7);
    const auto first_received = field_int(r, i + 8);
    const std::string token_text = field_bytes(r, i + 9);
    std::uint64_t token = 0;
    const auto [end, ec] =
        std::from_chars(token_text.data(), token_text.data() + token_text.size(), token, 16);
    if (!arrival || !sent_at || !receive_count || !first_received || ec != std::errc{} ||
        end != token_text.data() + token_text.size()) {
      return unexpected_reply("claim", r);
    }
    sdk::Delivery& d = result.deliveries.emplace_back();
    d.message_id = field_bytes(r, i + 1);
    d.envelope = field_bytes(r, i + 2);
    d.group_id = field_bytes(r, i + 3);
    d.dedup_key = field_bytes(r, i + 4);
    d.dead_letter_source = field_bytes(r, i + 5);
    d.sent_at = sdk::from_unix_millis(*sent_at);
    d.receive_count = static_cast<std::uint32_t>(*receive_count);
    d.first_received_at = sdk::from_unix_millis(*first_received);
    d.receipt = encode_receipt({ref.generation, ref.id, *arrival, token});
    if (ref.fifo) d.sequence = seq;
  }
  return result;
}

// --- remove and set_visibility ----------------------------------------------------------------

sdk::Result<std::vector<sdk::Status>> RedisQueueStore::remove(
    std::string_view queue, std::span<const std::string> receipts) {
  using Statuses = std::vector<sdk::Status>;
  return guarded("remove", queue, [&]() -> sdk::Result<Statuses> {
    return on_queue<Statuses>(queue, [&](const QueueRef& ref) -> sdk::Result<Statuses> {
      Statuses statuses(receipts.size());
      std::vector<std::size_t> asked;  // positions of the receipts the script checks
      std::vector<std::string> args{keys_.wake_channel(ref.name)};
      for (std::size_t i = 0; i < receipts.size(); ++i) {
        ReceiptCheck check = check_receipt(receipts[i], ref);
        if (!check.fields) {
          statuses[i] = invalid_receipt(std::move(check.why));
          continue;
        }
        asked.push_back(i);
        args.push_back(seq_text(check.fields->arrival));
        args.push_back(hex_text(check.fields->token));
      }
      if (asked.empty()) return statuses;
      auto reply =
          run_queue_script("remove", Script::kRemove, ref, std::move(args), Access::kWrite);
      if (!reply.ok()) return reply.error();
      const std::string_view status = script_status(**reply);
      if (status == "NOQUEUE") return stale_queue(ref);
      if (status != "OK" || field_count(**reply) != 1 + asked.size()) {
        return unexpected_reply("remove", **reply);
      }
      for (std::size_t k = 0; k < asked.size(); ++k) {
        const std::size_t i = asked[k];
        // 0 removed, 1 already gone (idempotent, as SQS), 2 superseded.
        if (field_int(**reply, 1 + k).value_or(2) == 2) {
          statuses[i] = invalid_receipt("receipt handle " + quote_bytes(receipts[i]) +
                                        " was superseded by a later receive of its message");
        }
      }
      return statuses;
    });
  });
}

sdk::Result<std::vector<sdk::Status>> RedisQueueStore::set_visibility(
    std::string_view queue, std::span<const sdk::VisibilityChange> changes, sdk::TimePoint now) {
  using Statuses = std::vector<sdk::Status>;
  return guarded("set_visibility", queue, [&]() -> sdk::Result<Statuses> {
    return on_queue<Statuses>(queue, [&](const QueueRef& ref) -> sdk::Result<Statuses> {
      Statuses statuses(changes.size());
      std::vector<std::size_t> asked;
      std::vector<std::string> args{millis(now), keys_.wake_channel(ref.name), instance_id_};
      for (std::size_t i = 0; i < changes.size(); ++i) {
        ReceiptCheck check = check_receipt(changes[i].receipt, ref);
        if (!check.fields) {
          statuses[i] = invalid_receipt(std::move(check.why));
          continue;
        }
        asked.push_back(i);
        args.push_back(seq_text(check.fields->arrival));
        args.push_back(hex_text(check.fields->token));
        args.push_back(millis(changes[i].visible_at));
      }
      if (asked.empty()) return statuses;
      auto reply = run_queue_script("set_visibility", Script::kSetVisibility, ref, std::move(args),
                                    Access::kWrite);
      if (!reply.ok()) return reply.error();
      const std::string_view status = script_status(**reply);
      if (status == "NOQUEUE") return stale_queue(ref);
      if (status != "OK" || field_count(**reply) != 1 + asked.size()) {
        return unexpected_reply("set_visibility", **reply);
      }
      for (std::size_t k = 0; k < asked.size(); ++k) {
        const std::size_t i = asked[k];
        const std::string quoted = quote_bytes(changes[i].receipt);
        switch (field_int(**reply, 1 + k).value_or(-1)) {
          case 0:
            break;
          case 1:
            statuses[i] =
                invalid_receipt("receipt handle " + quoted +
                                " names a message that is no longer in queue '" + ref.name + "'");
            break;
          case 2:
            statuses[i] = invalid_receipt("receipt handle " + quoted +
                                          " was superseded by a later receive of its message");
            break;
          case 3:
            statuses[i] =
                make_error(ErrorCode::kMessageNotInflight,
                           "the message of receipt handle " + quoted + " in queue '" + ref.name +
                               "' is not in flight: its visibility timeout already "
                               "expired");
            break;
          default:
            return unexpected_reply("set_visibility", **reply);
        }
      }
      return statuses;
    });
  });
}

}  // namespace sluice::plugins::redis
