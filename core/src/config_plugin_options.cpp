// Checking a plugin's config section against the option schema in its descriptor, and filling
// defaults. One schema drives validation, defaults and docs, so config checking is never written
// twice.
#include <algorithm>
#include <string>

#include "config_toml.hpp"
#include "sluice/core/config.hpp"

namespace sluice::core {
namespace {

using config_detail::config_error;
using config_detail::join_key;

std::string_view option_type_name(sdk::OptionType type) {
  switch (type) {
    case sdk::OptionType::kBool:
      return "boolean";
    case sdk::OptionType::kInt:
      return "integer";
    case sdk::OptionType::kDouble:
      return "float";
    case sdk::OptionType::kString:
      return "string";
    case sdk::OptionType::kStringList:
      return "array of strings";
  }
  return "unknown";
}

std::string found_text(const RawOption& option) {
  if (option.toml_type == "array" && !option.value) return "array with non-string elements";
  return option.toml_type;
}

// Converts a raw value to the schema's type, or returns the reason it cannot be.
sdk::Result<sdk::OptionValue> convert(const sdk::OptionSpec& spec, const RawOption& option) {
  const std::string mismatch =
      "expected " + std::string(option_type_name(spec.type)) + ", found " + found_text(option);
  const auto fail = [&](std::string reason) {
    return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue, std::move(reason));
  };
  if (!option.value) return fail(mismatch);
  const sdk::OptionValue& value = *option.value;
  switch (spec.type) {
    case sdk::OptionType::kBool:
      if (std::holds_alternative<bool>(value)) return value;
      return fail(mismatch);
    case sdk::OptionType::kInt:
      if (const auto* i = std::get_if<std::int64_t>(&value)) {
        if (*i < spec.min_int || *i > spec.max_int) {
          return fail("out of range: expected " + std::to_string(spec.min_int) + ".." +
                      std::to_string(spec.max_int) + ", found " + std::to_string(*i));
        }
        return value;
      }
      return fail(mismatch);
    case sdk::OptionType::kDouble:
      if (std::holds_alternative<double>(value)) return value;
      // An integer literal where a float is expected ("ratio = 1") means what it says.
      if (const auto* i = std::get_if<std::int64_t>(&value)) {
        return sdk::OptionValue(static_cast<double>(*i));
      }
      return fail(mismatch);
    case sdk::OptionType::kString:
      if (std::holds_alternative<std::string>(value)) return value;
      return fail(mismatch);
    case sdk::OptionType::kStringList:
      if (std::holds_alternative<std::vector<std::string>>(value)) return value;
      return fail(mismatch);
  }
  return fail(mismatch);
}

// The schema's default, parsed as a TOML literal and checked like a configured value.
sdk::Result<sdk::OptionValue> parse_default(const sdk::OptionSpec& spec) {
  const std::string document = std::string("v = ") + spec.default_value;
  auto table = config_detail::parse_toml(document, "(default)");
  if (table.ok()) {
    if (const toml::node* node = table->get("v")) {
      auto converted = convert(spec, config_detail::raw_option("v", *node));
      if (converted.ok()) return converted;
    }
  }
  return sdk::make_error(
      sdk::ErrorCode::kInternal,
      std::string("invalid default in the plugin's schema: ") + spec.default_value);
}

std::string known_keys(std::span<const sdk::OptionSpec> schema) {
  if (schema.empty()) return "this plugin takes no options";
  std::string text = "known keys: ";
  for (std::size_t i = 0; i < schema.size(); ++i) {
    if (i > 0) text += ", ";
    text += schema[i].key;
  }
  return text;
}

}  // namespace

sdk::Result<sdk::PluginConfig> validate_plugin_options(std::span<const sdk::OptionSpec> schema,
                                                       const PluginSection& section,
                                                       const std::filesystem::path& file) {
  std::vector<const RawOption*> given;
  for (const auto& option : section.options) given.push_back(&option);
  std::stable_sort(given.begin(), given.end(),
                   [](const RawOption* a, const RawOption* b) { return a->line < b->line; });

  sdk::PluginConfig config;
  for (const RawOption* option : given) {
    const std::string dotted = join_key(section.dotted_path, option->key);
    auto spec = std::find_if(schema.begin(), schema.end(), [&](const sdk::OptionSpec& s) {
      return s.key != nullptr && option->key == s.key;
    });
    if (spec == schema.end()) {
      return config_error(file, option->line, dotted, "unknown key (" + known_keys(schema) + ")");
    }
    auto value = convert(*spec, *option);
    if (!value.ok()) return config_error(file, option->line, dotted, value.error().message);
    config.set(option->key, std::move(value).value());
  }
  for (const sdk::OptionSpec& spec : schema) {
    if (spec.key == nullptr || config.has(spec.key)) continue;
    const std::string dotted = join_key(section.dotted_path, spec.key);
    const std::uint32_t line = std::max<std::uint32_t>(section.line, 1);
    if (spec.default_value == nullptr) {
      return config_error(file, line, dotted, "required key is missing");
    }
    auto value = parse_default(spec);
    if (!value.ok()) return config_error(file, line, dotted, value.error().message);
    config.set(spec.key, std::move(value).value());
  }
  return config;
}

sdk::Result<PluginSection> read_plugin_section_file(const std::filesystem::path& file) {
  PluginSection section;
  section.line = 1;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return section;  // all defaults
  auto text = config_detail::read_text_file(file);
  if (!text.ok()) return text.error();
  auto table = config_detail::parse_toml(*text, file);
  if (!table.ok()) return table.error();
  for (auto& [key, node] : config_detail::entries_in_file_order(*table)) {
    section.options.push_back(config_detail::raw_option(key, *node));
  }
  return section;
}

std::optional<sdk::LogLevel> parse_log_level(std::string_view text) {
  if (text == "trace") return sdk::LogLevel::kTrace;
  if (text == "debug") return sdk::LogLevel::kDebug;
  if (text == "info") return sdk::LogLevel::kInfo;
  if (text == "warn") return sdk::LogLevel::kWarn;
  if (text == "error") return sdk::LogLevel::kError;
  return std::nullopt;
}

std::string_view log_level_name(sdk::LogLevel level) {
  switch (level) {
    case sdk::LogLevel::kTrace:
      return "trace";
    case sdk::LogLevel::kDebug:
      return "debug";
    case sdk::LogLevel::kInfo:
      return "info";
    case sdk::LogLevel::kWarn:
      return "warn";
    case sdk::LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace sluice::core
