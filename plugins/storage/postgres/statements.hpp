// The prepared statements of the store: one per queue operation, each a single call of a
// function the schema installs (sql/*.sql), so every operation is one round trip and, in
// autocommit, one transaction. Every parameter is cast to its type because all of them travel
// in binary (see SqlParams).
#pragma once

#include <string>
#include <string_view>

#include <pqxx/connection>

namespace sluice::plugins::postgres {

namespace statement {
inline constexpr const char* kCreateQueue = "sluice_create_queue";
inline constexpr const char* kGetQueue = "sluice_get_queue";
inline constexpr const char* kUpdateQueue = "sluice_update_queue";
inline constexpr const char* kDeleteQueue = "sluice_delete_queue";
inline constexpr const char* kListQueues = "sluice_list_queues";
inline constexpr const char* kAppend = "sluice_append";
inline constexpr const char* kClaim = "sluice_claim";
inline constexpr const char* kRemove = "sluice_remove";
inline constexpr const char* kSetVisibility = "sluice_set_visibility";
inline constexpr const char* kPurge = "sluice_purge";
inline constexpr const char* kCounts = "sluice_counts";
inline constexpr const char* kExpire = "sluice_expire";
inline constexpr const char* kMove = "sluice_move";
inline constexpr const char* kNotify = "sluice_notify";
inline constexpr const char* kReceiptKey = "sluice_receipt_key";
}  // namespace statement

// Registers every statement above on `connection` for schema `quoted_schema`.
void prepare_statements(pqxx::connection& connection, std::string_view quoted_schema);

}  // namespace sluice::plugins::postgres
