#include "queue_arguments.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

#include "queue_names.hpp"

namespace sluice::plugins::amqp {
namespace {

constexpr std::int64_t kTenYearsMs = 315'360'000'000;
constexpr std::int64_t kMinRetentionSeconds = 60;
constexpr std::int64_t kMaxRetentionSeconds = 1'209'600;

enum class ArgType : std::uint8_t { kInteger, kString, kBool };

// RabbitMQ's declare arguments that Sluice cannot honour yet, with their types, so a wrong type
// still gets RabbitMQ's 406 before the 540.
struct Unsupported {
  std::string_view name;
  ArgType type;
};
constexpr Unsupported kUnsupported[] = {
    {"x-expires", ArgType::kInteger},
    {"x-max-length", ArgType::kInteger},
    {"x-max-length-bytes", ArgType::kInteger},
    {"x-overflow", ArgType::kString},
    {"x-max-priority", ArgType::kInteger},
    {"x-dead-letter-strategy", ArgType::kString},
    {"x-max-age", ArgType::kString},
    {"x-stream-max-segment-size-bytes", ArgType::kInteger},
    {"x-stream-filter-size-bytes", ArgType::kInteger},
    {"x-quorum-initial-group-size", ArgType::kInteger},
    {"x-quorum-target-group-size", ArgType::kInteger},
    {"x-queue-leader-locator", ArgType::kString},
    {"x-queue-master-locator", ArgType::kString},
    {"x-max-in-memory-length", ArgType::kInteger},
    {"x-max-in-memory-bytes", ArgType::kInteger},
};

AmqpError invalid(const std::string& name, const FieldValue& value, const std::string& why) {
  return amqp_error(ReplyCode::kPreconditionFailed,
                    "invalid arg '" + name + "' for queue: " + describe(value) + " " + why);
}

AmqpError unsupported(const std::string& what) {
  return amqp_error(ReplyCode::kNotImplemented, what + " is not supported by Sluice yet");
}

bool has_type(const FieldValue& value, ArgType type) {
  switch (type) {
    case ArgType::kInteger:
      return value.is_integer();
    case ArgType::kString:
      return value.as_string() != nullptr;
    case ArgType::kBool:
      return value.tag == 't';
  }
  return false;
}

std::string ms_text(std::optional<std::int64_t> seconds) {
  return seconds ? std::to_string(*seconds * 1000) : std::string("none");
}

}  // namespace

WireResult<QueueArguments> parse_queue_arguments(const FieldTable& arguments) {
  QueueArguments out;
  const FieldValue* dlx = nullptr;
  const FieldValue* dlrk = nullptr;
  const FieldValue* limit = nullptr;
  for (const auto& [name, value] : arguments.entries) {
    if (name == "x-message-ttl") {
      if (!value.is_integer()) return invalid(name, value, "is not an integer");
      const std::int64_t ms = *value.as_integer();
      if (ms < 0 || ms > kTenYearsMs) {
        return invalid(name, value, "is outside 0..315360000000 ms");
      }
      const std::int64_t seconds = (ms + 999) / 1000;
      if (seconds < kMinRetentionSeconds || seconds > kMaxRetentionSeconds) {
        return unsupported("x-message-ttl " + std::to_string(ms) +
                           " ms (Sluice keeps messages for 60000..1209600000 ms: the TTL is the "
                           "queue's SQS MessageRetentionPeriod)");
      }
      out.retention_seconds = seconds;
    } else if (name == "x-dead-letter-exchange") {
      if (!value.as_string()) return invalid(name, value, "is not a string");
      dlx = &value;
    } else if (name == "x-dead-letter-routing-key") {
      if (!value.as_string()) return invalid(name, value, "is not a string");
      dlrk = &value;
    } else if (name == "x-delivery-limit") {
      if (!value.is_integer()) return invalid(name, value, "is not an integer");
      if (*value.as_integer() < 0) return invalid(name, value, "is negative");
      limit = &value;
    } else if (name == "x-queue-type") {
      const std::string* type = value.as_string();
      if (!type) return invalid(name, value, "is not a string");
      if (*type == "stream") return unsupported("x-queue-type 'stream'");
      if (*type != "classic" && *type != "quorum") {
        return invalid(name, value, "is not one of classic, quorum, stream");
      }
    } else if (name == "x-queue-mode") {
      const std::string* mode = value.as_string();
      if (!mode || (*mode != "default" && *mode != "lazy")) {
        return invalid(name, value, "is not 'default' or 'lazy'");
      }
    } else if (name == "x-queue-version") {
      if (!value.is_integer() || (*value.as_integer() != 1 && *value.as_integer() != 2)) {
        return invalid(name, value, "is not 1 or 2");
      }
    } else if (name == "x-single-active-consumer") {
      if (value.tag != 't') return invalid(name, value, "is not a boolean");
      if (std::get<bool>(value.value)) return unsupported("x-single-active-consumer true");
    } else {
      bool known = false;
      for (const auto& u : kUnsupported) {
        if (u.name != name) continue;
        if (!has_type(value, u.type)) return invalid(name, value, "has the wrong type");
        known = true;
      }
      if (known) return unsupported("queue argument '" + name + "'");
      return amqp_error(ReplyCode::kPreconditionFailed,
                        "unknown queue argument '" + name +
                            "' (Sluice refuses arguments it "
                            "does not know rather than ignore them)");
    }
  }
  if (dlrk && !dlx) {
    return amqp_error(ReplyCode::kPreconditionFailed,
                      "invalid arg 'x-dead-letter-routing-key': x-dead-letter-routing-key "
                      "defined, but x-dead-letter-exchange not defined");
  }
  if (dlx) {
    const std::string& exchange = *dlx->as_string();
    if (!exchange.empty()) {
      return unsupported("dead-lettering through exchange '" + exchange +
                         "' (exchanges other than the default one come in a later version)");
    }
    if (!dlrk) {
      return unsupported(
          "x-dead-letter-exchange '' without x-dead-letter-routing-key (name the dead-letter "
          "queue in x-dead-letter-routing-key)");
    }
    const std::string& target = *dlrk->as_string();
    if (!is_valid_queue_name(target)) {
      return amqp_error(ReplyCode::kPreconditionFailed,
                        "invalid arg 'x-dead-letter-routing-key': '" + target.substr(0, 100) +
                            "' is not a valid queue name (" + std::string(kQueueNameRule) + ")");
    }
    out.dead_letter_queue = target;
    out.max_receive_count = kNoDeliveryLimitReceives;
  }
  if (limit) {
    if (!dlx) {
      return unsupported(
          "x-delivery-limit without a dead-letter queue (Sluice moves a message over its limit "
          "to the queue named by x-dead-letter-routing-key; it cannot drop it)");
    }
    const std::int64_t n = *limit->as_integer();
    if (n + 1 > kNoDeliveryLimitReceives) {
      return unsupported("x-delivery-limit " + std::to_string(n) + " (at most 999)");
    }
    out.max_receive_count = static_cast<std::uint32_t>(n + 1);
  }
  return out;
}

sdk::AttributeMap to_sqs_attributes(const QueueArguments& arguments,
                                    const std::function<std::string(const std::string&)>& arn_of) {
  sdk::AttributeMap attributes;
  if (arguments.retention_seconds) {
    attributes["MessageRetentionPeriod"] = std::to_string(*arguments.retention_seconds);
  }
  if (!arguments.dead_letter_queue.empty()) {
    nlohmann::json policy{{"deadLetterTargetArn", arn_of(arguments.dead_letter_queue)},
                          {"maxReceiveCount", arguments.max_receive_count}};
    attributes["RedrivePolicy"] = policy.dump();
  }
  return attributes;
}

std::string dead_letter_queue_of(const std::string& redrive_policy,
                                 const std::function<std::string(const std::string&)>& queue_of,
                                 std::uint32_t* max_receive_count) {
  if (redrive_policy.empty()) return {};
  auto doc = nlohmann::json::parse(redrive_policy, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return {};
  auto arn = doc.find("deadLetterTargetArn");
  if (arn == doc.end() || !arn->is_string()) return {};
  if (max_receive_count) {
    *max_receive_count = 0;
    auto count = doc.find("maxReceiveCount");
    if (count != doc.end() && count->is_number_unsigned()) {
      *max_receive_count = count->get<std::uint32_t>();
    } else if (count != doc.end() && count->is_string()) {
      *max_receive_count = static_cast<std::uint32_t>(std::stoul("0" + count->get<std::string>()));
    }
  }
  return queue_of(arn->get<std::string>());
}

QueueArguments from_sqs_attributes(const sdk::AttributeMap& attributes,
                                   const std::function<std::string(const std::string&)>& queue_of) {
  QueueArguments out;
  if (auto it = attributes.find("MessageRetentionPeriod"); it != attributes.end()) {
    const std::int64_t seconds = std::stoll("0" + it->second);
    if (seconds != kDefaultRetentionSeconds) out.retention_seconds = seconds;
  }
  if (auto it = attributes.find("RedrivePolicy"); it != attributes.end()) {
    out.dead_letter_queue = dead_letter_queue_of(it->second, queue_of, &out.max_receive_count);
    if (out.dead_letter_queue.empty()) out.max_receive_count = 0;
  }
  return out;
}

std::optional<AmqpError> check_equivalent(const std::string& queue, const QueueArguments& declared,
                                          const QueueArguments& existing) {
  const auto inequivalent = [&](const std::string& arg, const std::string& received,
                                const std::string& current) {
    return amqp_error(ReplyCode::kPreconditionFailed, "inequivalent arg '" + arg + "' for queue '" +
                                                          queue + "' in vhost '/': received '" +
                                                          received + "' but current is '" +
                                                          current + "'");
  };
  const auto normalized = [](std::optional<std::int64_t> s) {
    return s.value_or(kDefaultRetentionSeconds);
  };
  if (normalized(declared.retention_seconds) != normalized(existing.retention_seconds)) {
    return inequivalent("x-message-ttl", ms_text(declared.retention_seconds),
                        ms_text(existing.retention_seconds));
  }
  if (declared.dead_letter_queue != existing.dead_letter_queue) {
    return inequivalent("x-dead-letter-routing-key",
                        declared.dead_letter_queue.empty() ? "none" : declared.dead_letter_queue,
                        existing.dead_letter_queue.empty() ? "none" : existing.dead_letter_queue);
  }
  if (declared.max_receive_count != existing.max_receive_count) {
    const auto limit = [](std::uint32_t receives) {
      return receives == 0 || receives == kNoDeliveryLimitReceives ? std::string("none")
                                                                   : std::to_string(receives - 1);
    };
    return inequivalent("x-delivery-limit", limit(declared.max_receive_count),
                        limit(existing.max_receive_count));
  }
  return std::nullopt;
}

}  // namespace sluice::plugins::amqp
