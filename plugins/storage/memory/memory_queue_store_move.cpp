// MemoryQueueStore::move: redriving messages out of a (dead-letter) queue, one message at a time
// atomically: each message leaves the source and enters its destination under both queue locks.
#include <mutex>
#include <string>

#include "memory_queue_store.hpp"
#include "queue_state.hpp"

namespace sluice::plugins::memory {
namespace {

using sdk::ErrorCode;
using sdk::make_error;

sdk::Error move_onto_itself(std::string_view from) {
  return make_error(ErrorCode::kInvalidParameterValue,
                    "cannot move messages from queue '" + std::string(from) + "' onto itself");
}

}  // namespace

sdk::Result<sdk::MoveResult> MemoryQueueStore::move_unguarded(std::string_view from,
                                                              const sdk::MoveSpec& spec) {
  auto source_or = require(from);
  if (!source_or.ok()) return source_or.error();
  QueuePtr source = std::move(*source_or);
  // Without spec.destination, each message goes back to its own dead_letter_source.
  QueuePtr fixed_destination;
  if (!spec.destination.empty()) {
    fixed_destination = find(spec.destination);
    if (!fixed_destination) return no_such_queue(spec.destination);
    if (fixed_destination == source) return move_onto_itself(from);
  }

  sdk::MoveResult result;
  bool source_empty = false;
  while (result.moved < spec.max_messages && !source_empty) {
    QueuePtr destination = fixed_destination;
    if (!destination) {
      // Peek at the oldest message to learn where it goes, then lock that queue too.
      std::string target_name;
      std::string message_id;
      {
        std::lock_guard lock(source->mutex());
        if (source->deleted()) return no_such_queue(from);
        const auto candidate = source->oldest_visible(spec.now);
        if (!candidate) break;
        target_name = candidate->message->dead_letter_source;
        message_id = candidate->message->message_id;
      }
      if (target_name.empty()) {
        return make_error(ErrorCode::kInvalidParameterValue,
                          "message " + message_id + " in queue '" + std::string(from) +
                              "' was not dead-lettered, so it has no source queue to return to");
      }
      destination = find(target_name);
      if (!destination) return no_such_queue(target_name);
      if (destination == source) return move_onto_itself(from);
    }

    QueuePairLock locks(*source, *destination);
    if (source->deleted()) return no_such_queue(from);
    if (destination->deleted()) return no_such_queue(destination->name());
    // Move the run of oldest messages bound for this destination.
    while (result.moved < spec.max_messages) {
      const auto candidate = source->oldest_visible(spec.now);
      if (!candidate) {
        source_empty = true;
        break;
      }
      if (!fixed_destination && candidate->message->dead_letter_source != destination->name()) {
        break;
      }
      StoredMessage message = source->take(candidate->seq);
      message.receive_count = 0;
      message.first_received_at = sdk::TimePoint{};
      message.dead_letter_source.clear();
      message.visible_at = spec.now;
      destination->admit(std::move(message), spec.now);
      ++result.moved;
    }
  }

  std::lock_guard lock(source->mutex());
  if (source->deleted()) return no_such_queue(from);
  result.remaining = static_cast<std::uint32_t>(source->counts(spec.now).visible);
  return result;
}

}  // namespace sluice::plugins::memory
