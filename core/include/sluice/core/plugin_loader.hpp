// The plugin host: opens plugin libraries, checks their descriptors, validates their config
// sections against the option schema they declare, and creates plugin objects.
//
// Every refusal is one line naming the file, what was expected and what was found:
//   plugin /x/sluice-storage-bad.so: ABI version mismatch: expected 1, found 99
//   plugin /x/y.so: kind mismatch: expected storage, found protocol
// Errors are values; Boost.DLL exceptions are caught here and never escape.
//
// Lifetime: a LoadedPlugin owns the open library. Every object created from it (a store, a front
// end) holds a std::shared_ptr<LoadedPlugin> in its deleter, so the library stays loaded while any
// object it made lives, whatever order the host drops its references in.
//
// Threads: every function here may be called from any thread; a LoadedPlugin is immutable.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/config.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/plugin.hpp"
#include "sluice/sdk/protocol.hpp"
#include "sluice/sdk/result.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::core {

// What discovery reports about one plugin that passed every check.
struct PluginInfo {
  std::filesystem::path file;
  sdk::PluginKind kind;
  std::string name;
  std::string version;
  std::string status;
  std::string description;
};

// An open plugin library whose descriptor passed every check.
class LoadedPlugin {
 public:
  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  // Valid while this object lives (it points into the library).
  const sdk::PluginDescriptor& descriptor() const { return *descriptor_; }
  const std::filesystem::path& file() const { return file_; }
  std::span<const sdk::OptionSpec> options() const;
  PluginInfo info() const;

  struct Library;  // the Boost.DLL handle, kept out of this header

 private:
  friend sdk::Result<std::shared_ptr<LoadedPlugin>> load_plugin(
      const std::filesystem::path& file, std::optional<sdk::PluginKind> expected_kind);
  LoadedPlugin(std::unique_ptr<Library> library, const sdk::PluginDescriptor* descriptor,
               std::filesystem::path file);

  std::unique_ptr<Library> library_;
  const sdk::PluginDescriptor* descriptor_;
  std::filesystem::path file_;
};

// Opens `file`, reads its descriptor and checks, in this order: ABI version (nothing else is read
// on a mismatch), SDK version, kind (against `expected_kind` when given), build fingerprint
// (compiler, standard library, Boost, Protobuf; against the host's own SLUICE_BUILD_FINGERPRINT),
// name (non-empty), and that the factory for its kind is set.
sdk::Result<std::shared_ptr<LoadedPlugin>> load_plugin(
    const std::filesystem::path& file, std::optional<sdk::PluginKind> expected_kind);

// Files named sluice-*.so directly inside `folders` (not recursive), sorted by file name within
// each folder, folders in the given order. Missing folders are skipped.
std::vector<std::filesystem::path> plugin_files(const std::vector<std::filesystem::path>& folders);

// Loads every file plugin_files() finds (no expected kind) and reports each: its info, or the
// one-line refusal. A folder that exists but cannot be read yields one error entry.
std::vector<sdk::Result<PluginInfo>> discover_plugins(
    const std::vector<std::filesystem::path>& folders);

// The first `sluice-<kind>-<name>.so` in `folders`, or kNotFound naming the folders searched.
sdk::Result<std::filesystem::path> find_plugin_file(
    const std::vector<std::filesystem::path>& folders, sdk::PluginKind kind, std::string_view name);

// The folder of the running executable: the default plugin folder.
std::filesystem::path default_plugin_dir();

// Reads `file` as the plugin's whole config section (a TOML document whose top-level keys are the
// plugin's options), validates it against the plugin's schema and fills defaults. A missing file
// means an empty section: all defaults. Errors: "<file>:<line>: <key>: <reason>".
sdk::Result<sdk::PluginConfig> plugin_config_from_toml_file(const LoadedPlugin& plugin,
                                                            const std::filesystem::path& file);

// Creates a plugin object through the descriptor's factory. The config, logger and instance name
// are kept alive (with the library) for as long as the returned object lives, since the plugin
// may keep references to its PluginContext. kUnsupportedOperation if the plugin is of another
// kind; the factory's own error otherwise.
sdk::Result<std::shared_ptr<sdk::QueueStore>> create_store(std::shared_ptr<LoadedPlugin> plugin,
                                                           const sdk::PluginConfig& config,
                                                           std::shared_ptr<sdk::Logger> logger,
                                                           std::string_view instance_name);
sdk::Result<std::shared_ptr<sdk::ProtocolFrontEnd>> create_protocol(
    std::shared_ptr<LoadedPlugin> plugin, const sdk::PluginConfig& config,
    std::shared_ptr<sdk::Logger> logger, std::string_view instance_name);
sdk::Result<std::shared_ptr<sdk::Authenticator>> create_authenticator(
    std::shared_ptr<LoadedPlugin> plugin, const sdk::PluginConfig& config,
    std::shared_ptr<sdk::Logger> logger, std::string_view instance_name);
sdk::Result<std::shared_ptr<sdk::PayloadCipher>> create_cipher(std::shared_ptr<LoadedPlugin> plugin,
                                                               const sdk::PluginConfig& config,
                                                               std::shared_ptr<sdk::Logger> logger,
                                                               std::string_view instance_name);

}  // namespace sluice::core
