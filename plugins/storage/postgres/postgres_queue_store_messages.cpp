// PostgresQueueStore: append, claim, remove and set_visibility. Each builds the array parameters
// of one function call (sql/v1_append.sql, v1_claim.sql, v1_settle.sql) and reads its rows.
#include <algorithm>
#include <climits>

#include "postgres_queue_store.hpp"
#include "receipt_codec.hpp"
#include "store_call.hpp"

namespace sluice::plugins::postgres {
namespace {

using sdk::ErrorCode;
using sdk::make_error;

// Receipts are client input: quote at most this much of one in a message.
constexpr std::size_t kMaxQuotedReceipt = 64;

std::string quote_receipt(std::string_view receipt) {
  if (receipt.size() <= kMaxQuotedReceipt) return "'" + std::string(receipt) + "'";
  return "'" + std::string(receipt.substr(0, kMaxQuotedReceipt)) + "...'";
}

std::int64_t millis(sdk::TimePoint t) { return sdk::to_unix_millis(t); }

// Receipts parsed for a batch call: the arrays the function takes, and where each input went.
struct ParsedReceipts {
  std::vector<std::int64_t> queue_ids;
  std::vector<std::int64_t> generations;
  std::vector<std::int64_t> seqs;
  std::vector<std::int64_t> tokens;
  std::vector<std::size_t> input_index;  // per parsed receipt: its position in the input
};

void add_parsed(ParsedReceipts& parsed, const ReceiptFields& fields, std::size_t index) {
  parsed.queue_ids.push_back(fields.queue_id);
  parsed.generations.push_back(static_cast<std::int64_t>(fields.generation));
  parsed.seqs.push_back(fields.seq);
  parsed.tokens.push_back(fields.token);
  parsed.input_index.push_back(index);
}

sdk::Error malformed(std::string_view receipt) {
  return make_error(ErrorCode::kReceiptHandleIsInvalid,
                    "receipt handle " + quote_receipt(receipt) + " is malformed");
}

// The SPI status for one status code of remove / set_visibility (see sql/v1_settle.sql).
sdk::Status receipt_status(int code, std::string_view receipt, std::string_view queue) {
  const std::string quoted = quote_receipt(receipt);
  switch (code) {
    case 0:
      return sdk::Status::Ok();
    case 1:
      return make_error(ErrorCode::kReceiptHandleIsInvalid,
                        "receipt handle " + quoted + " belongs to another queue, not to '" +
                            std::string(queue) + "'");
    case 2:
      return make_error(ErrorCode::kReceiptHandleIsInvalid,
                        "receipt handle " + quoted +
                            " names a message that is no longer in queue '" + std::string(queue) +
                            "'");
    case 3:
      return make_error(
          ErrorCode::kReceiptHandleIsInvalid,
          "receipt handle " + quoted + " was superseded by a later receive of its message");
    case 4:
      return make_error(ErrorCode::kMessageNotInflight,
                        "the message of receipt handle " + quoted + " in queue '" +
                            std::string(queue) +
                            "' is not in flight: its visibility timeout already expired");
    default:
      return make_error(ErrorCode::kInternal, "unknown receipt status " + std::to_string(code));
  }
}

}  // namespace

sdk::Result<std::vector<sdk::AppendOutcome>> PostgresQueueStore::append(
    std::string_view queue, std::span<const sdk::NewMessage> messages,
    const sdk::AppendSpec& spec) {
  std::vector<std::string> ids, envelopes, groups, dedup_keys;
  std::vector<std::int64_t> sent, visible;
  for (const sdk::NewMessage& m : messages) {
    if (m.message_id.empty() || m.message_id.find('\0') != std::string::npos) {
      return make_error(ErrorCode::kInvalidParameterValue,
                        "append to queue '" + std::string(queue) +
                            "': a message id is empty or contains a NUL byte");
    }
    ids.push_back(m.message_id);
    envelopes.push_back(m.envelope);
    groups.push_back(m.group_id);
    dedup_keys.push_back(m.dedup_key);
    sent.push_back(millis(m.sent_at));
    visible.push_back(millis(m.visible_at));
  }
  auto outcomes = run<std::vector<sdk::AppendOutcome>>(
      "append", queue, [&](pqxx::connection& c) -> sdk::Result<std::vector<sdk::AppendOutcome>> {
        SqlParams params;
        params.text(queue)
            .int8(millis(spec.now))
            .int8(spec.dedup_window.count())
            .text_array(ids)
            .bytea_array(envelopes)
            .int8_array(sent)
            .int8_array(visible)
            .bytea_array(groups)
            .bytea_array(dedup_keys);
        const pqxx::result rows = exec(c, statement::kAppend, params);
        std::vector<sdk::AppendOutcome> out;
        out.reserve(messages.size());
        if (rows.empty()) {  // a standard queue: every message stored as given
          for (const auto& m : messages) out.push_back({m.message_id, std::string(), false});
          return out;
        }
        if (rows.size() != messages.size()) {
          return make_error(ErrorCode::kInternal,
                            "append to queue '" + std::string(queue) + "' returned " +
                                std::to_string(rows.size()) + " outcomes for " +
                                std::to_string(messages.size()) + " messages");
        }
        for (const auto& row : rows) {
          out.push_back(
              {text_of(row[0]), sequence_text(row[1].as<std::int64_t>()), row[2].as<bool>()});
        }
        return out;
      });
  if (outcomes.ok() && !messages.empty()) notifier_->poke(queue);
  return outcomes;
}

sdk::Result<sdk::ClaimResult> PostgresQueueStore::claim(std::string_view queue,
                                                        const sdk::ClaimSpec& spec) {
  if (auto checked = sdk::check_claim_spec(queue, spec); !checked.ok()) return checked.error();
  auto claimed = run<sdk::ClaimResult>(
      "claim", queue, [&](pqxx::connection& c) -> sdk::Result<sdk::ClaimResult> {
        SqlParams params;
        params.text(queue)
            .int8(millis(spec.now))
            .int8(spec.visibility.count())
            .int4(static_cast<std::int32_t>(std::min<std::uint32_t>(spec.max_messages, INT_MAX)))
            .int4(static_cast<std::int32_t>(std::min<std::uint32_t>(spec.max_receives, INT_MAX)))
            .text(spec.dead_letter_queue)
            .boolean(spec.dead_letter_resets_sent_at)
            .int8(static_cast<std::int64_t>(
                std::min<std::uint64_t>(spec.in_flight_limit, std::uint64_t{INT64_MAX})))
            .int8(static_cast<std::int64_t>(sdk::kNoisyTenantMinInFlight))
            .int8(static_cast<std::int64_t>(sdk::kNoisyTenantInFlightPercent));
        const pqxx::result rows = exec(c, statement::kClaim, params);
        sdk::ClaimResult result;
        for (const auto& row : rows) {
          if (row[0].is_null()) {  // the summary row
            result.dead_lettered = row[13].as<std::uint32_t>();
            continue;
          }
          const bool fifo = row[12].as<bool>();
          const std::int64_t seq = row[0].as<std::int64_t>();
          sdk::Delivery& d = result.deliveries.emplace_back();
          d.message_id = text_of(row[1]);
          d.envelope = bytes_of(row[2]);
          d.group_id = bytes_of(row[3]);
          d.dedup_key = bytes_of(row[4]);
          d.sent_at = sdk::from_unix_millis(row[5].as<std::int64_t>());
          d.receive_count = row[6].as<std::uint32_t>();
          d.first_received_at = sdk::from_unix_millis(row[7].as<std::int64_t>());
          d.dead_letter_source = text_of(row[8]);
          d.receipt = encode_receipt(
              ReceiptFields{static_cast<std::uint64_t>(row[11].as<std::int64_t>()),
                            row[10].as<std::int64_t>(), seq, row[9].as<std::int64_t>()},
              receipt_key_);
          if (fifo) d.sequence = sequence_text(seq);
        }
        return result;
      });
  if (claimed.ok()) {
    if (claimed->dead_lettered > 0) notifier_->poke(spec.dead_letter_queue);
    // Delivered with no visibility timeout: the messages are available again at once.
    if (spec.visibility.count() <= 0 && !claimed->deliveries.empty()) notifier_->poke(queue);
  }
  return claimed;
}

sdk::Result<std::vector<sdk::Status>> PostgresQueueStore::remove(
    std::string_view queue, std::span<const std::string> receipts) {
  std::vector<sdk::Status> statuses(receipts.size());
  ParsedReceipts parsed;
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    if (auto fields = decode_receipt(receipts[i], receipt_key_)) {
      add_parsed(parsed, *fields, i);
    } else {
      statuses[i] = malformed(receipts[i]);
    }
  }
  bool unblocked = false;
  auto done = run<bool>("remove", queue, [&](pqxx::connection& c) -> sdk::Result<bool> {
    SqlParams params;
    params.text(queue)
        .int8_array(parsed.queue_ids)
        .int8_array(parsed.generations)
        .int8_array(parsed.seqs)
        .int8_array(parsed.tokens);
    const pqxx::result rows = exec(c, statement::kRemove, params);
    if (rows.size() != parsed.seqs.size()) {
      return make_error(ErrorCode::kInternal, "remove on queue '" + std::string(queue) +
                                                  "' returned " + std::to_string(rows.size()) +
                                                  " statuses for " +
                                                  std::to_string(parsed.seqs.size()) + " receipts");
    }
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const std::size_t i = parsed.input_index[k];
      statuses[i] = receipt_status(rows[k][0].as<int>(), receipts[i], queue);
      unblocked = unblocked || (rows[k][1].as<bool>() && statuses[i].ok());
    }
    return true;
  });
  if (!done.ok()) return done.error();
  // On a FIFO queue a removal may unblock its group for consumers on other brokers.
  if (unblocked) notifier_->poke(queue);
  return statuses;
}

