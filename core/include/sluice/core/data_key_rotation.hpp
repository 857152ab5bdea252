// Start-up check of encryption at rest, and master-key rotation. sluiced runs it once, after the
// store is open and before the broker serves, whenever an encryption plugin is configured:
//  * every data key in the store must be unwrappable with the plugin's master keys, so a wrong or
//    missing master key stops start-up instead of failing message by message later;
//  * data keys wrapped under a previous master key (one the plugin holds but does not use for new
//    wraps) are re-wrapped under the current one. Messages are not touched: they name their data
//    key, whose wrapping is all that changes. Once this has run, the previous master key is no
//    longer needed by anything in the store.
// See docs/security.md for the rotation procedure. Call from one thread; the broker may not be
// serving the store from this process yet. Other brokers on the same store may be running: every
// change is an optimistic update of the queue record.
#pragma once

#include <cstddef>

#include "sluice/sdk/crypto.hpp"
#include "sluice/sdk/result.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::core {

struct DataKeyCheck {
  std::size_t queues = 0;     // queues scanned
  std::size_t keys = 0;       // data keys found (own keys and copies)
  std::size_t rewrapped = 0;  // re-wrapped under the current master key
};

// Errors (one line each, naming the queue, the data key and the master key): kAccessDenied when a
// data key is wrapped under a master key the cipher does not hold; the cipher's error when one does
// not unwrap (altered); store errors as they come.
sdk::Result<DataKeyCheck> check_and_rewrap_data_keys(sdk::QueueStore& store,
                                                     sdk::PayloadCipher& cipher);

}  // namespace sluice::core
