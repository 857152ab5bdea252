// Turning a checked SluiceConfig into loaded, checked plugins with validated configs: the part of
// start-up that --check-config runs too. Nothing is created here (no store is opened, no port is
// bound); that is daemon_run's job.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/core/config.hpp"
#include "sluice/core/plugin_loader.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::sluiced {

struct PreparedPlugin {
  std::shared_ptr<core::LoadedPlugin> plugin;
  sdk::PluginConfig config;
  std::string instance_name;  // "storage.memory", "protocol.sqs": the component in log lines
};

struct PreparedPlugins {
  PreparedPlugin storage;
  std::vector<PreparedPlugin> protocols;     // the enabled ones, in file order
  std::optional<PreparedPlugin> encryption;  // set when [encryption] selects a plugin
  std::optional<PreparedPlugin> auth;        // set when [auth] selects a plugin
};

// The folders to search: the config's plugin_dirs, or the folder of this binary.
std::vector<std::filesystem::path> effective_plugin_dirs(const core::SluiceConfig& config);

// Finds, loads and checks the selected storage plugin, every enabled front end and the encryption
// plugin if one is selected, and validates their sections. Errors are one line: a config problem
// as "<file>:<line>: <key>: <reason>", a refused plugin as the loader's "plugin <file>: ..." line.
sdk::Result<PreparedPlugins> prepare_plugins(const core::SluiceConfig& config);

}  // namespace sluice::sluiced
