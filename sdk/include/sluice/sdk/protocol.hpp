// Protocol front ends turn bytes on a wire into BrokerApi calls and results back into bytes. They
// hold only connection state.
#pragma once

#include "sluice/sdk/auth.hpp"
#include "sluice/sdk/broker_api.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::sdk {

// What the host offers a front end besides the broker (added in SDK 0.1). Every pointer outlives
// the front end; null means "not configured".
struct HostServices {
  // Set when an auth plugin is configured: the front end must authenticate every request or
  // connection with it, and refuse the unauthenticated ones.
  Authenticator* authenticator = nullptr;
  // The authenticator's authorizer, if it has one: every action is checked with it.
  Authorizer* authorizer = nullptr;
};

class ProtocolFrontEnd {
 public:
  virtual ~ProtocolFrontEnd() = default;
  // Binds its listeners and starts serving on threads the front end owns (its own I/O threads,
  // sized by its own config). A bind failure is returned, not thrown. `broker` outlives the
  // front end.
  //
  // Why the front end owns its event loop rather than running on one the host passes in: Asio is
  // header-only, and its per-thread bookkeeping (the call stack behind strands and handler
  // allocation) is a thread-local template static of which the host and each hidden-visibility
  // plugin hold separate copies. Plugin Asio code run by a host thread finds its own copy empty
  // and crashes. So no Asio object ever crosses the plugin boundary.
  virtual Status start(BrokerApi& broker) = 0;
  // Graceful: stop accepting, let in-flight requests finish, then close. Called from a host
  // thread that is not an I/O thread; returns when connections are closed.
  virtual void stop() = 0;

  // What the host calls: start() with host services (added in SDK 0.1, last in the vtable so the
  // slots of start and stop do not move). A front end that checks credentials overrides it. The
  // default cannot, so it refuses to start when an authenticator is configured: a front end must
  // never serve anonymously while the operator has turned authentication on.
  virtual Status start_with_services(BrokerApi& broker, const HostServices& services) {
    if (services.authenticator != nullptr) {
      return Error{ErrorCode::kUnsupportedOperation,
                   "this front end cannot authenticate clients, so it cannot run while an auth "
                   "plugin is configured"};
    }
    return start(broker);
  }
};

}  // namespace sluice::sdk
