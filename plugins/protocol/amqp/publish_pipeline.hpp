// A channel's publishes on their way into the store. Items go out in the order they were pushed,
// one BrokerApi::send_messages call at a time, each call carrying up to 10 consecutive items for
// the same queue (the broker coalesces calls from all channels into group commits). One call at
// a time keeps the channel's publish order, and the items that pile up behind it make the next
// batch, so a busy publisher gets batching for free.
//
// The pipeline outlives its channel: publishes a client sent before closing its channel or
// connection are still stored. Each item's `done` runs on the connection's strand once its
// outcome is known; the channel, if still open, turns it into a confirm, a basic.return or an
// error. Strand-only, except that completions arrive from core threads and are posted back.
#pragma once

#include <utility>  // before Asio under C++20 with Boost 1.74

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "sluice/sdk/broker_api.hpp"

namespace sluice::plugins::amqp {

class ServerContext;

struct PublishOutcome {
  enum class Kind : std::uint8_t {
    kStored,    // durable in the store
    kNoRoute,   // no queue by that name
    kRejected,  // the broker refused the message (too large, ...): the publisher's fault
    kFailed,    // the broker could not take it (store down, ...): not the publisher's fault
  };
  Kind kind = Kind::kStored;
  sdk::Error error{sdk::ErrorCode::kInternal, ""};
};

struct PublishItem {
  std::string queue;     // the routing key on the default exchange
  bool routable = true;  // false: the name cannot be a queue, no call is made
  sdk::SendEntry entry;
  std::function<void(const PublishOutcome&)> done;
};

class PublishPipeline : public std::enable_shared_from_this<PublishPipeline> {
 public:
  PublishPipeline(std::shared_ptr<ServerContext> server, sdk::RequestContext context,
                  boost::asio::any_io_executor strand);

  void push(PublishItem item);
  // Runs after the `done` callbacks of each batch (channels flush their confirms here).
  void set_batch_end(std::function<void()> hook) { batch_end_ = std::move(hook); }
  // Items pushed but not yet completed, and their body bytes.
  std::size_t pending() const { return queued_.size() + in_flight_; }
  std::size_t pending_bytes() const { return bytes_; }
  bool idle() const { return pending() == 0; }
  // Runs `done` (on the strand) once every item pushed so far has completed; at once if idle.
  void when_idle(std::function<void()> done);

 private:
  void pump();
  void notify_if_idle();
  void complete(std::deque<PublishItem> batch,
                sdk::Result<std::vector<sdk::Result<sdk::SendOutcome>>> result);

  std::shared_ptr<ServerContext> server_;
  sdk::RequestContext context_;
  boost::asio::any_io_executor strand_;
  std::deque<PublishItem> queued_;
  std::size_t in_flight_ = 0;
  std::size_t bytes_ = 0;
  std::function<void()> batch_end_;
  std::vector<std::function<void()>> idle_waiters_;
};

}  // namespace sluice::plugins::amqp
