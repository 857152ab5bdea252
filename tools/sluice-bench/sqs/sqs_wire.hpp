// The bytes of SQS requests and the few facts sluice-bench reads from replies, for both wire
// protocols (query: form-encoded in, XML out; JSON 1.0: JSON in and out). Requests are complete
// HTTP/1.1 messages. Send requests are built once as a SendTemplate and re-stamped in place for
// every send; reply scanning returns views into the reply body and never builds a DOM on the
// common path (a JSON batch reply with failures is the one exception).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "driver.hpp"

namespace sluice::bench::sqs {

enum class Protocol { kQuery, kJson };

struct Target {
  Protocol protocol = Protocol::kQuery;
  std::string host;       // the Host header: "127.0.0.1:9324"
  std::string queue_url;  // as CreateQueue / GetQueueUrl returned it
};

// A SendMessage (one message) or SendMessageBatch request whose message bodies, and FIFO group
// and deduplication ids, sit at known offsets.
struct SendTemplate {
  struct Slot {
    std::size_t stamp = 0;                  // offset of the body's stamp
    std::size_t group = std::string::npos;  // offset of the group digits (FIFO)
    std::size_t dedup = std::string::npos;  // offset of the deduplication id (FIFO)
  };
  std::string bytes;
  std::vector<Slot> slots;
};

inline constexpr std::size_t kGroupDigits = 6;   // group ids are "g" + 6 hex digits
inline constexpr std::size_t kDedupDigits = 16;  // dedup ids are the message id in 16 hex digits

SendTemplate build_send(const Target& target, std::size_t count, std::size_t message_size,
                        bool fifo);
// Writes the stamps (and FIFO ids) of `messages` (messages.size() == template slots) in place.
void stamp_send(SendTemplate& request, std::span<const OutgoingMessage> messages);

std::string build_receive(const Target& target, std::uint32_t max_messages,
                          std::int32_t wait_seconds, std::int32_t visibility_seconds);
// DeleteMessage for one receipt, DeleteMessageBatch for more; reuses `out`'s capacity.
void build_delete(const Target& target, std::span<const std::string_view> receipts,
                  std::string& out);

// Set-up requests. `attributes` are queue attributes (name, value).
std::string build_create_queue(const Target& target, std::string_view name,
                               const std::vector<std::pair<std::string, std::string>>& attributes);
std::string build_get_queue_url(const Target& target, std::string_view name);
std::string build_delete_queue(const Target& target);

// The QueueUrl of a CreateQueue / GetQueueUrl reply ("" if absent).
std::string queue_url_of(Protocol protocol, std::string_view body);

// The error code of a reply that is not a 200: the query error code (from <Code>, or from the
// x-amzn-query-error header of a JSON reply, or its __type), else "http:<status>" written into
// `scratch`.
std::string_view error_code_of(Protocol protocol, int status, std::string_view query_error,
                               std::string_view body, std::string& scratch);

// The messages of a ReceiveMessage reply, in order. False if bodies and receipts do not pair up.
bool scan_messages(Protocol protocol, std::string_view body, std::vector<ReceivedMessage>& out);

// Marks the entries named in the Failed list of a batch reply (entry ids are "0".."n-1") as
// failed with their code. JSON codes are copied into `scratch`. False if the reply is malformed.
bool scan_batch_failures(Protocol protocol, std::string_view body, std::span<EntryOutcome> entries,
                         std::vector<std::string>& scratch);

}  // namespace sluice::bench::sqs
