// Broker::delete_messages and Broker::change_visibility: receipt handles are verified here
// (signature, queue, generation) and only the store receipts inside valid ones reach the store.
// Outcomes are per entry; only a missing queue or a failed store call fails the whole call.
// No entry-count limit: AMQP multi-acks settle many deliveries at once; front ends enforce the
// limits of their wire protocol.
#include <chrono>
#include <memory>

#include "broker_impl.hpp"
#include "message_validation.hpp"

namespace sluice::core {
namespace {

constexpr auto kMaxTotalVisibility = std::chrono::seconds(kMaxVisibilitySeconds);

sdk::Error foreign_receipt(const std::string& handle, const std::string& queue) {
  return sdk::make_error(sdk::ErrorCode::kReceiptHandleIsInvalid,
                         "The input receipt handle \"" + handle.substr(0, 200) +
                             "\" is not a valid receipt handle for queue " + queue + ".");
}

}  // namespace

void Broker::delete_messages(const sdk::RequestContext&, std::string queue,
                             std::vector<std::string> receipt_handles,
                             sdk::Completion<std::vector<sdk::Status>> done) {
  Impl* impl = impl_.get();
  impl->submit<std::vector<sdk::Status>>(
      std::move(done),
      [impl, queue,
       handles = std::move(receipt_handles)]() -> sdk::Result<std::vector<sdk::Status>> {
        auto settings = impl->registry.settings(queue);
        if (!settings.ok()) return settings.error();
        std::vector<sdk::Status> results(handles.size());
        std::vector<std::string> store_receipts;
        std::vector<std::size_t> positions;
        for (std::size_t i = 0; i < handles.size(); ++i) {
          auto decoded = impl->receipts.decode(handles[i]);
          if (!decoded.ok()) {
            results[i] = decoded.error();
          } else if (decoded->queue != queue || decoded->generation != settings->generation) {
            results[i] = foreign_receipt(handles[i], queue);
          } else {
            store_receipts.push_back(std::move(decoded->store_receipt));
            positions.push_back(i);
          }
        }
        if (store_receipts.empty()) return results;
        auto removed = impl->store->remove(queue, store_receipts);
        if (!removed.ok()) return removed.error();
        impl->attempts.invalidate(queue, store_receipts);
        for (std::size_t k = 0; k < positions.size() && k < removed->size(); ++k) {
          results[positions[k]] = (*removed)[k];
        }
        return results;
      });
}

void Broker::change_visibility(const sdk::RequestContext&, std::string queue,
                               std::vector<sdk::VisibilityEntry> entries,
                               sdk::Completion<std::vector<sdk::Status>> done) {
  Impl* impl = impl_.get();
  impl->submit<std::vector<sdk::Status>>(
      std::move(done),
      [impl, queue, entries = std::move(entries)]() -> sdk::Result<std::vector<sdk::Status>> {
        auto settings = impl->registry.settings(queue);
        if (!settings.ok()) return settings.error();
        const auto now = impl->clock->now();
        std::vector<sdk::Status> results(entries.size());
        std::vector<sdk::VisibilityChange> changes;
        std::vector<std::size_t> positions;
        std::size_t releases = 0;  // changes to 0: those messages are receivable at once
        for (std::size_t i = 0; i < entries.size(); ++i) {
          const auto& entry = entries[i];
          if (auto s = validate_visibility_timeout(entry.visibility_seconds); !s) {
            results[i] = s;
            continue;
          }
          auto decoded = impl->receipts.decode(entry.receipt_handle);
          if (!decoded.ok()) {
            results[i] = decoded.error();
            continue;
          }
          if (decoded->queue != queue || decoded->generation != settings->generation) {
            results[i] = foreign_receipt(entry.receipt_handle, queue);
            continue;
          }
          const auto until = now + std::chrono::seconds(entry.visibility_seconds);
          // The 12-hour ceiling counts from the receive that issued this handle (spec 5.13).
          if (until - decoded->received_at > kMaxTotalVisibility) {
            results[i] = sdk::make_error(
                sdk::ErrorCode::kInvalidParameterValue,
                "Value " + std::to_string(entry.visibility_seconds) +
                    " for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout "
                    "for the message is beyond the limit [43200 seconds]");
            continue;
          }
          if (entry.visibility_seconds == 0) ++releases;
          changes.push_back(sdk::VisibilityChange{std::move(decoded->store_receipt), until});
          positions.push_back(i);
        }
        if (changes.empty()) return results;
        auto changed = impl->store->set_visibility(queue, changes, now);
        if (!changed.ok()) return changed.error();
        std::vector<std::string> touched;
        touched.reserve(changes.size());
        for (auto& change : changes) touched.push_back(std::move(change.receipt));
        impl->attempts.invalidate(queue, touched);
        for (std::size_t k = 0; k < positions.size() && k < changed->size(); ++k) {
          results[positions[k]] = (*changed)[k];
        }
        if (releases > 0) impl->waiters.notify(queue, releases);
        return results;
      });
}

}  // namespace sluice::core
