#include "loops.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace sluice::bench {

namespace {
constexpr auto kTransportBackoff = std::chrono::milliseconds(100);
constexpr std::string_view kTimeout = "transport:timeout";
}  // namespace

// --- Loop --------------------------------------------------------------------------------------

Loop::Loop(boost::asio::io_context& io, std::unique_ptr<Channel> channel, RunContext& ctx,
           RunStats& stats)
    : io_(io), channel_(std::move(channel)), ctx_(ctx), stats_(stats), timer_(io) {}

void Loop::start() {
  boost::asio::post(io_, [this] { next(); });
}

void Loop::timeout(std::uint64_t started_ns) {
  if (busy_since_ns() != started_ns || started_ns == 0) return;
  timed_out_ = true;
  channel_->abort();
}

std::string_view Loop::error_code(std::string_view reported) {
  if (!timed_out_) return reported;
  timed_out_ = false;
  return kTimeout;
}

void Loop::retry_later(std::string_view error) {
  if (error.substr(0, 10) != "transport:") return next();
  timer_.expires_after(kTransportBackoff);
  timer_.async_wait([this](const boost::system::error_code&) { next(); });
}

// --- ProducerLoop ------------------------------------------------------------------------------

void ProducerLoop::next() {
  const auto now = SteadyClock::now();
  if (ctx_.stop_producers.load(std::memory_order_relaxed) || ctx_.past_deadline(now)) {
    return finish();
  }
  const std::uint64_t batch = ctx_.options.driver.batch;
  const std::uint64_t first = ctx_.next_id.fetch_add(batch, std::memory_order_relaxed);
  if (first >= ctx_.id_limit) return finish();
  first_id_ = first;
  count_ = static_cast<std::size_t>(std::min(batch, ctx_.id_limit - first));
  if (ctx_.options.rate <= 0) {
    started_ = now;
    return fire();
  }
  // Latency counts from the slot, not from when we got round to it: a server that falls behind
  // shows it in the percentiles instead of slowing the load down (no coordinated omission).
  started_ = ctx_.slot_for(count_);
  if (ctx_.past_deadline(started_)) return finish();
  if (started_ <= now) return fire();
  timer_.expires_at(started_);
  timer_.async_wait([this](const boost::system::error_code&) { fire(); });
}

void ProducerLoop::fire() {
  const std::int64_t sent_at = wall_micros();
  const std::uint32_t groups = ctx_.options.driver.fifo_groups;
  for (std::size_t i = 0; i < count_; ++i) {
    const std::uint64_t id = first_id_ + i;
    batch_[i] = OutgoingMessage{Stamp{ctx_.ledger.nonce(), id, sent_at},
                                static_cast<std::uint32_t>(id % groups)};
  }
  mark_busy(SteadyClock::now());
  channel_->send(std::span<const OutgoingMessage>(batch_.data(), count_),
                 [this](const SendReply& reply) { on_sent(reply); });
}

void ProducerLoop::on_sent(const SendReply& reply) {
  const auto now = SteadyClock::now();
  mark_idle();
  stats_.send_requests.add();
  stats_.send_latency.record(micros_between(started_, now));
  stats_.last_send_ns.set(ctx_.nanos_since_start(now));
  if (!reply.error.empty()) {
    stats_.count_error(error_code(reply.error));
    stats_.send_failed.add(count_);
    return retry_later(reply.error);
  }
  const bool track = ctx_.options.mode != Mode::kFloor;
  std::uint64_t ok = 0;
  for (std::size_t i = 0; i < reply.entries.size() && i < count_; ++i) {
    if (reply.entries[i].ok) {
      if (track) ctx_.ledger.mark_acked(first_id_ + i);
      ++ok;
    } else {
      stats_.count_error(reply.entries[i].code);
      stats_.send_failed.add();
    }
  }
  stats_.sent.add(ok);
  next();
}

void ProducerLoop::finish() { ctx_.producers_running.fetch_sub(1); }

