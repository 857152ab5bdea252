// The daemon's configuration: sluice.toml, parsed and checked before anything starts.
//
//   [broker]                       core::BrokerOptions and the host's own settings
//   [storage]  plugin = "memory"   which storage plugin, by name
//   [storage.<name>]               the storage plugin's section (checked against its schema)
//   [protocol.<name>]              enabled = true/false plus the front end's own keys
//   [encryption] plugin = "local"  optional: encryption at rest (docs/security.md)
//   [encryption.<name>]            the encryption plugin's section
//   [auth] plugin = "local"        optional: authentication and authorization (docs/security.md)
//   [auth.<name>]                  the auth plugin's section
//
// (The selector is `plugin` inside [storage], not a top-level `storage = "..."`: TOML cannot
// have both a key `storage` and tables [storage.<name>].)
//
// Every error is one line, "<file>:<line>: <dotted.key>: <reason>", TOML syntax errors included,
// so an operator sees exactly what to fix. Plugin sections cannot be checked until their plugin is
// loaded (the schema lives in the plugin), so they are kept as raw values with their source lines
// and checked later by validate_plugin_options().
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/core/broker_options.hpp"
#include "sluice/sdk/config.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::core {

// One key of a plugin section as written, before the plugin's schema is known.
struct RawOption {
  std::string key;
  std::uint32_t line = 0;
  // The TOML type as written: "boolean", "integer", "float", "string", "array", "table",
  // "date", "time" or "date-time".
  std::string toml_type;
  // Set when the value is a boolean, integer, float, string, or an array of strings only
  // (an empty array counts as a list of strings).
  std::optional<sdk::OptionValue> value;
};

// A plugin's section: [storage.<name>] or [protocol.<name>].
struct PluginSection {
  std::string name;         // "memory", "sqs"
  std::string dotted_path;  // "storage.memory"; empty for a file that is a whole section
  std::uint32_t line = 0;   // where the section starts; where it would be reported if missing
  std::vector<RawOption> options;  // host keys such as `enabled` already removed
};

struct ProtocolConfig {
  PluginSection section;
  bool enabled = false;
};

// Settings of the host process, from the [broker] section next to the BrokerOptions fields.
struct HostOptions {
  // Absolute folders to search for plugins, in order. Empty: the folder of the sluiced binary.
  std::vector<std::filesystem::path> plugin_dirs;
  sdk::LogLevel log_level = sdk::LogLevel::kInfo;
  // Without an auth plugin sluiced serves loopback only; true lets anonymous front ends listen
  // on other addresses too (see anonymous_access.hpp).
  bool allow_anonymous = false;
};

struct SluiceConfig {
  std::filesystem::path file;      // as given; used in every error line
  std::string storage = "memory";  // [storage] plugin
  std::uint32_t storage_line = 0;  // line of `plugin = ...` (0 if defaulted)
  BrokerOptions broker;
  HostOptions host;
  std::vector<PluginSection> storage_sections;  // every [storage.<name>], in file order
  std::vector<ProtocolConfig> protocols;        // every [protocol.<name>], in file order
  // [encryption] plugin; empty when there is no [encryption] section: no encryption at rest.
  std::string encryption;
  std::uint32_t encryption_line = 0;               // line of `plugin = ...`
  std::vector<PluginSection> encryption_sections;  // every [encryption.<name>], in file order

  // [auth] plugin; empty when there is no [auth] section: every client is anonymous.
  std::string auth;
  std::uint32_t auth_line = 0;               // line of `plugin = ...`
  std::vector<PluginSection> auth_sections;  // every [auth.<name>], in file order

  // The section of the selected storage plugin; an empty section (all defaults) if absent.
  PluginSection selected_storage_section() const;
  // The same for the selected auth plugin (meaningful only when `auth` is set).
  PluginSection selected_auth_section() const;
  // The same for the selected encryption plugin (meaningful only when `encryption` is set).
  PluginSection selected_encryption_section() const;
};

// Reads and checks `file`. kNotFound if it cannot be read; kInvalidParameterValue with the
// one-line message for anything else.
sdk::Result<SluiceConfig> load_config(const std::filesystem::path& file);

// The same from text already in memory; `file` is used for messages and to resolve relative
// plugin_dirs (against its folder).
sdk::Result<SluiceConfig> parse_config(std::string_view text, const std::filesystem::path& file);

// Checks a plugin section against the plugin's option schema: unknown key, wrong type,
// out-of-range integer, missing required key -> kInvalidParameterValue
// "<file>:<line>: <dotted.key>: <reason>". Fills every absent key from its default (the schema's
// TOML literal); a malformed default is reported as the plugin's fault.
sdk::Result<sdk::PluginConfig> validate_plugin_options(std::span<const sdk::OptionSpec> schema,
                                                       const PluginSection& section,
                                                       const std::filesystem::path& file);

// Parses a whole TOML file as one plugin section (top-level keys are the options). A missing file
// is an empty section.
sdk::Result<PluginSection> read_plugin_section_file(const std::filesystem::path& file);

// "trace", "debug", "info", "warn", "error".
std::optional<sdk::LogLevel> parse_log_level(std::string_view text);
std::string_view log_level_name(sdk::LogLevel level);

}  // namespace sluice::core
