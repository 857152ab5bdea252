// sluiced: the Sluice daemon. See docs/operations.md for the config keys, the command line, the
// signals and the log format.
//
// Exit codes: 0 success (or a clean shutdown), 1 a failure while running (a store that cannot
// open, a front end that cannot bind), 2 a bad command line, config, plugin or master key.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "daemon_auth.hpp"
#include "daemon_plugins.hpp"
#include "daemon_run.hpp"
#include "malloc_tuning.hpp"
#include "sluice/core/config.hpp"
#include "sluice/core/plugin_loader.hpp"
#include "sluice/core/spdlog_logger.hpp"
#include "sluice/sdk/plugin.hpp"

namespace {

namespace core = sluice::core;
namespace sdk = sluice::sdk;

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 2;
constexpr const char* kDefaultConfig = "conf/sluice.toml";

std::string fingerprint_text(const sdk::BuildFingerprint& f) {
  return std::string(f.compiler) + ", " + f.standard_library + ", Boost " +
         std::to_string(f.boost_version / 100000) + "." +
         std::to_string(f.boost_version / 100 % 1000) + "." +
         std::to_string(f.boost_version % 100) + ", Protobuf " +
         std::to_string(f.protobuf_version / 1000000) + "." +
         std::to_string(f.protobuf_version / 1000 % 1000) + "." +
         std::to_string(f.protobuf_version % 1000);
}

int print_version() {
  std::cout << "sluiced " << SLUICE_VERSION << "\n"
            << "SDK " << sdk::kSdkVersion << "\n"
            << "plugin ABI " << sdk::kAbiVersion << "\n"
            << "built with " << fingerprint_text(SLUICE_BUILD_FINGERPRINT) << "\n";
  return kExitOk;
}

// One line per plugin file: kind, name, version, status, file; a refused file prints its
// refusal line instead. Refusals do not change the exit code: listing is informational.
int list_plugins(const core::SluiceConfig& config) {
  const auto dirs = sluice::sluiced::effective_plugin_dirs(config);
  const auto found = core::discover_plugins(dirs);
  for (const auto& entry : found) {
    if (!entry.ok()) {
      std::cout << "refused  " << entry.error().message << "\n";
      continue;
    }
    std::cout << std::left << std::setw(10) << sdk::plugin_kind_name(entry->kind) << " "
              << std::setw(12) << entry->name << " " << std::setw(8) << entry->version << " "
              << std::setw(13) << entry->status << " " << entry->file.string() << "\n";
  }
  if (found.empty()) {
    std::string folders;
    for (const auto& dir : dirs) folders += (folders.empty() ? "" : ", ") + dir.string();
    std::cout << "no plugins (sluice-*.so) found in " << folders << "\n";
  }
  return kExitOk;
}

int fail(const std::string& line) {
  std::cerr << line << "\n";
  return kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists, so every thread inherits the mask (see daemon_run.hpp).
  sluice::sluiced::block_shutdown_signals();
  sluice::sluiced::tune_malloc();

  CLI::App app{"sluiced: the Sluice message broker daemon", "sluiced"};
  std::string config_file = kDefaultConfig;
  bool check_config = false;
  bool show_version = false;
  bool show_plugins = false;
  app.add_option("-c,--config", config_file,
                 "config file (TOML); default: conf/sluice.toml relative to the current folder");
  app.add_flag("--check-config", check_config,
               "check the config and its plugins, print \"config OK\" and exit");
  app.add_flag("--version", show_version, "print the sluiced, SDK and plugin ABI versions");
  app.add_flag("--list-plugins", show_plugins,
               "list the plugins found in the plugin folders (kind, name, version, status, file)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }

  try {
    if (show_version) return print_version();

    auto config = core::load_config(config_file);
    if (!config.ok()) return fail(config.error().message);
    if (show_plugins) return list_plugins(*config);

    auto plugins = sluice::sluiced::prepare_plugins(*config);
    if (!plugins.ok()) return fail(plugins.error().message);
    if (auto exposed = sluice::sluiced::check_anonymous_exposure(*config, *plugins);
        !exposed.ok()) {
      return fail(exposed.error().message);
    }
    if (check_config && plugins->auth) {
      // The users file is part of the config: read it now, as start-up would.
      auto logger = core::make_stderr_logger("sluiced", sdk::LogLevel::kWarn);
      auto auth = sluice::sluiced::create_authenticator(*plugins, *logger);
      if (!auth.ok()) return fail(auth.error().message);
    }
    if (check_config) {
      std::cout << "config OK\n";
      return kExitOk;
    }

    auto logger = core::make_stderr_logger("sluiced", config->host.log_level);
    logger->info(std::string("sluiced ") + SLUICE_VERSION + " starting with config " +
                 std::filesystem::absolute(config_file).string());
    return sluice::sluiced::run_daemon(*config, std::move(plugins).value(), logger);
  } catch (const std::exception& e) {
    std::cerr << "sluiced: fatal: " << e.what() << "\n";
    return 1;
  }
}
