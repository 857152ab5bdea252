// The seam between the protocol-neutral workload (producers, consumers, pacing, statistics,
// delivery checks) and a wire protocol. A Driver prepares the queue and opens Channels; a
// Channel carries one operation at a time: send a batch, receive up to N messages (waiting up to
// `wait_seconds` for the first), acknowledge (delete) received messages. The SQS driver speaks
// the query or JSON 1.0 protocol over one keep-alive HTTP connection per channel; an AMQP 0-9-1
// driver would map send to basic.publish (with publisher confirms), receive to deliveries of a
// basic.consume with prefetch N, and acknowledge to basic.ack.
//
// Replies hand out string_views into the channel's own buffers: valid only during the callback.
// Error codes are the protocol's error code ("AWS.SimpleQueueService.NonExistentQueue"), or
// "http:<status>" for a status without one, or "transport:<reason>".
//
// Threads: a Channel is used by one workload loop at a time; its methods (abort() included) are
// called, and its callbacks run, on the thread of the io_context it was opened on.
// Driver::prepare/cleanup are blocking and run on the main thread, outside the run.
#pragma once

#include <utility>  // before Asio under C++20 with Boost 1.74

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "payload.hpp"

namespace sluice::bench {

enum class QueueType { kStandard, kFifo };

struct DriverSettings {
  std::string endpoint;  // "http://127.0.0.1:9324"
  std::string protocol;  // "query" or "json" (SQS); a future "amqp"
  std::string queue;     // queue name
  QueueType queue_type = QueueType::kStandard;
  bool create_queue = true;   // create it if missing (else it must exist)
  bool delete_queue = false;  // delete it in cleanup()
  std::uint32_t batch = 1;    // messages per send (1: unbatched SendMessage)
  std::size_t message_size = 1024;
  std::uint32_t fifo_groups = 1;
  std::int32_t visibility_seconds = 60;  // for received messages
  // Floor mode: send SendMessage-shaped requests and count any 200 as success without reading
  // the reply (so the target can be any HTTP server that answers 200).
  bool floor = false;
};

struct OutgoingMessage {
  Stamp stamp;
  std::uint32_t group = 0;  // FIFO: message group index (< fifo_groups)
};

struct EntryOutcome {
  bool ok = false;
  std::string_view code;  // when !ok
};

struct SendReply {
  std::string_view error;                 // non-empty: the whole request failed
  std::span<const EntryOutcome> entries;  // one per message sent, when error is empty
};

struct ReceivedMessage {
  std::string_view body;
  std::string_view receipt;
};

struct ReceiveReply {
  std::string_view error;
  std::span<const ReceivedMessage> messages;
};

struct AckReply {
  std::string_view error;
  std::span<const EntryOutcome> entries;  // one per receipt, when error is empty
};

class Channel {
 public:
  virtual ~Channel() = default;
  // Sends 1..batch messages in one request.
  virtual void send(std::span<const OutgoingMessage> messages,
                    std::function<void(const SendReply&)> done) = 0;
  virtual void receive(std::uint32_t max_messages, std::int32_t wait_seconds,
                       std::function<void(const ReceiveReply&)> done) = 0;
  // `receipts` may point into the last ReceiveReply; they are copied before this returns.
  virtual void acknowledge(std::span<const std::string_view> receipts,
                           std::function<void(const AckReply&)> done) = 0;
  // Ends the operation in progress, if any: its callback then reports a transport error.
  virtual void abort() = 0;
};

class Driver {
 public:
  virtual ~Driver() = default;
  // Finds or creates the queue. Returns an error message, or "" on success.
  virtual std::string prepare() = 0;
  virtual std::unique_ptr<Channel> open_channel(boost::asio::io_context& io) = 0;
  // Deletes the queue if asked to. Returns an error message, or "".
  virtual std::string cleanup() = 0;
};

// The driver for settings.protocol, or nullptr with `error` set.
std::unique_ptr<Driver> make_driver(const DriverSettings& settings, std::string& error);

}  // namespace sluice::bench
