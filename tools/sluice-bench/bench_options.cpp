#include "bench_options.hpp"

#include <random>

namespace sluice::bench {

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::kSend:
      return "send";
    case Mode::kDrain:
      return "drain";
    case Mode::kReceive:
      return "receive";
    case Mode::kCycle:
      return "cycle";
    case Mode::kFloor:
      return "floor";
  }
  return "?";
}

std::string finish_options(BenchOptions& o) {
  auto& d = o.driver;
  if (d.batch < 1 || d.batch > 10) return "--batch must be 1..10";
  if (d.message_size < kStampSize || d.message_size > 262144) {
    return "--message-size must be " + std::to_string(kStampSize) + "..262144 bytes";
  }
  if (o.wait_seconds < 0 || o.wait_seconds > 20) return "--wait must be 0..20 seconds";
  if (o.threads < 1 || o.threads > 64) return "--threads must be 1..64";
  if (o.rate < 0) return "--rate must be >= 0";
  if (o.messages == 0 && o.duration_seconds <= 0) return "--duration must be > 0";
  if (o.mode == Mode::kReceive && o.messages > 0) return "receive mode runs for --duration only";
  if (d.fifo_groups < 1 || d.fifo_groups > 0xffffff) return "--groups must be 1..16777215";

  std::random_device random;
  o.nonce = static_cast<std::uint32_t>(random());
  d.floor = o.mode == Mode::kFloor;
  const bool fifo = d.queue_type == QueueType::kFifo;
  if (d.queue.empty()) {
    char name[32];
    std::snprintf(name, sizeof name, "sluice-bench-%08x", o.nonce);
    d.queue = name;
    if (fifo) d.queue += ".fifo";
    o.queue_named = false;
  } else {
    o.queue_named = true;
  }
  if (fifo && d.queue.size() < 5) return "a FIFO queue name must end in .fifo";
  if (fifo && d.queue.compare(d.queue.size() - 5, 5, ".fifo") != 0) {
    return "a FIFO queue name must end in .fifo";
  }
  // A queue made up for this run goes away with it; a named one stays unless asked.
  if (!o.queue_named) d.delete_queue = true;

  // Loops: one connection each.
  const bool sends = o.sends();
  const bool consumes = o.consumes();
  if (!sends && o.producers > 0) return "--producers makes no sense in drain or receive mode";
  if (!consumes && o.consumers > 0) return "--consumers needs mode cycle, drain or receive";
  if (o.producers == 0 && o.consumers == 0) {
    const std::uint32_t total = o.connections > 0 ? o.connections : 8;
    if (sends && consumes) {
      if (total < 2) return "cycle mode needs at least 2 connections";
      o.producers = total / 2;
      o.consumers = total - o.producers;
    } else if (sends) {
      o.producers = total;
    } else {
      o.consumers = total;
    }
  } else if (sends && o.producers == 0) {
    if (o.connections <= o.consumers) return "--connections leaves no connection for producers";
    o.producers = o.connections - o.consumers;
  } else if (consumes && o.consumers == 0) {
    if (o.connections <= o.producers) return "--connections leaves no connection for consumers";
    o.consumers = o.connections - o.producers;
  }
  if (o.connections > 0 && o.connections != o.producers + o.consumers) {
    return "--connections (" + std::to_string(o.connections) + ") must equal producers (" +
           std::to_string(o.producers) + ") + consumers (" + std::to_string(o.consumers) +
           "): every loop has its own connection";
  }
  o.connections = o.producers + o.consumers;
  if (o.request_timeout_seconds <= 0) o.request_timeout_seconds = o.wait_seconds + 30.0;
  return {};
}

}  // namespace sluice::bench