// --- ConsumerLoop ------------------------------------------------------------------------------

bool ConsumerLoop::should_stop(SteadyClock::time_point now) const {
  if (ctx_.stop_consumers.load(std::memory_order_relaxed)) return true;
  if (ctx_.options.mode == Mode::kReceive) return ctx_.past_deadline(now);
  if (ctx_.options.mode != Mode::kDrain) return false;
  if (ctx_.options.messages > 0 && ctx_.drained.load() >= ctx_.options.messages) return true;
  return ctx_.past_deadline(now);
}

void ConsumerLoop::next() {
  const auto now = SteadyClock::now();
  if (should_stop(now)) return finish();
  phase_ = Phase::kReceiving;
  started_ = now;
  mark_busy(now);
  channel_->receive(ctx_.options.driver.batch, ctx_.options.wait_seconds,
                    [this](const ReceiveReply& reply) { on_received(reply); });
}

void ConsumerLoop::interrupt() {
  if (phase_ == Phase::kReceiving) channel_->abort();
}

void ConsumerLoop::on_received(const ReceiveReply& reply) {
  const auto now = SteadyClock::now();
  phase_ = Phase::kIdle;
  mark_idle();
  stats_.receive_requests.add();
  stats_.receive_latency.record(micros_between(started_, now));
  stats_.last_consume_ns.set(ctx_.nanos_since_start(now));
  if (!reply.error.empty()) {
    // A long poll we cut short because the run is over is not an error.
    if (ctx_.stop_consumers.load()) return finish();
    stats_.count_error(error_code(reply.error));
    return retry_later(reply.error);
  }
  if (reply.messages.empty()) {
    stats_.empty_receives.add();
    if (ctx_.options.mode == Mode::kDrain) return finish();  // the queue is drained
    return next();
  }
  const std::int64_t received_at = wall_micros();
  count_ = std::min(reply.messages.size(), kMaxBatch);
  for (std::size_t i = 0; i < count_; ++i) {
    const auto& message = reply.messages[i];
    receipts_[i] = message.receipt;
    const auto stamp = read_stamp(message.body);
    if (stamp) stats_.end_to_end_latency.record(received_at - stamp->sent_us);
    if (!stamp || stamp->nonce != ctx_.ledger.nonce()) {
      stats_.foreign.add();
    } else if (ctx_.ledger.mark_received(stamp->id)) {
      stats_.distinct.add();
    } else {
      stats_.duplicates.add();
    }
  }
  stats_.received.add(count_);
  if (ctx_.options.mode == Mode::kDrain) ctx_.drained.fetch_add(count_);
  if (!ctx_.options.deletes()) return next();
  phase_ = Phase::kDeleting;
  started_ = SteadyClock::now();
  mark_busy(started_);
  channel_->acknowledge(std::span<const std::string_view>(receipts_.data(), count_),
                        [this](const AckReply& r) { on_deleted(r); });
}

void ConsumerLoop::on_deleted(const AckReply& reply) {
  const auto now = SteadyClock::now();
  phase_ = Phase::kIdle;
  mark_idle();
  stats_.delete_requests.add();
  stats_.delete_latency.record(micros_between(started_, now));
  stats_.last_consume_ns.set(ctx_.nanos_since_start(now));
  if (!reply.error.empty()) {
    stats_.count_error(error_code(reply.error));
    stats_.delete_failed.add(count_);
    return retry_later(reply.error);
  }
  std::uint64_t ok = 0;
  for (std::size_t i = 0; i < reply.entries.size() && i < count_; ++i) {
    if (reply.entries[i].ok) {
      ++ok;
    } else {
      stats_.count_error(reply.entries[i].code);
      stats_.delete_failed.add();
    }
  }
  stats_.deleted.add(ok);
  next();
}

void ConsumerLoop::finish() {
  phase_ = Phase::kIdle;
  ctx_.consumers_running.fetch_sub(1);
}

}  // namespace sluice::bench
