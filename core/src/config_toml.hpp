// Private to sluice_core: the TOML helpers shared by the config loader and the plugin option
// validator. toml++ is a PRIVATE dependency of sluice_core, so no public header includes it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "sluice/core/config.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::core::config_detail {

// The one-line error every config problem becomes: "<file>:<line>: <key>: <reason>".
inline sdk::Error config_error(const std::filesystem::path& file, std::uint32_t line,
                               std::string_view key, std::string_view reason) {
  return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                         file.string() + ":" + std::to_string(line) + ": " + std::string(key) +
                             ": " + std::string(reason));
}

inline std::string join_key(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "." + std::string(key);
}

inline std::uint32_t line_of(const toml::node& node) { return node.source().begin.line; }

// "boolean", "integer", "float", "string", "array", "table", "date", "time", "date-time".
std::string_view toml_type_name(const toml::node& node);

// A table's entries ordered by source line, so the first problem reported is the first in the
// file (toml::table itself is ordered by key).
std::vector<std::pair<std::string, const toml::node*>> entries_in_file_order(
    const toml::table& table);

// A raw option from a TOML value (see RawOption).
RawOption raw_option(std::string key, const toml::node& node);

// Parses `text`; a syntax error becomes "<file>:<line>: syntax error: <description>".
sdk::Result<toml::table> parse_toml(std::string_view text, const std::filesystem::path& file);

// Reads a whole file; kNotFound "<file>: cannot read config file: <reason>" on failure.
sdk::Result<std::string> read_text_file(const std::filesystem::path& file);

}  // namespace sluice::core::config_detail
