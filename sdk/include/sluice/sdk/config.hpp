// A plugin's configuration: its own TOML section, already checked by the host against the option
// schema the plugin declares in its descriptor. A plugin never parses config files itself.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sluice::sdk {

enum class OptionType : std::uint8_t { kBool, kInt, kDouble, kString, kStringList };

// One entry of a plugin's option schema. The host uses the schema to reject unknown keys and
// values of the wrong type (with file, line and key), to fill defaults, and to print docs.
struct OptionSpec {
  const char* key;
  OptionType type;
  const char* default_value;  // TOML literal text ("true", "64", "\"data\""); nullptr = required
  const char* help;
  // Inclusive bounds for kInt; ignored otherwise.
  std::int64_t min_int = INT64_MIN;
  std::int64_t max_int = INT64_MAX;
};

using OptionValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>>;

// The validated section: every key of the schema is present (given or defaulted).
class PluginConfig {
 public:
  PluginConfig() = default;
  explicit PluginConfig(std::map<std::string, OptionValue, std::less<>> values)
      : values_(std::move(values)) {}

  // The typed getters return the fallback when the key is absent or of another type; with a
  // validated config that only happens for keys the schema does not declare.
  bool get_bool(std::string_view key, bool fallback = false) const {
    return get<bool>(key).value_or(fallback);
  }
  std::int64_t get_int(std::string_view key, std::int64_t fallback = 0) const {
    return get<std::int64_t>(key).value_or(fallback);
  }
  double get_double(std::string_view key, double fallback = 0) const {
    return get<double>(key).value_or(fallback);
  }
  std::string get_string(std::string_view key, std::string fallback = {}) const {
    return get<std::string>(key).value_or(std::move(fallback));
  }
  std::vector<std::string> get_string_list(std::string_view key) const {
    return get<std::vector<std::string>>(key).value_or(std::vector<std::string>{});
  }
  bool has(std::string_view key) const { return values_.find(key) != values_.end(); }
  const std::map<std::string, OptionValue, std::less<>>& values() const { return values_; }
  void set(std::string key, OptionValue value) { values_[std::move(key)] = std::move(value); }

 private:
  template <typename T>
  std::optional<T> get(std::string_view key) const {
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    if (const T* v = std::get_if<T>(&it->second)) return *v;
    return std::nullopt;
  }
  std::map<std::string, OptionValue, std::less<>> values_;
};

}  // namespace sluice::sdk
