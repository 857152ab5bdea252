#include "push_consumers.hpp"

#include <algorithm>

namespace sluice::core {
namespace {
constexpr std::uint32_t kMaxClaim = 10;
}  // namespace

PushConsumer::PushConsumer(std::uint64_t id, std::weak_ptr<ConsumerHost> host,
                           sdk::ConsumeRequest request)
    : id_(id), host_(std::move(host)), request_(std::move(request)), prefetch_(request_.prefetch) {}

std::uint32_t PushConsumer::room_locked() const {
  if (prefetch_ == 0) return kMaxClaim;
  if (outstanding_ >= prefetch_) return 0;
  return std::min(kMaxClaim, prefetch_ - outstanding_);
}

void PushConsumer::begin() {
  auto host = host_.lock();
  if (!host) return;
  std::lock_guard<std::mutex> lock(mutex_);
  kick_locked(host);
}

void PushConsumer::kick_locked(std::shared_ptr<ConsumerHost>& host) {
  if (state_ != State::kActive || pumping_ || waiter_ != 0 || room_locked() == 0) return;
  pumping_ = true;
  if (!host->post([self = shared_from_this()] { self->pump(); })) pumping_ = false;
}

void PushConsumer::pump() {
  auto host = host_.lock();
  if (!host) return;
  std::uint32_t room = 0;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (state_ != State::kActive) {
      pumping_ = false;
      lock.unlock();
      finish(host);
      return;
    }
    room = room_locked();
    if (room == 0) {
      pumping_ = false;  // settle() or set_prefetch() restarts us
      return;
    }
  }

  auto claimed = host->claim_for_consumer(request_.queue, room, request_.visibility_seconds);
  std::vector<sdk::ReceivedMessage> messages;
  if (claimed.ok()) {
    messages = std::move(claimed).value();
  } else if (claimed.code() == sdk::ErrorCode::kQueueDoesNotExist) {
    end(claimed.error());  // we are pumping, so end() leaves the callbacks to us
  } else {
    // Not fatal for the consumer: it waits and the recheck tick retries the claim.
    host->log_error("consumer " + std::to_string(id_) + " on queue " + request_.queue +
                    ": claim failed: " + claimed.error().message);
  }

  std::size_t delivered = 0;
  for (; delivered < messages.size(); ++delivered) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (state_ != State::kActive) break;
      ++outstanding_;
    }
    request_.on_message(std::move(messages[delivered]));
  }
  if (delivered < messages.size()) {
    host->release(request_.queue,
                  std::vector<sdk::ReceivedMessage>(
                      messages.begin() + static_cast<std::ptrdiff_t>(delivered), messages.end()));
  }

  bool finish_now = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ != State::kActive) {
      pumping_ = false;
      finish_now = true;
    } else if (!messages.empty()) {
      // More may be waiting: pump again (a full window stops the next pump at once).
      if (!host->post([self = shared_from_this()] { self->pump(); })) pumping_ = false;
    } else {
      waiter_ =
          host->wait_for_messages(request_.queue, [weak = weak_from_this()](WakeReason reason) {
            if (auto self = weak.lock()) self->on_wake(reason);
          });
      pumping_ = false;
      if (waiter_ == 0) {  // the broker is stopping
        state_ = State::kEnded;
        end_error_ = sdk::make_error(sdk::ErrorCode::kServiceUnavailable, "the broker is stopping");
        finish_now = true;
      }
    }
  }
  if (finish_now) finish(host);
}

void PushConsumer::on_wake(WakeReason /*reason*/) {
  // Closing is reported through end() (queue deleted, broker stopping), which the broker calls
  // before it closes the waiters; a wake of any kind just lets the pump look again.
  auto host = host_.lock();
  if (!host) return;
  bool finish_later = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    waiter_ = 0;
    if (state_ == State::kActive) {
      kick_locked(host);
    } else {
      finish_later = !pumping_;
    }
  }
  if (finish_later && !host->post([self = shared_from_this(), host] { self->finish(host); })) {
    finish(host);
  }
}

void PushConsumer::end(sdk::Error error) {
  auto host = host_.lock();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ != State::kActive) return;
    state_ = State::kEnded;
    end_error_ = std::move(error);
    if (pumping_ || !host) return;  // the running pump finishes
  }
  if (!host->post([self = shared_from_this(), host] { self->finish(host); })) finish(host);
}

void PushConsumer::settle(std::uint32_t count) {
  auto host = host_.lock();
  if (!host) return;
  std::lock_guard<std::mutex> lock(mutex_);
  outstanding_ -= std::min(count, outstanding_);
  kick_locked(host);
}

void PushConsumer::set_prefetch(std::uint32_t prefetch) {
  auto host = host_.lock();
  if (!host) return;
  std::lock_guard<std::mutex> lock(mutex_);
  prefetch_ = prefetch;
  kick_locked(host);
}

void PushConsumer::cancel(std::function<void()> done) {
  auto host = host_.lock();
  if (!host) {
    if (done) done();  // the broker is gone: nothing can deliver any more
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancel_done_.push_back(std::move(done));
    if (state_ == State::kActive) state_ = State::kCancelled;
    if (pumping_) return;  // the running pump finishes
  }
  if (!host->post([self = shared_from_this(), host] { self->finish(host); })) finish(host);
}

void PushConsumer::finish(std::shared_ptr<ConsumerHost> host) {
  std::vector<std::function<void()>> dones;
  std::optional<sdk::Error> error;
  LongPollWaiters::Id waiter = 0;
  bool first = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pumping_) return;  // a pump was started after all; it finishes
    dones.swap(cancel_done_);
    error.swap(end_error_);
    std::swap(waiter, waiter_);
    first = !finished_;
    finished_ = true;
  }
  if (waiter != 0) host->cancel_wait(waiter);
  for (auto& done : dones) {
    if (done) done();
  }
  if (error && request_.on_cancelled) request_.on_cancelled(std::move(*error));
  if (first) host->forget_consumer(id_);
}

void PushConsumers::add(std::shared_ptr<PushConsumer> consumer) {
  std::lock_guard<std::mutex> lock(mutex_);
  consumers_[consumer->id()] = std::move(consumer);
}

void PushConsumers::remove(std::uint64_t id) {
  std::shared_ptr<PushConsumer> dropped;  // released outside the lock
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = consumers_.find(id);
  if (it == consumers_.end()) return;
  dropped = std::move(it->second);
  consumers_.erase(it);
}

void PushConsumers::end_queue(const std::string& queue, const sdk::Error& error) {
  std::vector<std::shared_ptr<PushConsumer>> doomed;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, consumer] : consumers_) {
      if (consumer->queue() == queue) doomed.push_back(consumer);
    }
  }
  for (auto& consumer : doomed) consumer->end(error);
}

void PushConsumers::end_all(const sdk::Error& error) {
  std::vector<std::shared_ptr<PushConsumer>> doomed;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, consumer] : consumers_) doomed.push_back(consumer);
  }
  for (auto& consumer : doomed) consumer->end(error);
}

std::size_t PushConsumers::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return consumers_.size();
}

}  // namespace sluice::core
