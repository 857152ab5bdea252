// Running the daemon: open the store, start the broker, run the front ends on an asio io_context,
// wait for SIGTERM/SIGINT, then shut down in the reverse order.
#pragma once

#include <memory>

#include "daemon_plugins.hpp"
#include "sluice/core/config.hpp"
#include "sluice/core/spdlog_logger.hpp"

namespace sluice::sluiced {

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (restoring the default action of SIGINT
// and SIGTERM if the parent ignored them) and ignores SIGPIPE. Call first in
// main(), before any thread exists, so every thread inherits the mask and only run_daemon's
// sigwait() sees those signals.
void block_shutdown_signals();

// Runs until SIGTERM or SIGINT, then shuts down gracefully: front ends stop accepting and finish
// in-flight requests, the broker stops, the I/O threads end, the store is released. Returns the
// process exit code: 0 after a clean shutdown, 1 if something failed to start, 2 if the encryption
// plugin's master key is missing or is not the one the store's data keys need, or the auth
// plugin's users file cannot be read. SIGHUP reloads the auth plugin's users.
int run_daemon(const core::SluiceConfig& config, PreparedPlugins plugins,
               std::shared_ptr<core::SpdlogLogger> logger);

}  // namespace sluice::sluiced
