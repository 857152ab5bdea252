#include "daemon_plugins.hpp"

#include <algorithm>
#include <string_view>

namespace sluice::sluiced {
namespace {

sdk::Error config_line(const core::SluiceConfig& config, std::uint32_t line, std::string_view key,
                       const std::string& reason) {
  return sdk::make_error(
      sdk::ErrorCode::kInvalidParameterValue,
      config.file.string() + ":" + std::to_string(line) + ": " + std::string(key) + ": " + reason);
}

// Loads `<kind> <section.name>` and validates its section. `selector_line` and `selector_key`
// name the config entry that asked for the plugin, for a "not found" error.
sdk::Result<PreparedPlugin> prepare(const core::SluiceConfig& config, sdk::PluginKind kind,
                                    const core::PluginSection& section, std::uint32_t selector_line,
                                    std::string_view selector_key) {
  const auto dirs = effective_plugin_dirs(config);
  auto file = core::find_plugin_file(dirs, kind, section.name);
  if (!file.ok()) return config_line(config, selector_line, selector_key, file.error().message);

  auto plugin = core::load_plugin(*file, kind);
  if (!plugin.ok()) return plugin.error();
  const std::string found_name = (*plugin)->descriptor().name;
  if (found_name != section.name) {
    return sdk::make_error(sdk::ErrorCode::kUnsupportedOperation,
                           "plugin " + file->string() + ": name mismatch: expected " +
                               section.name + ", found " + found_name);
  }
  auto plugin_config = core::validate_plugin_options((*plugin)->options(), section, config.file);
  if (!plugin_config.ok()) return plugin_config.error();
  return PreparedPlugin{std::move(plugin).value(), std::move(plugin_config).value(),
                        section.dotted_path};
}

}  // namespace

std::vector<std::filesystem::path> effective_plugin_dirs(const core::SluiceConfig& config) {
  if (!config.host.plugin_dirs.empty()) return config.host.plugin_dirs;
  return {core::default_plugin_dir()};
}

sdk::Result<PreparedPlugins> prepare_plugins(const core::SluiceConfig& config) {
  PreparedPlugins prepared;
  const std::uint32_t storage_line = std::max<std::uint32_t>(config.storage_line, 1);
  auto storage = prepare(config, sdk::PluginKind::kStorage, config.selected_storage_section(),
                         storage_line, "storage.plugin");
  if (!storage.ok()) return storage.error();
  prepared.storage = std::move(storage).value();

  for (const auto& protocol : config.protocols) {
    if (!protocol.enabled) continue;
    auto front_end = prepare(config, sdk::PluginKind::kProtocol, protocol.section,
                             protocol.section.line, protocol.section.dotted_path);
    if (!front_end.ok()) return front_end.error();
    prepared.protocols.push_back(std::move(front_end).value());
  }

  if (!config.encryption.empty()) {
    auto encryption =
        prepare(config, sdk::PluginKind::kEncryption, config.selected_encryption_section(),
                std::max<std::uint32_t>(config.encryption_line, 1), "encryption.plugin");
    if (!encryption.ok()) return encryption.error();
    prepared.encryption = std::move(encryption).value();
  }

  if (!config.auth.empty()) {
    auto auth = prepare(config, sdk::PluginKind::kAuth, config.selected_auth_section(),
                        std::max<std::uint32_t>(config.auth_line, 1), "auth.plugin");
    if (!auth.ok()) return auth.error();
    prepared.auth = std::move(auth).value();
  }
  return prepared;
}

}  // namespace sluice::sluiced
