// Protocol front ends turn bytes on a wire into BrokerApi calls and results back into bytes. They
// hold only connection state.
#pragma once

#include "sluice/sdk/broker_api.hpp"
#include "sluice/sdk/result.hpp"

namespace boost::asio {
class io_context;
}

namespace sluice::sdk {

class ProtocolFrontEnd {
 public:
  virtual ~ProtocolFrontEnd() = default;
  // Binds its listeners and starts serving on `io` (which the host runs on its I/O threads).
  // A bind failure is returned, not thrown. `broker` outlives the front end.
  virtual Status start(boost::asio::io_context& io, BrokerApi& broker) = 0;
  // Graceful: stop accepting, let in-flight requests finish, then close. Called from a host
  // thread that is not an I/O thread; returns when connections are closed.
  virtual void stop() = 0;
};

}  // namespace sluice::sdk
