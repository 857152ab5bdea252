#include "query_decoder.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace sluice::plugins::sqs {
namespace {

using nlohmann::json;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool is_index(std::string_view s) {
  return !s.empty() && s.size() <= 9 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// Builds a tree from dotted keys: "A.1.B" = v  ->  {"A": {"1": {"B": v}}}. A key that is both a
// leaf and a parent keeps whichever came first.
void insert_dotted(json& root, std::string_view key, const std::string& value) {
  json* node = &root;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = key.find('.', start);
    const std::string segment(
        key.substr(start, dot == std::string_view::npos ? key.npos : dot - start));
    if (!node->is_object()) return;
    if (dot == std::string_view::npos) {
      if (!node->contains(segment)) (*node)[segment] = value;
      return;
    }
    json& child = (*node)[segment];
    if (child.is_null()) child = json::object();
    node = &child;
    start = dot + 1;
  }
}

// The items of a flattened list node: an object keyed by 1-based indexes (sorted numerically;
// gaps allowed), or a lone un-indexed value, which old clients send for a single item.
std::vector<json> items_of(const json& node) {
  std::vector<std::pair<long, json>> indexed;
  if (node.is_object()) {
    bool all_indexes = !node.empty();
    for (const auto& [k, v] : node.items()) all_indexes = all_indexes && is_index(k);
    if (all_indexes) {
      for (const auto& [k, v] : node.items()) indexed.emplace_back(std::stol(k), v);
      std::sort(indexed.begin(), indexed.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      std::vector<json> out;
      out.reserve(indexed.size());
      for (auto& [i, v] : indexed) out.push_back(std::move(v));
      return out;
    }
  }
  if (node.is_null()) return {};
  return {node};
}

std::string string_at(const json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json string_list(const json& node) {
  json out = json::array();
  for (const auto& item : items_of(node)) {
    if (item.is_string()) out.push_back(item);
  }
  return out;
}

json name_value_map(const json& node, const char* key_name, const char* value_name) {
  json out = json::object();
  for (const auto& item : items_of(node)) {
    if (!item.is_object() || !item.contains(key_name)) continue;
    out[string_at(item, key_name)] = string_at(item, value_name);
  }
  return out;
}

// MessageAttribute.N.Name / .Value.DataType / .Value.StringValue / .Value.BinaryValue
json message_attribute_map(const json& node) {
  json out = json::object();
  for (const auto& item : items_of(node)) {
    if (!item.is_object() || !item.contains("Name")) continue;
    json value = json::object();
    if (auto v = item.find("Value"); v != item.end() && v->is_object()) {
      for (const char* member : {"DataType", "StringValue", "BinaryValue"}) {
        if (v->contains(member) && (*v)[member].is_string()) value[member] = (*v)[member];
      }
    }
    out[string_at(item, "Name")] = std::move(value);
  }
  return out;
}

json batch_entries(const json& node) {
  json out = json::array();
  for (const auto& item : items_of(node)) {
    if (!item.is_object()) continue;
    json entry = json::object();
    for (const auto& [k, v] : item.items()) {
      if (k == "MessageAttribute") {
        entry["MessageAttributes"] = message_attribute_map(v);
      } else if (k == "MessageSystemAttribute") {
        entry["MessageSystemAttributes"] = message_attribute_map(v);
      } else if (v.is_string()) {
        entry[k] = v;
      }
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

bool decode_form(std::string_view text, QueryParams& out) {
  std::string key;
  std::string value;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view pair = text.substr(start, end - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const std::string_view raw_key = pair.substr(0, eq);
      const std::string_view raw_value =
          eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      if (!percent_decode(raw_key, key) || !percent_decode(raw_value, value)) return false;
      out.emplace(key, value);
    }
    start = end + 1;
  }
  return true;
}

json query_to_input(std::string_view action, const QueryParams& params) {
  json tree = json::object();
  for (const auto& [k, v] : params) insert_dotted(tree, k, v);

  json input = json::object();
  for (const auto& [k, v] : tree.items()) {
    if (v.is_string()) input[k] = v;
  }
  const auto take = [&](const char* query_name) -> const json* {
    auto it = tree.find(query_name);
    return it == tree.end() ? nullptr : &*it;
  };

  if (action == "CreateQueue" || action == "SetQueueAttributes") {
    if (const json* n = take("Attribute"))
      input["Attributes"] = name_value_map(*n, "Name", "Value");
    if (action == "CreateQueue") {
      if (const json* n = take("Tag")) input["tags"] = name_value_map(*n, "Key", "Value");
    }
  } else if (action == "GetQueueAttributes") {
    if (const json* n = take("AttributeName")) input["AttributeNames"] = string_list(*n);
  } else if (action == "ReceiveMessage") {
    if (const json* n = take("AttributeName")) input["AttributeNames"] = string_list(*n);
    if (const json* n = take("MessageSystemAttributeName")) {
      input["MessageSystemAttributeNames"] = string_list(*n);
    }
    if (const json* n = take("MessageAttributeName")) {
      input["MessageAttributeNames"] = string_list(*n);
    }
  } else if (action == "SendMessage") {
    if (const json* n = take("MessageAttribute")) {
      input["MessageAttributes"] = message_attribute_map(*n);
    }
    if (const json* n = take("MessageSystemAttribute")) {
      input["MessageSystemAttributes"] = message_attribute_map(*n);
    }
  } else if (action == "SendMessageBatch") {
    if (const json* n = take("SendMessageBatchRequestEntry")) input["Entries"] = batch_entries(*n);
  } else if (action == "DeleteMessageBatch") {
    if (const json* n = take("DeleteMessageBatchRequestEntry"))
      input["Entries"] = batch_entries(*n);
  } else if (action == "ChangeMessageVisibilityBatch") {
    if (const json* n = take("ChangeMessageVisibilityBatchRequestEntry")) {
      input["Entries"] = batch_entries(*n);
    }
  } else if (action == "TagQueue") {
    if (const json* n = take("Tag")) input["Tags"] = name_value_map(*n, "Key", "Value");
  } else if (action == "UntagQueue") {
    if (const json* n = take("TagKey")) input["TagKeys"] = string_list(*n);
  } else if (action == "AddPermission") {
    if (const json* n = take("AWSAccountId")) input["AWSAccountIds"] = string_list(*n);
    if (const json* n = take("ActionName")) input["Actions"] = string_list(*n);
  }
  return input;
}

}  // namespace sluice::plugins::sqs
