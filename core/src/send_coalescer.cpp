#include "send_coalescer.hpp"

#include <algorithm>

namespace sluice::core {

SendCoalescer::SendCoalescer(Executor executor, AppendFn append, std::uint32_t max_batch)
    : executor_(std::move(executor)),
      append_(std::move(append)),
      max_batch_(std::max<std::uint32_t>(max_batch, 1)) {}

SendCoalescer::Ticket SendCoalescer::reserve(const std::string& queue) {
  auto slot = std::make_shared<Slot>();
  slot->queue = queue;
  std::lock_guard<std::mutex> lock(mutex_);
  queues_[queue].pending.push_back(slot);
  return slot;
}

void SendCoalescer::fill(const Ticket& ticket, std::vector<sdk::NewMessage> messages, Done done) {
  bool start = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ticket->messages = std::move(messages);
    ticket->done = std::move(done);
    ticket->ready = true;
    start = should_start_locked(queues_[ticket->queue]);
  }
  if (start) start_drain(ticket->queue);
}

void SendCoalescer::abandon(const Ticket& ticket) { fill(ticket, {}, nullptr); }

bool SendCoalescer::should_start_locked(QueueState& state) {
  if (state.appending || state.pending.empty() || !state.pending.front()->ready) return false;
  state.appending = true;
  return true;
}

void SendCoalescer::start_drain(const std::string& queue) {
  if (executor_([this, queue] { drain(queue); })) return;
  // The pool is gone (broker stopped): fail what is ready rather than drop it.
  std::deque<Ticket> orphans;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    orphans.swap(queues_[queue].pending);
    queues_.erase(queue);
  }
  for (auto& slot : orphans) {
    if (slot->done) {
      slot->done(sdk::make_error(sdk::ErrorCode::kServiceUnavailable, "the broker is stopping"));
    }
  }
}

void SendCoalescer::drain(const std::string& queue) {
  for (;;) {
    std::vector<Ticket> batch;
    std::vector<sdk::NewMessage> messages;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto& state = queues_[queue];
      while (!state.pending.empty() && state.pending.front()->ready) {
        auto& next = state.pending.front();
        if (!messages.empty() && messages.size() + next->messages.size() > max_batch_) break;
        for (auto& m : next->messages) messages.push_back(std::move(m));
        batch.push_back(std::move(next));
        state.pending.pop_front();
      }
      if (batch.empty()) {
        // Nothing ready: the next fill() of the first place starts a new drain.
        state.appending = false;
        if (state.pending.empty()) queues_.erase(queue);
        return;
      }
    }
    Outcomes outcomes =
        messages.empty() ? Outcomes(std::vector<sdk::AppendOutcome>{}) : append_(queue, messages);
    // Hand each request its slice; a whole-append failure fails every request in it.
    std::size_t offset = 0;
    for (auto& slot : batch) {
      const std::size_t n = slot->messages.size();
      if (!slot->done) {
        offset += n;
        continue;
      }
      if (!outcomes.ok()) {
        slot->done(outcomes.error());
      } else if (outcomes->size() < offset + n) {
        slot->done(sdk::make_error(sdk::ErrorCode::kInternal,
                                   "store returned " + std::to_string(outcomes->size()) +
                                       " append outcomes for " + std::to_string(messages.size()) +
                                       " messages"));
      } else {
        const auto first = outcomes->begin() + static_cast<std::ptrdiff_t>(offset);
        slot->done(std::vector<sdk::AppendOutcome>(first, first + static_cast<std::ptrdiff_t>(n)));
      }
      offset += n;
    }
    // Loop: whatever became ready during the append goes next, still under our "appending"
    // claim, so a queue's appends never overlap.
  }
}

}  // namespace sluice::core
