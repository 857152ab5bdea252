// Secure defaults: without an auth plugin every client is anonymous and may do everything, so
// sluiced then serves loopback only. A front end whose `listen` address is not a loopback
// address is refused at start-up (one line naming the file, line and key) unless the operator
// sets [broker] allow_anonymous = true. See docs/security.md.
//
// The host knows a front end's address only by the convention that its section calls it
// `listen` (every shipped front end does); a front end without that key is not checked.
#pragma once

#include <span>
#include <string_view>

#include "sluice/core/config.hpp"
#include "sluice/sdk/config.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::core {

// 127.0.0.0/8, ::1, "localhost" (and its IPv4-mapped or bracketed spellings). A host name other
// than localhost is not loopback: it may resolve to anything.
bool is_loopback_address(std::string_view address);

// One enabled front end as the host sees it: its section as written (for the line of `listen`)
// and its validated options (the address actually used, defaults included).
struct FrontEndListen {
  const PluginSection& section;
  const sdk::PluginConfig& options;
};

// Ok when an auth plugin is configured, when allow_anonymous is set, or when every front end
// listens on loopback. Otherwise kInvalidParameterValue:
//   "<file>:<line>: protocol.sqs.listen: "0.0.0.0" is not a loopback address and no auth plugin
//    is configured: ..."
sdk::Status check_anonymous_exposure(const SluiceConfig& config, bool auth_configured,
                                     std::span<const FrontEndListen> front_ends);

}  // namespace sluice::core
