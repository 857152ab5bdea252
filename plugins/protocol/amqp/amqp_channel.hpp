// One AMQP channel: its methods, in order, turned into BrokerApi calls.
//
// Order: a client may pipeline methods (amqplib sends basic.publish without waiting for the
// queue.declare-ok before it). Methods therefore run strictly in arrival order, with one
// relaxation: basic.publish, ack, nack and reject are "pipelined" and may run while earlier
// pipelined methods are still in flight; any other method waits until everything before it has
// completed. So a publish never overtakes the declare of its queue, and a basic.get after a
// publish or a requeue sees their effect.
//
// Deliveries: a consumer is a BrokerApi push consumer. Its window (prefetch) is reopened by
// acknowledgements for consumers with a prefetch limit, or by the socket write for no-ack and
// unlimited consumers, so a slow client is never flooded beyond what TCP holds. A channel-wide
// (global) prefetch is applied on top, holding deliveries here until acknowledgements make room.
//
// Closing: unacknowledged and held deliveries are released (visibility 0) and consumers are
// cancelled; the close-ok goes out once that is done and every publish received before the close
// has been stored.
//
// Threads: strand of the owning connection only. Completions hold a shared_ptr to the channel.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "content.hpp"
#include "methods.hpp"
#include "publish_pipeline.hpp"
#include "reply_codes.hpp"
#include "stored_message.hpp"

namespace sluice::plugins::amqp {

class AmqpConnection;
struct Frame;

class Channel : public std::enable_shared_from_this<Channel> {
 public:
  using Clock = std::chrono::steady_clock;

  Channel(AmqpConnection& connection, std::uint16_t id);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  std::uint16_t id() const { return id_; }
  bool is_open() const { return state_ == State::kOpen; }
  // Frames while the channel is closing are discarded except channel.close / close-ok.
  void handle_frame(Frame& frame);
  // The connection is going away (client close, error or lost socket): with `drain`, run the
  // methods already received first (their replies still go out, before the connection's
  // close-ok); then release everything and run `done`.
  void shut_down(bool drain, std::function<void()> done);
  // Input held for execution (bytes), for the connection's back-pressure.
  std::size_t pending_bytes() const;
  // Called every second: closes the channel when a delivery outlived its lease.
  void check_lease(Clock::time_point now);

 private:
  enum class State : std::uint8_t {
    kOpen,
    kClosingByServer,  // channel.close sent, waiting for close-ok
    kClosingByClient,  // channel.close received, releasing before close-ok
    kClosed,
  };

  struct PendingOp {
    Method method;
    std::optional<AmqpMessage> content;  // basic.publish only
    bool pipelined = false;
    std::size_t bytes = 0;
  };

  struct Consumer {
    std::string tag;
    std::string queue;
    bool no_ack = false;
    bool settle_on_write = false;  // no window by acks: reopen it as deliveries are written
    std::shared_ptr<sdk::Consumer> handle;
    std::string dead_letter_queue;
  };

  // A delivery not yet acknowledged.
  struct Unacked {
    std::string queue;
    std::string receipt;
    std::string consumer_tag;               // empty for basic.get
    std::shared_ptr<sdk::Consumer> window;  // settled when acknowledged (prefetch-limited)
    bool counts_global = false;
    Clock::time_point delivered_at;
    // Set when the queue has a dead-letter queue: what to send there on reject/nack requeue=0.
    std::shared_ptr<const sdk::SendEntry> dead_letter_copy;
    std::string dead_letter_queue;
  };

  struct Held {
    std::string consumer_tag;
    std::string queue;
    sdk::ReceivedMessage message;
  };

  enum class Settle : std::uint8_t { kAck, kRequeue, kDiscard };
  struct TxAck {
    std::uint64_t tag;
    Unacked delivery;
    Settle action;
  };

  // --- Frames and order (amqp_channel.cpp) ---
  void handle_method(Method method);
  void handle_content_frame(Frame& frame);
  void enqueue(PendingOp op);
  void pump();
  void execute(PendingOp& op);
  void finish_op(bool pipelined);
  void channel_error(const AmqpError& error, MethodId cause);
  void on_client_close();
  void release_everything(std::function<void()> done);
  std::string resolve_queue(const std::string& name) const;

  // --- Queues and exchanges (channel_queues.cpp) ---
  void queue_declare(const m::QueueDeclare& method);
  void declare_existing(const m::QueueDeclare& method, const std::string& name,
                        const sdk::AttributeMap& attributes, bool created_now);
  void queue_purge(const m::QueuePurge& method);
  void queue_delete(const m::QueueDelete& method);
  void exchange_declare(const m::ExchangeDeclare& method);
  void exchange_delete(const m::ExchangeDelete& method);
  void refuse_binding(MethodId method, const std::string& exchange);

