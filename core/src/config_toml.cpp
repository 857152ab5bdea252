// TOML helpers shared by the config loader and the plugin option validator.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config_toml.hpp"

namespace sluice::core::config_detail {

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::string:
      return "string";
    case toml::node_type::array:
      return "array";
    case toml::node_type::table:
      return "table";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::vector<std::pair<std::string, const toml::node*>> entries_in_file_order(
    const toml::table& table) {
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (const auto& [key, node] : table) entries.emplace_back(std::string(key.str()), &node);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return line_of(*a.second) < line_of(*b.second);
  });
  return entries;
}

RawOption raw_option(std::string key, const toml::node& node) {
  RawOption option;
  option.key = std::move(key);
  option.line = line_of(node);
  option.toml_type = std::string(toml_type_name(node));
  if (auto b = node.value_exact<bool>()) {
    option.value = *b;
  } else if (auto i = node.value_exact<std::int64_t>()) {
    option.value = *i;
  } else if (auto d = node.value_exact<double>()) {
    option.value = *d;
  } else if (auto s = node.value_exact<std::string>()) {
    option.value = *s;
  } else if (const toml::array* array = node.as_array()) {
    std::vector<std::string> strings;
    for (const auto& element : *array) {
      auto s_element = element.value_exact<std::string>();
      if (!s_element) return option;  // not a list of strings: no value
      strings.push_back(*s_element);
    }
    option.value = std::move(strings);
  }
  return option;
}

sdk::Result<toml::table> parse_toml(std::string_view text, const std::filesystem::path& file) {
#if TOML_EXCEPTIONS
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    return config_error(file, e.source().begin.line, "syntax error", e.description());
  }
#else
  toml::parse_result result = toml::parse(text, file.string());
  if (!result) {
    return config_error(file, result.error().source().begin.line, "syntax error",
                        result.error().description());
  }
  return std::move(result).table();
#endif
}

sdk::Result<std::string> read_text_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return sdk::make_error(sdk::ErrorCode::kNotFound,
                           file.string() + ": cannot read config file: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           file.string() + ": cannot read config file: read error");
  }
  return text.str();
}

}  // namespace sluice::core::config_detail
