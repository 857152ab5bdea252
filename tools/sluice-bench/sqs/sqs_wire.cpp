#include "sqs/sqs_wire.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

namespace sluice::bench::sqs {
namespace {

constexpr std::string_view kVersion = "2012-11-05";

void append_number(std::string& out, std::uint64_t value) {
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  out.append(text, end);
}

void append_int(std::string& out, std::int64_t value) {
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  out.append(text, end);
}

// RFC 3986 percent-encoding of everything but the unreserved characters.
void append_form_encoded(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '_' || u == '.' || u == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

// The HTTP request around `body`.
std::string with_head(const Target& target, std::string_view action, std::string_view body) {
  std::string out;
  out.reserve(body.size() + 256);
  out += "POST / HTTP/1.1\r\nHost: ";
  out += target.host;
  if (target.protocol == Protocol::kJson) {
    out += "\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.";
    out += action;
  } else {
    out += "\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8";
  }
  out += "\r\nContent-Length: ";
  append_number(out, body.size());
  out += "\r\n\r\n";
  out += body;
  return out;
}

// Starts a query body: Action, Version and (if `with_queue`) QueueUrl.
void query_start(std::string& body, const Target& target, std::string_view action,
                 bool with_queue) {
  body += "Action=";
  body += action;
  body += "&Version=";
  body += kVersion;
  if (with_queue) {
    body += "&QueueUrl=";
    append_form_encoded(body, target.queue_url);
  }
}

// A query parameter `prefix` + `name` = `value` (value form-encoded).
void query_param(std::string& body, std::string_view prefix, std::string_view name,
                 std::string_view value) {
  body.push_back('&');
  body += prefix;
  body += name;
  body.push_back('=');
  append_form_encoded(body, value);
}

void json_member(std::string& body, std::string_view name, std::string_view value, bool first) {
  if (!first) body.push_back(',');
  append_json_string(body, name);
  body.push_back(':');
  append_json_string(body, value);
}

std::string_view between(std::string_view text, std::string_view open, std::string_view close,
                         std::size_t from = 0) {
  const auto start = text.find(open, from);
  if (start == std::string_view::npos) return {};
  const auto begin = start + open.size();
  const auto end = text.find(close, begin);
  if (end == std::string_view::npos) return {};
  return text.substr(begin, end - begin);
}

// The raw (still escaped) text of the JSON string that starts right after `at` (an opening
// quote already consumed); npos-terminated views are empty.
std::string_view json_string_at(std::string_view text, std::size_t at, std::size_t& end) {
  std::size_t i = at;
  while (i < text.size()) {
    if (text[i] == '\\') {
      i += 2;
      continue;
    }
    if (text[i] == '"') {
      end = i + 1;
      return text.substr(at, i - at);
    }
    ++i;
  }
  end = std::string_view::npos;
  return {};
}

// Every value of the JSON string member `"key":"..."`, in order.
template <typename Visit>
void each_json_string(std::string_view text, std::string_view key_pattern, Visit visit) {
  std::size_t pos = 0;
  while ((pos = text.find(key_pattern, pos)) != std::string_view::npos) {
    std::size_t end = 0;
    const auto value = json_string_at(text, pos + key_pattern.size(), end);
    if (end == std::string_view::npos) return;
    visit(value);
    pos = end;
  }
}

}  // namespace

SendTemplate build_send(const Target& target, std::size_t count, std::size_t message_size,
                        bool fifo) {
  const std::string message = make_body(message_size);
  const std::string group = "g" + std::string(kGroupDigits, '0');
  const std::string dedup(kDedupDigits, '0');
  const bool batch = count > 1;
  const std::string_view action = batch ? "SendMessageBatch" : "SendMessage";

  // Offsets are recorded relative to the body, then shifted past the head.
  SendTemplate out;
  std::string body;
  body.reserve(count * (message_size + 160) + 256);
  if (target.protocol == Protocol::kQuery) {
    query_start(body, target, action, true);
    for (std::size_t i = 0; i < count; ++i) {
      std::string prefix;
      if (batch) prefix = "SendMessageBatchRequestEntry." + std::to_string(i + 1) + ".";
      if (batch) query_param(body, prefix, "Id", std::to_string(i));
      SendTemplate::Slot slot;
      query_param(body, prefix, "MessageBody", "");
      slot.stamp = body.size();
      body += message;
      if (fifo) {
        query_param(body, prefix, "MessageGroupId", "");
        slot.group = body.size() + 1;
        body += group;
        query_param(body, prefix, "MessageDeduplicationId", "");
        slot.dedup = body.size();
        body += dedup;
      }
      out.slots.push_back(slot);
    }
  } else {
    body += '{';
    json_member(body, "QueueUrl", target.queue_url, true);
    if (batch) body += ",\"Entries\":[";
    for (std::size_t i = 0; i < count; ++i) {
      if (batch) {
        if (i > 0) body += ',';
        body += '{';
        json_member(body, "Id", std::to_string(i), true);
      }
      SendTemplate::Slot slot;
      body += ",\"MessageBody\":\"";
      slot.stamp = body.size();
      body += message;
      body += '"';
      if (fifo) {
        body += ",\"MessageGroupId\":\"";
        slot.group = body.size() + 1;
        body += group;
        body += "\",\"MessageDeduplicationId\":\"";
        slot.dedup = body.size();
        body += dedup;
        body += '"';
      }
      if (batch) body += '}';
      out.slots.push_back(slot);
    }
    if (batch) body += ']';
    body += '}';
  }
  out.bytes = with_head(target, action, body);
  const std::size_t shift = out.bytes.size() - body.size();
  for (auto& slot : out.slots) {
    slot.stamp += shift;
    if (slot.group != std::string::npos) slot.group += shift;
    if (slot.dedup != std::string::npos) slot.dedup += shift;
  }
  return out;
}

void stamp_send(SendTemplate& request, std::span<const OutgoingMessage> messages) {
  char* bytes = request.bytes.data();
  for (std::size_t i = 0; i < messages.size() && i < request.slots.size(); ++i) {
    const auto& slot = request.slots[i];
    write_stamp(bytes + slot.stamp, messages[i].stamp);
    if (slot.group != std::string::npos) write_hex(bytes + slot.group, messages[i].group, 6);
    if (slot.dedup != std::string::npos) {
      write_hex(bytes + slot.dedup, messages[i].stamp.id, kDedupDigits);
    }
  }
}

std::string build_receive(const Target& target, std::uint32_t max_messages,
                          std::int32_t wait_seconds, std::int32_t visibility_seconds) {
  std::string body;
  if (target.protocol == Protocol::kQuery) {
    query_start(body, target, "ReceiveMessage", true);
    query_param(body, "", "MaxNumberOfMessages", std::to_string(max_messages));
    query_param(body, "", "WaitTimeSeconds", std::to_string(wait_seconds));
    query_param(body, "", "VisibilityTimeout", std::to_string(visibility_seconds));
  } else {
    body += '{';
    json_member(body, "QueueUrl", target.queue_url, true);
    body += ",\"MaxNumberOfMessages\":";
    append_number(body, max_messages);
    body += ",\"WaitTimeSeconds\":";
    append_int(body, wait_seconds);
    body += ",\"VisibilityTimeout\":";
    append_int(body, visibility_seconds);
    body += '}';
  }
  return with_head(target, "ReceiveMessage", body);
}

void build_delete(const Target& target, std::span<const std::string_view> receipts,
                  std::string& out) {
  // The body is built after a placeholder head, then the head is written in front of it: one
  // buffer, no temporary.
  thread_local std::string body;
  body.clear();
  const bool batch = receipts.size() > 1;
  const std::string_view action = batch ? "DeleteMessageBatch" : "DeleteMessage";
  if (target.protocol == Protocol::kQuery) {
    query_start(body, target, action, true);
    for (std::size_t i = 0; i < receipts.size(); ++i) {
      if (!batch) {
        query_param(body, "", "ReceiptHandle", receipts[i]);
        continue;
      }
      char prefix[48];
      char* end = std::to_chars(prefix, prefix + sizeof prefix, i + 1).ptr;
      std::string_view index(prefix, static_cast<std::size_t>(end - prefix));
      body += "&DeleteMessageBatchRequestEntry.";
      body += index;
      body += ".Id=";
      append_number(body, i);
      body += "&DeleteMessageBatchRequestEntry.";
      body += index;
      body += ".ReceiptHandle=";
      append_form_encoded(body, receipts[i]);
    }
  } else {
    body += '{';
    json_member(body, "QueueUrl", target.queue_url, true);
    if (!batch) {
      if (!receipts.empty()) json_member(body, "ReceiptHandle", receipts[0], false);
    } else {
      body += ",\"Entries\":[";
      for (std::size_t i = 0; i < receipts.size(); ++i) {
        if (i > 0) body += ',';
        body += "{\"Id\":\"";
        append_number(body, i);
        body += "\",";
        append_json_string(body, "ReceiptHandle");
        body += ':';
        append_json_string(body, receipts[i]);
        body += '}';
      }
      body += ']';
    }
    body += '}';
  }
  out.clear();
  out += "POST / HTTP/1.1\r\nHost: ";
  out += target.host;
  if (target.protocol == Protocol::kJson) {
    out += "\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.";
    out += action;
  } else {
    out += "\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8";
  }
  out += "\r\nContent-Length: ";
  append_number(out, body.size());
  out += "\r\n\r\n";
  out += body;
}

std::string build_create_queue(const Target& target, std::string_view name,
                               const std::vector<std::pair<std::string, std::string>>& attributes) {
  std::string body;
  if (target.protocol == Protocol::kQuery) {
    query_start(body, target, "CreateQueue", false);
    query_param(body, "", "QueueName", name);
    for (std::size_t i = 0; i < attributes.size(); ++i) {
      const std::string prefix = "Attribute." + std::to_string(i + 1) + ".";
      query_param(body, prefix, "Name", attributes[i].first);
      query_param(body, prefix, "Value", attributes[i].second);
    }
  } else {
    nlohmann::json input{{"QueueName", std::string(name)}};
    if (!attributes.empty()) {
      nlohmann::json attrs = nlohmann::json::object();
      for (const auto& [k, v] : attributes) attrs[k] = v;
      input["Attributes"] = std::move(attrs);
    }
    body = input.dump();
  }
  return with_head(target, "CreateQueue", body);
}

std::string build_get_queue_url(const Target& target, std::string_view name) {
  std::string body;
  if (target.protocol == Protocol::kQuery) {
    query_start(body, target, "GetQueueUrl", false);
    query_param(body, "", "QueueName", name);
  } else {
    body = nlohmann::json{{"QueueName", std::string(name)}}.dump();
  }
  return with_head(target, "GetQueueUrl", body);
}

std::string build_delete_queue(const Target& target) {
  std::string body;
  if (target.protocol == Protocol::kQuery) {
    query_start(body, target, "DeleteQueue", true);
  } else {
    body = nlohmann::json{{"QueueUrl", target.queue_url}}.dump();
  }
  return with_head(target, "DeleteQueue", body);
}

std::string queue_url_of(Protocol protocol, std::string_view body) {
  if (protocol == Protocol::kQuery) return std::string(between(body, "<QueueUrl>", "</QueueUrl>"));
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("QueueUrl") && parsed["QueueUrl"].is_string()) {
    return parsed["QueueUrl"].get<std::string>();
  }
  return {};
}

std::string_view error_code_of(Protocol protocol, int status, std::string_view query_error,
                               std::string_view body, std::string& scratch) {
  std::string_view code;
  if (protocol == Protocol::kQuery) {
    code = between(body, "<Code>", "</Code>");
  } else if (!query_error.empty()) {
    code = query_error.substr(0, query_error.find(';'));
  } else {
    code = between(body, "\"__type\":\"", "\"");
    if (const auto hash = code.find('#'); hash != std::string_view::npos) {
      code = code.substr(hash + 1);
    }
  }
  if (!code.empty()) return code;
  scratch = "http:" + std::to_string(status);
  return scratch;
}

bool scan_messages(Protocol protocol, std::string_view body, std::vector<ReceivedMessage>& out) {
  out.clear();
  if (protocol == Protocol::kQuery) {
    std::size_t pos = 0;
    while ((pos = body.find("<Message>", pos)) != std::string_view::npos) {
      const auto end = body.find("</Message>", pos);
      if (end == std::string_view::npos) return false;
      const std::string_view block = body.substr(pos, end - pos);
      out.push_back(ReceivedMessage{between(block, "<Body>", "</Body>"),
                                    between(block, "<ReceiptHandle>", "</ReceiptHandle>")});
      if (out.back().receipt.empty()) return false;
      pos = end;
    }
    return true;
  }
  std::size_t bodies = 0;
  std::size_t receipts = 0;
  each_json_string(body, "\"Body\":\"", [&](std::string_view value) {
    if (bodies == out.size()) out.emplace_back();
    out[bodies++].body = value;
  });
  each_json_string(body, "\"ReceiptHandle\":\"", [&](std::string_view value) {
    if (receipts == out.size()) out.emplace_back();
    out[receipts++].receipt = value;
  });
  return bodies == receipts;
}

bool scan_batch_failures(Protocol protocol, std::string_view body, std::span<EntryOutcome> entries,
                         std::vector<std::string>& scratch) {
  const auto mark = [&](std::string_view id, std::string_view code) {
    std::size_t index = 0;
    const auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), index);
    if (ec != std::errc() || ptr != id.data() + id.size() || index >= entries.size()) return false;
    entries[index] = EntryOutcome{false, code.empty() ? std::string_view("unknown") : code};
    return true;
  };
  if (protocol == Protocol::kQuery) {
    std::size_t pos = 0;
    while ((pos = body.find("<BatchResultErrorEntry>", pos)) != std::string_view::npos) {
      const auto end = body.find("</BatchResultErrorEntry>", pos);
      if (end == std::string_view::npos) return false;
      const std::string_view block = body.substr(pos, end - pos);
      if (!mark(between(block, "<Id>", "</Id>"), between(block, "<Code>", "</Code>"))) {
        return false;
      }
      pos = end;
    }
    return true;
  }
  if (body.find("\"Failed\":[]") != std::string_view::npos) return true;
  // Failures are rare: a DOM is fine here.
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object()) return false;
  const auto failed = parsed.find("Failed");
  if (failed == parsed.end()) return true;
  if (!failed->is_array()) return false;
  scratch.resize(entries.size());
  for (const auto& entry : *failed) {
    if (!entry.is_object() || !entry.contains("Id") || !entry["Id"].is_string()) return false;
    const std::string id = entry["Id"].get<std::string>();
    std::size_t index = 0;
    const auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), index);
    if (ec != std::errc() || index >= entries.size()) return false;
    scratch[index] = entry.contains("Code") && entry["Code"].is_string()
                         ? entry["Code"].get<std::string>()
                         : std::string("unknown");
    entries[index] = EntryOutcome{false, scratch[index]};
  }
  return true;
}

}  // namespace sluice::bench::sqs
