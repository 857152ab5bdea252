// Creating plugin objects. Each object is returned as a shared_ptr whose deleter owns everything
// the plugin may still reference: the library (through the LoadedPlugin), its validated config,
// its logger and its instance name (the PluginContext it was created with). The deleter destroys
// the object first and only then lets go of those, so the library is never unloaded under a live
// object.
#include <exception>
#include <string>
#include <utility>

#include "sluice/core/config.hpp"
#include "sluice/core/plugin_loader.hpp"

namespace sluice::core {
namespace {

// Stands in when the caller passes no logger, so a plugin can always log.
class DiscardingLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel, std::string_view) override {}
  bool enabled(sdk::LogLevel) const override { return false; }
};

// What a plugin object may reference for its whole life. Never moved: the context refers to the
// other members.
struct ObjectKeepAlive {
  ObjectKeepAlive(std::shared_ptr<LoadedPlugin> p, sdk::PluginConfig c,
                  std::shared_ptr<sdk::Logger> l, std::string_view n)
      : plugin(std::move(p)),
        config(std::move(c)),
        logger(l ? std::move(l) : std::make_shared<DiscardingLogger>()),
        instance_name(n),
        context{config, *logger, instance_name} {}
  ObjectKeepAlive(const ObjectKeepAlive&) = delete;
  ObjectKeepAlive& operator=(const ObjectKeepAlive&) = delete;

  std::shared_ptr<LoadedPlugin> plugin;
  sdk::PluginConfig config;
  std::shared_ptr<sdk::Logger> logger;
  std::string instance_name;
  sdk::PluginContext context;
};

template <typename Object>
using Factory = sdk::Result<std::unique_ptr<Object>> (*)(const sdk::PluginContext&);

template <typename Object>
sdk::Result<std::shared_ptr<Object>> create_object(std::shared_ptr<LoadedPlugin> plugin,
                                                   sdk::PluginKind kind,
                                                   Factory<Object> sdk::PluginDescriptor::*factory,
                                                   const sdk::PluginConfig& config,
                                                   std::shared_ptr<sdk::Logger> logger,
                                                   std::string_view instance_name) {
  if (!plugin) {
    return sdk::make_error(sdk::ErrorCode::kInternal, "create plugin object: no plugin given");
  }
  const std::string prefix = "plugin " + plugin->file().string() + ": ";
  const sdk::PluginDescriptor& descriptor = plugin->descriptor();
  if (descriptor.kind != kind) {
    return sdk::make_error(sdk::ErrorCode::kUnsupportedOperation,
                           prefix + "kind mismatch: expected " +
                               std::string(sdk::plugin_kind_name(kind)) + ", found " +
                               std::string(sdk::plugin_kind_name(descriptor.kind)));
  }
  Factory<Object> make = descriptor.*factory;
  if (make == nullptr) {
    return sdk::make_error(sdk::ErrorCode::kUnsupportedOperation,
                           prefix + "missing factory: expected a factory, found null");
  }
  auto keep_alive =
      std::make_shared<ObjectKeepAlive>(plugin, config, std::move(logger), instance_name);
  std::unique_ptr<Object> object;
  try {
    auto made = make(keep_alive->context);
    if (!made.ok()) {
      const sdk::Error& error = made.error();
      return sdk::make_error(error.code, prefix + "cannot create \"" + std::string(instance_name) +
                                             "\": " + error.message);
    }
    object = std::move(made).value();
  } catch (const std::exception& e) {
    // A plugin must not throw; if one does anyway, it is stopped here, at the edge.
    return sdk::make_error(sdk::ErrorCode::kInternal, prefix + "factory threw: " + e.what());
  } catch (...) {
    return sdk::make_error(sdk::ErrorCode::kInternal, prefix + "factory threw");
  }
  if (!object) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           prefix + "factory returned no object and no error");
  }
  return std::shared_ptr<Object>(
      object.release(), [keep = std::move(keep_alive)](Object* p) mutable {
        delete p;
        keep.reset();  // may unload the library: only after the object is gone
      });
}

}  // namespace

sdk::Result<std::shared_ptr<sdk::QueueStore>> create_store(std::shared_ptr<LoadedPlugin> plugin,
                                                           const sdk::PluginConfig& config,
                                                           std::shared_ptr<sdk::Logger> logger,
                                                           std::string_view instance_name) {
  return create_object<sdk::QueueStore>(std::move(plugin), sdk::PluginKind::kStorage,
                                        &sdk::PluginDescriptor::create_storage, config,
                                        std::move(logger), instance_name);
}

sdk::Result<std::shared_ptr<sdk::ProtocolFrontEnd>> create_protocol(
    std::shared_ptr<LoadedPlugin> plugin, const sdk::PluginConfig& config,
    std::shared_ptr<sdk::Logger> logger, std::string_view instance_name) {
  return create_object<sdk::ProtocolFrontEnd>(std::move(plugin), sdk::PluginKind::kProtocol,
                                              &sdk::PluginDescriptor::create_protocol, config,
                                              std::move(logger), instance_name);
}

sdk::Result<std::shared_ptr<sdk::Authenticator>> create_authenticator(
    std::shared_ptr<LoadedPlugin> plugin, const sdk::PluginConfig& config,
    std::shared_ptr<sdk::Logger> logger, std::string_view instance_name) {
  return create_object<sdk::Authenticator>(std::move(plugin), sdk::PluginKind::kAuth,
                                           &sdk::PluginDescriptor::create_authenticator, config,
                                           std::move(logger), instance_name);
}

sdk::Result<std::shared_ptr<sdk::PayloadCipher>> create_cipher(std::shared_ptr<LoadedPlugin> plugin,
                                                               const sdk::PluginConfig& config,
                                                               std::shared_ptr<sdk::Logger> logger,
                                                               std::string_view instance_name) {
  return create_object<sdk::PayloadCipher>(std::move(plugin), sdk::PluginKind::kEncryption,
                                           &sdk::PluginDescriptor::create_cipher, config,
                                           std::move(logger), instance_name);
}

sdk::Result<sdk::PluginConfig> plugin_config_from_toml_file(const LoadedPlugin& plugin,
                                                            const std::filesystem::path& file) {
  auto section = read_plugin_section_file(file);
  if (!section.ok()) return section.error();
  return validate_plugin_options(plugin.options(), *section, file);
}

}  // namespace sluice::core
