#include "sqs_input.hpp"

#include <charconv>

#include "base64.hpp"

namespace sluice::plugins::sqs {
namespace {

using nlohmann::json;
using sdk::ErrorCode;

sdk::Error invalid(const std::string& message) {
  return sdk::make_error(ErrorCode::kInvalidParameterValue, message);
}

std::string text_of(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// Absent, null, or the query protocol's encoding of an empty list or map ("Entries=").
bool absent_or_empty(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ||
         (it->is_string() && it->get_ref<const std::string&>().empty());
}

}  // namespace

bool Input::has(const char* key) const {
  auto it = object_.find(key);
  return it != object_.end() && !it->is_null();
}

sdk::Result<std::optional<std::string>> Input::string(const char* key) const {
  auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return invalid("Value " + it->dump() + " for parameter " + key +
                   " is invalid. Reason: must be a string.");
  }
  return std::optional<std::string>(it->get<std::string>());
}

sdk::Result<std::string> Input::required_string(const char* key) const {
  auto value = string(key);
  if (!value.ok()) return value.error();
  if (!value->has_value() || (*value)->empty()) {
    return sdk::make_error(ErrorCode::kMissingParameter,
                           std::string("The request must contain the parameter ") + key + ".");
  }
  return std::move(**value);
}

sdk::Result<std::optional<std::int32_t>> Input::integer(const char* key) const {
  auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) return std::optional<std::int32_t>();
  std::int64_t n = 0;
  bool ok = false;
  if (it->is_number_integer()) {
    n = it->get<std::int64_t>();
    ok = true;
  } else if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    const char* first = s.data();
    const char* last = s.data() + s.size();
    if (first != last && *first == '+') ++first;
    auto [ptr, ec] = std::from_chars(first, last, n);
    ok = ec == std::errc() && ptr == last && first != last;
  }
  if (!ok || n < INT32_MIN || n > INT32_MAX) {
    return invalid("Value " + text_of(*it) + " for parameter " + key +
                   " is invalid. Reason: must be an integer.");
  }
  return std::optional<std::int32_t>(static_cast<std::int32_t>(n));
}

sdk::Result<std::vector<std::string>> Input::string_list(const char* key) const {
  std::vector<std::string> out;
  if (absent_or_empty(object_, key)) return out;
  auto it = object_.find(key);
  if (!it->is_array()) return invalid(std::string("Parameter ") + key + " must be a list.");
  for (const auto& v : *it) {
    if (!v.is_string()) {
      return invalid(std::string("Parameter ") + key + " must be a list of strings.");
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

sdk::Result<std::map<std::string, std::string>> Input::string_map(const char* key) const {
  std::map<std::string, std::string> out;
  if (absent_or_empty(object_, key)) return out;
  auto it = object_.find(key);
  if (!it->is_object()) return invalid(std::string("Parameter ") + key + " must be a map.");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) {
      return invalid(std::string("Value for ") + key + "." + k + " must be a string.");
    }
    out[k] = v.get<std::string>();
  }
  return out;
}

sdk::Result<sdk::MessageAttributes> Input::message_attributes(const char* key) const {
  sdk::MessageAttributes out;
  if (absent_or_empty(object_, key)) return out;
  auto it = object_.find(key);
  if (!it->is_object()) return invalid(std::string("Parameter ") + key + " must be a map.");
  for (const auto& [name, v] : it->items()) {
    if (!v.is_object()) {
      return invalid("The message attribute '" + name + "' must be a structure.");
    }
    const Input attr(v);
    auto data_type = attr.string("DataType");
    if (!data_type.ok()) return data_type.error();
    if (!data_type->has_value() || (*data_type)->empty()) {
      return invalid("The message attribute '" + name + "' must contain a DataType.");
    }
    sdk::MessageAttributeValue value{**data_type, {}};
    auto string_value = attr.string("StringValue");
    auto binary_value = attr.string("BinaryValue");
    if (!string_value.ok()) return string_value.error();
    if (!binary_value.ok()) return binary_value.error();
    if (value.is_binary()) {
      if (!binary_value->has_value()) {
        return invalid("The message attribute '" + name +
                       "' with type 'Binary' must use field 'Binary'.");
      }
      auto decoded = base64_decode(**binary_value);
      if (!decoded) {
        return invalid("The message attribute '" + name +
                       "' has a BinaryValue that is not valid base64.");
      }
      value.value = std::move(*decoded);
    } else {
      if (!string_value->has_value()) {
        if (binary_value->has_value()) {
          return invalid("The message attribute '" + name + "' with type '" + value.data_type +
                         "' must use field 'String'.");
        }
        return invalid(
            "The message attribute '" + name +
            "' must contain non-empty message attribute value for message attribute type '" +
            value.data_type + "'.");
      }
      value.value = std::move(**string_value);
    }
    out.emplace(name, std::move(value));
  }
  return out;
}

sdk::Result<std::vector<json>> Input::entries(const char* key) const {
  std::vector<json> out;
  if (absent_or_empty(object_, key)) return out;
  auto it = object_.find(key);
  if (!it->is_array()) return invalid(std::string("Parameter ") + key + " must be a list.");
  for (const auto& v : *it) {
    if (!v.is_object()) return invalid(std::string("Each of ") + key + " must be a structure.");
    out.push_back(v);
  }
  return out;
}

sdk::Result<std::string> queue_name_from(const Input& input, const std::string& path_queue) {
  auto url = input.string("QueueUrl");
  if (!url.ok()) return url.error();
  if (!url->has_value() || (*url)->empty()) {
    if (!path_queue.empty()) return path_queue;
    return sdk::make_error(ErrorCode::kMissingParameter,
                           "The request must contain the parameter QueueUrl.");
  }
  std::string_view text = **url;
  if (const auto scheme = text.find("://"); scheme != std::string_view::npos) {
    text.remove_prefix(scheme + 3);
    const auto slash = text.find('/');
    text = slash == std::string_view::npos ? std::string_view() : text.substr(slash);
  }
  if (const auto q = text.find_first_of("?#"); q != std::string_view::npos)
    text = text.substr(0, q);
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  const auto last = text.rfind('/');
  if (last != std::string_view::npos) text.remove_prefix(last + 1);
  return std::string(text);  // empty: the caller reports InvalidAddress
}

}  // namespace sluice::plugins::sqs
