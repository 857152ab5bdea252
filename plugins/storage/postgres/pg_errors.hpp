// What a libpqxx exception means for the SPI: the sdk::Error to return, and what the store should
// do about the connection (drop it; treat the database as unreachable; retry the operation).
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "sluice/sdk/result.hpp"

namespace sluice::plugins::postgres {

struct PgFailure {
  sdk::Error error;
  bool retry = false;        // the transaction was rolled back and may simply run again
  bool discard = false;      // the connection is broken or in an unknown state
  bool unreachable = false;  // the server itself seems gone (shut down, restarting, network)
};

// Classifies the exception in flight (call from a catch block) for `operation` on `queue`.
// Codes: kServiceUnavailable for a lost or refused connection, an unknown outcome, a timeout, a
// server shutting down or out of resources; the store's own SQLSTATEs (class SL, see
// sql/v1_helpers.sql) map to kQueueDoesNotExist, kOverLimit and kConflict; anything else is
// kInternal with the server's message and SQLSTATE.
PgFailure classify_current_exception(std::string_view operation, std::string_view queue);

// The first line of a server message without its "ERROR:  " prefix.
std::string primary_message(std::string_view what);

}  // namespace sluice::plugins::postgres
