#include <string>

#include "sluice/sdk/storage.hpp"

namespace sluice::sdk {

Status check_claim_spec(std::string_view queue, const ClaimSpec& spec) {
  if (spec.max_messages == 0) {
    return make_error(ErrorCode::kInvalidParameterValue,
                      "claim on queue '" + std::string(queue) + "': max_messages must be >= 1");
  }
  if (spec.max_receives > 0 && spec.dead_letter_queue.empty()) {
    return make_error(ErrorCode::kInvalidParameterValue,
                      "claim on queue '" + std::string(queue) + "': max_receives " +
                          std::to_string(spec.max_receives) + " without a dead-letter queue");
  }
  return Status::Ok();
}

}  // namespace sluice::sdk
