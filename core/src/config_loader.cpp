// Loading sluice.toml: the top level, [broker], [storage] and [protocol.*]. Plugin sections are
// kept raw (with source lines) until their plugin is loaded; see config_plugin_options.cpp.
#include <algorithm>
#include <functional>
#include <string>

#include "config_toml.hpp"
#include "sluice/core/config.hpp"

namespace sluice::core {
namespace {

using config_detail::config_error;
using config_detail::join_key;
using config_detail::line_of;
using config_detail::toml_type_name;

// Where a value sits, for its error line.
struct At {
  const std::filesystem::path& file;
  std::string key;  // dotted
  std::uint32_t line;

  sdk::Error error(std::string_view reason) const { return config_error(file, line, key, reason); }
  sdk::Error mismatch(std::string_view expected, const toml::node& node) const {
    return error("expected " + std::string(expected) + ", found " +
                 std::string(toml_type_name(node)));
  }
};

sdk::Result<std::int64_t> read_int(const At& at, const toml::node& node, std::int64_t min,
                                   std::int64_t max) {
  auto value = node.value_exact<std::int64_t>();
  if (!value) return at.mismatch("integer", node);
  if (*value < min || *value > max) {
    return at.error("out of range: expected " + std::to_string(min) + ".." + std::to_string(max) +
                    ", found " + std::to_string(*value));
  }
  return *value;
}

sdk::Result<std::string> read_string(const At& at, const toml::node& node) {
  auto value = node.value_exact<std::string>();
  if (!value) return at.mismatch("string", node);
  return *value;
}

bool is_plugin_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

// One key of [broker]: reads the node into the config or says why it cannot.
using BrokerKey = std::function<sdk::Status(const At&, const toml::node&, SluiceConfig&)>;

BrokerKey millis_key(sdk::Millis BrokerOptions::*field, std::int64_t min, std::int64_t max) {
  return [=](const At& at, const toml::node& node, SluiceConfig& config) -> sdk::Status {
    auto value = read_int(at, node, min, max);
    if (!value.ok()) return value.error();
    config.broker.*field = sdk::Millis(*value);
    return {};
  };
}

template <typename Int>
BrokerKey int_key(Int BrokerOptions::*field, std::int64_t min, std::int64_t max) {
  return [=](const At& at, const toml::node& node, SluiceConfig& config) -> sdk::Status {
    auto value = read_int(at, node, min, max);
    if (!value.ok()) return value.error();
    config.broker.*field = static_cast<Int>(*value);
    return {};
  };
}

sdk::Status read_region(const At& at, const toml::node& node, SluiceConfig& config) {
  auto value = read_string(at, node);
  if (!value.ok()) return value.error();
  bool ok = !value->empty();
  for (char c : *value) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (!ok)
    return at.error("expected a region name such as \"us-east-1\", found \"" + *value + "\"");
  config.broker.region = *value;
  return {};
}

sdk::Status read_account_id(const At& at, const toml::node& node, SluiceConfig& config) {
  auto value = read_string(at, node);
  if (!value.ok()) return value.error();
  bool ok = value->size() == 12;
  for (char c : *value) ok = ok && c >= '0' && c <= '9';
  if (!ok) return at.error("expected 12 digits, found \"" + *value + "\"");
  config.broker.account_id = *value;
  return {};
}

sdk::Status read_receipt_secret(const At& at, const toml::node& node, SluiceConfig& config) {
  constexpr std::size_t kMinSecret = 16;
  auto value = read_string(at, node);
  if (!value.ok()) return value.error();
  if (!value->empty() && value->size() < kMinSecret) {
    return at.error("too short: expected at least " + std::to_string(kMinSecret) +
                    " characters (or empty for a random per-process key), found " +
                    std::to_string(value->size()));
  }
  config.broker.receipt_secret = *value;
  return {};
}

sdk::Status read_plugin_dirs(const At& at, const toml::node& node, SluiceConfig& config) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return at.mismatch("array of strings", node);
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::absolute(at.file, ec).parent_path();
  std::vector<std::filesystem::path> dirs;
  for (const auto& element : *array) {
    auto text = element.value_exact<std::string>();
    if (!text)
      return at.error("expected array of strings, found an element of type " +
                      std::string(toml_type_name(element)));
    if (text->empty()) return at.error("expected folder names, found an empty string");
    std::filesystem::path dir(*text);
    dirs.push_back(dir.is_absolute() ? dir.lexically_normal() : (base / dir).lexically_normal());
  }
  config.host.plugin_dirs = std::move(dirs);
  return {};
}

sdk::Status read_allow_anonymous(const At& at, const toml::node& node, SluiceConfig& config) {
  auto value = node.value_exact<bool>();
  if (!value) return at.mismatch("boolean", node);
  config.host.allow_anonymous = *value;
  return {};
}

sdk::Status read_log_level(const At& at, const toml::node& node, SluiceConfig& config) {
  auto value = read_string(at, node);
  if (!value.ok()) return value.error();
  auto level = parse_log_level(*value);
  if (!level) {
    return at.error("expected one of trace, debug, info, warn, error, found \"" + *value + "\"");
  }
  config.host.log_level = *level;
  return {};
}

constexpr std::int64_t kDay = 86'400'000;

const std::vector<std::pair<std::string_view, BrokerKey>>& broker_keys() {
  static const std::vector<std::pair<std::string_view, BrokerKey>> keys = {
      {"region", read_region},
      {"account_id", read_account_id},
      {"storage_threads", int_key(&BrokerOptions::storage_threads, 1, 256)},
      {"receipt_secret", read_receipt_secret},
      {"in_flight_limit", int_key(&BrokerOptions::in_flight_limit, 1, 1'000'000'000)},
      {"sweep_interval_ms", millis_key(&BrokerOptions::sweep_interval, 100, kDay)},
      {"long_poll_recheck_ms", millis_key(&BrokerOptions::long_poll_recheck, 10, 60'000)},
      {"max_append_batch", int_key(&BrokerOptions::max_append_batch, 1, 100'000)},
      {"queue_recreate_delay_ms", millis_key(&BrokerOptions::queue_recreate_delay, 0, kDay)},
      {"purge_interval_ms", millis_key(&BrokerOptions::purge_interval, 0, kDay)},
      {"dedup_window_ms", millis_key(&BrokerOptions::dedup_window, 1000, kDay)},
      {"plugin_dirs", read_plugin_dirs},
      {"log_level", read_log_level},
      {"allow_anonymous", read_allow_anonymous},
  };
  return keys;
}

sdk::Status read_broker(const std::filesystem::path& file, const toml::table& table,
                        SluiceConfig& config) {
  for (const auto& [key, node] : config_detail::entries_in_file_order(table)) {
    const At at{file, join_key("broker", key), line_of(*node)};
    const auto& keys = broker_keys();
    auto it = std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return k.first == key; });
    if (it == keys.end()) return at.error("unknown key");
    if (auto status = it->second(at, *node, config); !status) return status;
  }
  return {};
}

PluginSection plugin_section(std::string_view kind, const std::string& name,
                             const toml::table& table, std::string_view skip_key) {
  PluginSection section;
  section.name = name;
  section.dotted_path = join_key(kind, name);
  section.line = line_of(table);
  for (const auto& [key, node] : config_detail::entries_in_file_order(table)) {
    if (key == skip_key) continue;
    section.options.push_back(config_detail::raw_option(key, *node));
  }
  return section;
}

sdk::Status read_storage(const std::filesystem::path& file, const toml::table& table,
                         SluiceConfig& config) {
  for (const auto& [key, node] : config_detail::entries_in_file_order(table)) {
    const At at{file, join_key("storage", key), line_of(*node)};
    if (key == "plugin") {
      auto name = read_string(at, *node);
      if (!name.ok()) return name.error();
      if (!is_plugin_name(*name)) {
        return at.error("expected a plugin name (lower-case letters, digits, '-', '_'), found \"" +
                        *name + "\"");
      }
      config.storage = *name;
      config.storage_line = at.line;
    } else if (const toml::table* section = node->as_table()) {
      if (!is_plugin_name(key)) return at.error("not a plugin name");
      config.storage_sections.push_back(plugin_section("storage", key, *section, ""));
    } else {
      return at.error("unknown key (expected `plugin` or a [storage.<name>] section)");
    }
  }
  return {};
}

// [encryption]: like [storage], but optional, and a section without `plugin` is an error rather
// than a silent "no encryption".
sdk::Status read_encryption(const std::filesystem::path& file, const toml::table& table,
                            SluiceConfig& config) {
  for (const auto& [key, node] : config_detail::entries_in_file_order(table)) {
    const At at{file, join_key("encryption", key), line_of(*node)};
    if (key == "plugin") {
      auto name = read_string(at, *node);
      if (!name.ok()) return name.error();
      if (!is_plugin_name(*name)) {
        return at.error("expected a plugin name (lower-case letters, digits, '-', '_'), found \"" +
                        *name + "\"");
      }
      config.encryption = *name;
      config.encryption_line = at.line;
    } else if (const toml::table* section = node->as_table()) {
      if (!is_plugin_name(key)) return at.error("not a plugin name");
      config.encryption_sections.push_back(plugin_section("encryption", key, *section, ""));
    } else {
      return at.error("unknown key (expected `plugin` or an [encryption.<name>] section)");
    }
  }
  if (config.encryption.empty()) {
    return config_error(file, line_of(table), "encryption.plugin",
                        "missing: name the encryption plugin (plugin = \"local\"), or remove the "
                        "[encryption] section to store messages unencrypted");
  }
  return {};
}

// [auth]: like [encryption], optional, and a section without `plugin` is an error rather than a
// silent "no authentication".
sdk::Status read_auth(const std::filesystem::path& file, const toml::table& table,
                      SluiceConfig& config) {
  for (const auto& [key, node] : config_detail::entries_in_file_order(table)) {
    const At at{file, join_key("auth", key), line_of(*node)};
    if (key == "plugin") {
      auto name = read_string(at, *node);
      if (!name.ok()) return name.error();
      if (!is_plugin_name(*name)) {
        return at.error("expected a plugin name (lower-case letters, digits, '-', '_'), found \"" +
                        *name + "\"");
      }
      config.auth = *name;
      config.auth_line = at.line;
    } else if (const toml::table* section = node->as_table()) {
      if (!is_plugin_name(key)) return at.error("not a plugin name");
      config.auth_sections.push_back(plugin_section("auth", key, *section, ""));
    } else {
      return at.error("unknown key (expected `plugin` or an [auth.<name>] section)");
    }
  }
  if (config.auth.empty()) {
    return config_error(file, line_of(table), "auth.plugin",
                        "missing: name the auth plugin (plugin = \"local\"), or remove the [auth] "
                        "section to let every client in anonymously");
  }
  return {};
}

sdk::Status read_protocols(const std::filesystem::path& file, const toml::table& table,
                           SluiceConfig& config) {
  for (const auto& [key, node] : config_detail::entries_in_file_order(table)) {
    const At at{file, join_key("protocol", key), line_of(*node)};
    const toml::table* section = node->as_table();
    if (section == nullptr) return at.mismatch("a [protocol.<name>] section", *node);
    if (!is_plugin_name(key)) return at.error("not a plugin name");
    ProtocolConfig protocol;
    protocol.enabled = true;  // a section that exists runs unless it says otherwise
    if (const toml::node* enabled = section->get("enabled")) {
      auto value = enabled->value_exact<bool>();
      const At enabled_at{file, join_key(at.key, "enabled"), line_of(*enabled)};
      if (!value) return enabled_at.mismatch("boolean", *enabled);
      protocol.enabled = *value;
    }
    protocol.section = plugin_section("protocol", key, *section, "enabled");
    config.protocols.push_back(std::move(protocol));
  }
  return {};
}

}  // namespace

PluginSection SluiceConfig::selected_encryption_section() const {
  for (const auto& section : encryption_sections) {
    if (section.name == encryption) return section;
  }
  PluginSection empty;
  empty.name = encryption;
  empty.dotted_path = join_key("encryption", encryption);
  empty.line = std::max<std::uint32_t>(encryption_line, 1);
  return empty;
}

PluginSection SluiceConfig::selected_auth_section() const {
  for (const auto& section : auth_sections) {
    if (section.name == auth) return section;
  }
  PluginSection empty;
  empty.name = auth;
  empty.dotted_path = join_key("auth", auth);
  empty.line = std::max<std::uint32_t>(auth_line, 1);
  return empty;
}

PluginSection SluiceConfig::selected_storage_section() const {
  for (const auto& section : storage_sections) {
    if (section.name == storage) return section;
  }
  PluginSection empty;
  empty.name = storage;
  empty.dotted_path = join_key("storage", storage);
  empty.line = std::max<std::uint32_t>(storage_line, 1);
  return empty;
}

sdk::Result<SluiceConfig> parse_config(std::string_view text, const std::filesystem::path& file) {
  auto document = config_detail::parse_toml(text, file);
  if (!document.ok()) return document.error();

  SluiceConfig config;
  config.file = file;
  for (const auto& [key, node] : config_detail::entries_in_file_order(*document)) {
    const At at{file, key, line_of(*node)};
    const toml::table* table = node->as_table();
    sdk::Status status;
    if (key == "broker" || key == "storage" || key == "protocol" || key == "encryption" ||
        key == "auth") {
      if (table == nullptr) {
        std::string hint =
            key == "storage" || key == "encryption" || key == "auth"
                ? " (select the plugin with [" + std::string(key) + "] plugin = \"...\")"
                : "";
        return at.error("expected a table, found " + std::string(toml_type_name(*node)) + hint);
      }
      if (key == "broker") status = read_broker(file, *table, config);
      if (key == "storage") status = read_storage(file, *table, config);
      if (key == "protocol") status = read_protocols(file, *table, config);
      if (key == "encryption") status = read_encryption(file, *table, config);
      if (key == "auth") status = read_auth(file, *table, config);
    } else {
      return at.error("unknown key (expected [broker], [storage] or [protocol.<name>])");
    }
    if (!status) return status.error();
  }
  return config;
}

sdk::Result<SluiceConfig> load_config(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    return sdk::make_error(sdk::ErrorCode::kNotFound,
                           file.string() + ": cannot read config file: it is a folder");
  }
  auto text = config_detail::read_text_file(file);
  if (!text.ok()) return text.error();
  return parse_config(*text, file);
}

}  // namespace sluice::core
