// The daemon's side of authentication: the secure-default check at start-up, creating the auth
// plugin's authenticator, and reloading it on SIGHUP. See docs/security.md.
#pragma once

#include <memory>

#include "daemon_plugins.hpp"
#include "sluice/core/config.hpp"
#include "sluice/core/spdlog_logger.hpp"
#include "sluice/sdk/auth.hpp"
#include "sluice/sdk/protocol.hpp"

namespace sluice::sluiced {

// Refuses (one line, for exit code 2) a front end listening beyond loopback while no auth plugin
// is configured, unless [broker] allow_anonymous = true (core/anonymous_access.hpp).
sdk::Status check_anonymous_exposure(const core::SluiceConfig& config,
                                     const PreparedPlugins& plugins);

// The auth plugin's authenticator (it reads its users file now, so a bad file is reported at
// start-up), or null without an [auth] section. Errors are one line.
sdk::Result<std::shared_ptr<sdk::Authenticator>> create_authenticator(
    const PreparedPlugins& plugins, core::SpdlogLogger& logger);

// What front ends get from the host: the authenticator and its authorizer (both may be null).
sdk::HostServices host_services(sdk::Authenticator* authenticator);

// SIGHUP: re-reads the auth plugin's users without dropping connections; logs the outcome.
void reload_authenticator(sdk::Authenticator* authenticator, sdk::Logger& log);

}  // namespace sluice::sluiced
