#include "daemon_auth.hpp"

#include <vector>

#include "sluice/core/anonymous_access.hpp"
#include "sluice/core/plugin_loader.hpp"

namespace sluice::sluiced {

sdk::Status check_anonymous_exposure(const core::SluiceConfig& config,
                                     const PreparedPlugins& plugins) {
  std::vector<core::FrontEndListen> front_ends;
  for (const auto& prepared : plugins.protocols) {
    for (const auto& protocol : config.protocols) {
      if (protocol.section.dotted_path == prepared.instance_name) {
        front_ends.push_back({protocol.section, prepared.config});
      }
    }
  }
  return core::check_anonymous_exposure(config, plugins.auth.has_value(), front_ends);
}

sdk::Result<std::shared_ptr<sdk::Authenticator>> create_authenticator(
    const PreparedPlugins& plugins, core::SpdlogLogger& logger) {
  if (!plugins.auth) return std::shared_ptr<sdk::Authenticator>();
  const PreparedPlugin& auth = *plugins.auth;
  auto authenticator = core::create_authenticator(
      auth.plugin, auth.config, logger.for_component(auth.instance_name), auth.instance_name);
  if (!authenticator.ok()) return authenticator.error();
  logger.info("auth plugin " + std::string(auth.plugin->descriptor().name) + " " +
              auth.plugin->info().version + " (" + auth.plugin->info().status + ") from " +
              auth.plugin->file().string() + ": every request must be authenticated");
  return std::move(authenticator).value();
}

sdk::HostServices host_services(sdk::Authenticator* authenticator) {
  sdk::HostServices services;
  services.authenticator = authenticator;
  services.authorizer = authenticator != nullptr ? authenticator->authorizer() : nullptr;
  return services;
}

void reload_authenticator(sdk::Authenticator* authenticator, sdk::Logger& log) {
  if (authenticator == nullptr) {
    log.warn(
        "SIGHUP ignored: there is no auth plugin to reload, and the rest of the "
        "configuration is read at start-up only; restart sluiced to apply a changed config");
    return;
  }
  log.info("SIGHUP: reloading the auth plugin's users (connections stay open)");
  if (auto status = authenticator->reload(); !status.ok()) {
    log.error("auth reload failed: " + status.error().message);
  }
}

}  // namespace sluice::sluiced
