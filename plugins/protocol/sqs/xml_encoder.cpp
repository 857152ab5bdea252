#include "xml_encoder.hpp"

namespace sluice::plugins::sqs {
namespace {

using nlohmann::json;

constexpr std::string_view kXmlHeader = "<?xml version=\"1.0\"?>";
constexpr std::string_view kNamespace = "http://queue.amazonaws.com/doc/2012-11-05/";

void open_tag(std::string& out, std::string_view name) {
  out += '<';
  out += name;
  out += '>';
}
void close_tag(std::string& out, std::string_view name) {
  out += "</";
  out += name;
  out += '>';
}

void element(std::string& out, std::string_view name, std::string_view text) {
  open_tag(out, name);
  append_xml_escaped(out, text);
  close_tag(out, name);
}

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

void render_value(std::string& out, std::string_view action, std::string_view name,
                  const json& value);

// Flattened list members take the element name of their items.
std::string_view list_item_name(std::string_view action, std::string_view member) {
  if (member == "QueueUrls" || member == "queueUrls") return "QueueUrl";
  if (member == "Messages") return "Message";
  if (member == "Failed") return "BatchResultErrorEntry";
  if (member == "Results") return "ListMessageMoveTasksResultEntry";
  if (member == "Successful") {
    if (action == "SendMessageBatch") return "SendMessageBatchResultEntry";
    if (action == "DeleteMessageBatch") return "DeleteMessageBatchResultEntry";
    return "ChangeMessageVisibilityBatchResultEntry";
  }
  return member;
}

void render_object_members(std::string& out, std::string_view action, const json& obj) {
  for (const auto& [k, v] : obj.items()) render_value(out, action, k, v);
}

void render_value(std::string& out, std::string_view action, std::string_view name,
                  const json& value) {
  if (value.is_null()) return;
  if (name == "Attributes" && value.is_object()) {
    for (const auto& [k, v] : value.items()) {
      out += "<Attribute>";
      element(out, "Name", k);
      element(out, "Value", scalar_text(v));
      out += "</Attribute>";
    }
    return;
  }
  if (name == "Tags" && value.is_object()) {
    for (const auto& [k, v] : value.items()) {
      out += "<Tag>";
      element(out, "Key", k);
      element(out, "Value", scalar_text(v));
      out += "</Tag>";
    }
    return;
  }
  if (name == "MessageAttributes" && value.is_object()) {
    for (const auto& [k, v] : value.items()) {
      out += "<MessageAttribute>";
      element(out, "Name", k);
      out += "<Value>";
      render_object_members(out, action, v);
      out += "</Value></MessageAttribute>";
    }
    return;
  }
  if (value.is_array()) {
    const std::string_view item = list_item_name(action, name);
    for (const auto& v : value) render_value(out, action, item, v);
    return;
  }
  if (value.is_object()) {
    open_tag(out, name);
    render_object_members(out, action, value);
    close_tag(out, name);
    return;
  }
  element(out, name, scalar_text(value));
}

}  // namespace

void append_xml_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#xD;";
        break;
      default:
        out += c;
    }
  }
}

std::string render_query_response(std::string_view action, const json& output,
                                  std::string_view request_id) {
  std::string out;
  out.reserve(512);
  out += kXmlHeader;
  out += '<';
  out += action;
  out += "Response xmlns=\"";
  out += kNamespace;
  out += "\">";
  if (!output.is_null()) {
    const std::string result = std::string(action) + "Result";
    if (output.empty()) {
      out += '<' + result + "/>";
    } else {
      open_tag(out, result);
      render_object_members(out, action, output);
      close_tag(out, result);
    }
  }
  out += "<ResponseMetadata>";
  element(out, "RequestId", request_id);
  out += "</ResponseMetadata></";
  out += action;
  out += "Response>";
  return out;
}

std::string render_query_error(const WireError& error, std::string_view request_id) {
  std::string out;
  out += kXmlHeader;
  out += "<ErrorResponse xmlns=\"";
  out += kNamespace;
  out += "\"><Error>";
  element(out, "Type", error.sender_fault ? "Sender" : "Receiver");
  element(out, "Code", error.query_code);
  element(out, "Message", error.message);
  out += "<Detail/></Error>";
  element(out, "RequestId", request_id);
  out += "</ErrorResponse>";
  return out;
}

}  // namespace sluice::plugins::sqs
