#include "statements.hpp"

#include <utility>

#include "schema_migrations.hpp"

namespace sluice::plugins::postgres {
namespace {

constexpr std::pair<const char*, std::string_view> kStatements[] = {
    {statement::kCreateQueue,
     "SELECT id, name, fifo, generation, version, metadata "
     "FROM @S@.create_queue($1::text, $2::boolean, $3::bigint, $4::bytea)"},
    {statement::kGetQueue,
     "SELECT id, name, fifo, generation, version, metadata FROM @S@.queues WHERE name = $1::text"},
    {statement::kUpdateQueue,
     "SELECT id, name, fifo, generation, version, metadata "
     "FROM @S@.update_queue($1::text, $2::bigint, $3::bytea)"},
    {statement::kDeleteQueue, "SELECT @S@.delete_queue($1::text)"},
    // At most $2 names after $1 (the page token, or '' for the first page) and from $3 (the
    // prefix) on, in byte order; the caller stops at the first name without the prefix.
    {statement::kListQueues,
     "SELECT id, name, fifo, generation, version, metadata FROM @S@.queues "
     "WHERE name > $1::text AND name >= $3::text ORDER BY name LIMIT $2::bigint"},
    {statement::kAppend,
     "SELECT o_message_id, o_seq, o_duplicate FROM @S@.append($1::text, $2::bigint, $3::bigint, "
     "$4::text[], $5::bytea[], $6::bigint[], $7::bigint[], $8::bytea[], $9::bytea[])"},
    {statement::kClaim,
     "SELECT o_seq, o_message_id, o_envelope, o_group_id, o_dedup_key, o_sent_at, "
     "o_receive_count, o_first_received_at, o_dead_letter_source, o_token, o_queue_id, "
     "o_generation, o_fifo, o_dead_lettered FROM @S@.claim($1::text, $2::bigint, $3::bigint, "
     "$4::integer, $5::integer, $6::text, $7::boolean, $8::bigint, $9::bigint, $10::bigint)"},
    {statement::kRemove,
     "SELECT o_status, o_fifo FROM @S@.remove($1::text, $2::bigint[], $3::bigint[], $4::bigint[], "
     "$5::bigint[])"},
    {statement::kSetVisibility,
     "SELECT o_status FROM @S@.set_visibility($1::text, $2::bigint, $3::bigint[], "
     "$4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])"},
    {statement::kPurge, "SELECT @S@.purge($1::text)"},
    {statement::kCounts,
     "SELECT o_visible, o_in_flight, o_delayed FROM @S@.counts($1::text, $2::bigint)"},
    {statement::kExpire, "SELECT @S@.expire($1::text, $2::bigint, $3::integer)"},
    {statement::kMove,
     "SELECT o_moved, o_error, o_detail, o_moved_to, o_remaining "
     "FROM @S@.move($1::text, $2::text, $3::bigint, $4::integer)"},
    {statement::kNotify, "SELECT pg_notify($1::text, q) FROM unnest($2::text[]) AS q"},
    {statement::kReceiptKey, "SELECT value FROM @S@.settings WHERE name = 'receipt_key'"},
};

}  // namespace

void prepare_statements(pqxx::connection& connection, std::string_view quoted_schema) {
  for (const auto& [name, sql] : kStatements) {
    connection.prepare(name, render_sql(sql, quoted_schema));
  }
}

}  // namespace sluice::plugins::postgres