sdk::Result<std::vector<sdk::Status>> PostgresQueueStore::set_visibility(
    std::string_view queue, std::span<const sdk::VisibilityChange> changes, sdk::TimePoint now) {
  std::vector<sdk::Status> statuses(changes.size());
  ParsedReceipts parsed;
  std::vector<std::int64_t> until;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (auto fields = decode_receipt(changes[i].receipt, receipt_key_)) {
      add_parsed(parsed, *fields, i);
      until.push_back(millis(changes[i].visible_at));
    } else {
      statuses[i] = malformed(changes[i].receipt);
    }
  }
  bool released = false;
  auto done = run<bool>("set_visibility", queue, [&](pqxx::connection& c) -> sdk::Result<bool> {
    SqlParams params;
    params.text(queue)
        .int8(millis(now))
        .int8_array(parsed.queue_ids)
        .int8_array(parsed.generations)
        .int8_array(parsed.seqs)
        .int8_array(parsed.tokens)
        .int8_array(until);
    const pqxx::result rows = exec(c, statement::kSetVisibility, params);
    if (rows.size() != parsed.seqs.size()) {
      return make_error(ErrorCode::kInternal, "set_visibility on queue '" + std::string(queue) +
                                                  "' returned " + std::to_string(rows.size()) +
                                                  " statuses for " +
                                                  std::to_string(parsed.seqs.size()) + " receipts");
    }
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const std::size_t i = parsed.input_index[k];
      statuses[i] = receipt_status(rows[k][0].as<int>(), changes[i].receipt, queue);
      released = released || (statuses[i].ok() && changes[i].visible_at <= now);
    }
    return true;
  });
  if (!done.ok()) return done.error();
  if (released) notifier_->poke(queue);
  return statuses;
}

}  // namespace sluice::plugins::postgres