  // --- Publishing, confirms, transactions (channel_publish.cpp) ---
  void basic_publish(const m::BasicPublish& method, AmqpMessage content);
  PublishItem make_item(const m::BasicPublish& method, AmqpMessage content);
  void on_published(const m::BasicPublish& method, const AmqpMessage& content, std::uint64_t seq,
                    const PublishOutcome& outcome);
  void flush_confirms();
  void confirm_select(const m::ConfirmSelect& method);
  void tx_select();
  void tx_commit();
  void tx_rollback();

  // --- Consumers and deliveries (channel_consume.cpp) ---
  void basic_qos(const m::BasicQos& method);
  void basic_consume(const m::BasicConsume& method);
  void start_consumer(const m::BasicConsume& method, std::string queue, std::string tag,
                      std::string dead_letter_queue);
  void basic_cancel(const m::BasicCancel& method);
  void on_delivery(const std::string& tag, const std::string& queue, sdk::ReceivedMessage message);
  void deliver(Consumer& consumer, sdk::ReceivedMessage message, const AmqpMessage& content);
  void drain_held();
  void on_consumer_ended(const std::string& tag, const sdk::Error& error);
  void end_consumer(const std::string& tag);
  void record_unacked(std::uint64_t tag, const std::string& queue,
                      const sdk::ReceivedMessage& message, const std::string& consumer_tag,
                      std::shared_ptr<sdk::Consumer> window, const std::string& dead_letter_queue,
                      bool counts_global);

  // --- Acknowledgements and basic.get (channel_acks.cpp) ---
  void basic_ack(const m::BasicAck& method);
  void basic_reject(std::uint64_t tag, bool multiple, bool requeue, MethodId cause);
  void basic_recover(bool requeue, bool reply);
  void basic_get(const m::BasicGet& method);
  void get_from(const std::string& queue, bool no_ack, int attempts_left);
  // Takes tag (or all up to tag with `multiple`; 0 + multiple = all) out of unacked_. An unknown
  // tag is a 406 channel error (nullopt returned after raising it).
  std::optional<std::vector<std::pair<std::uint64_t, Unacked>>> take_unacked(std::uint64_t tag,
                                                                             bool multiple,
                                                                             MethodId cause);
  // Applies settlements to the store; `done` runs on the strand when all calls completed.
  void settle(std::vector<std::pair<std::uint64_t, Unacked>> deliveries, Settle action,
              std::function<void()> done);
  void release_messages(const std::string& queue, std::vector<std::string> receipts,
                        std::function<void()> done);
  bool expired(const sdk::ReceivedMessage& message, const AmqpMessage& content) const;

  AmqpConnection& connection_;
  const std::uint16_t id_;
  State state_ = State::kOpen;

  // Content being assembled: basic.publish, then its header, then body frames.
  std::optional<m::BasicPublish> publishing_;
  std::optional<ContentHeader> header_;
  std::string body_;

  std::deque<PendingOp> waiting_;
  std::function<void()> drained_;  // shut_down(drain): runs once everything received has run
  std::size_t waiting_bytes_ = 0;
  std::size_t running_pipelined_ = 0;
  bool running_exclusive_ = false;

  std::string last_queue_;  // "the last queue declared on this channel"

  // Publishing
  std::shared_ptr<PublishPipeline> pipeline_;
  bool confirm_mode_ = false;
  std::uint64_t publish_seq_ = 0;
  std::uint64_t confirm_ack_upto_ = 0;   // publishes up to here are confirmed...
  std::uint64_t confirm_sent_upto_ = 0;  // ...and basic.ack went out up to here
  bool tx_mode_ = false;
  std::vector<std::pair<m::BasicPublish, AmqpMessage>> tx_publishes_;
  std::vector<TxAck> tx_acks_;

  // Consuming
  std::map<std::string, Consumer> consumers_;
  std::uint16_t consumer_prefetch_ = 0;  // basic.qos global=false: for consumers started later
  std::uint16_t global_prefetch_ = 0;    // basic.qos global=true: shared by the channel
  std::uint32_t global_unacked_ = 0;
  std::deque<Held> held_;
  std::uint64_t next_delivery_tag_ = 1;
  std::map<std::uint64_t, Unacked> unacked_;

  // release_everything() runs once; later callers wait for the same release.
  bool release_started_ = false;
  bool release_finished_ = false;
  std::vector<std::function<void()>> release_waiters_;
};

}  // namespace sluice::plugins::amqp
