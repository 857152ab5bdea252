// Protocol front ends turn bytes on a wire into BrokerApi calls and results back into bytes. They
// hold only connection state.
#pragma once

#include "sluice/sdk/broker_api.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::sdk {

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
};

}  // namespace sluice::sdk
