// The AMQP 0-9-1 front end's plugin descriptor and option schema.
#include "amqp_front_end.hpp"
#include "sluice/sdk/plugin.hpp"

namespace sluice::plugins::amqp {
namespace {

constexpr sdk::OptionSpec kOptions[] = {
    {"listen", sdk::OptionType::kString, "\"127.0.0.1\"", "IP address to listen on", 0, 0},
    {"port", sdk::OptionType::kInt, "5672", "TCP port (0 = any free port)", 0, 65535},
    {"io_threads", sdk::OptionType::kInt, "2", "threads serving connections", 1, 256},
    {"users", sdk::OptionType::kStringList, "[]",
     "without an auth plugin: accepted logins as \"name:password\" (empty = guest/guest, from "
     "loopback only); with one: must be empty, the plugin's users log in",
     0, 0},
    {"loopback_users", sdk::OptionType::kStringList, "[\"guest\"]",
     "users that may only connect from 127.0.0.0/8 or ::1", 0, 0},
    {"channel_max", sdk::OptionType::kInt, "2047", "channels per connection (connection.tune)", 1,
     65535},
    {"frame_max", sdk::OptionType::kInt, "131072", "largest frame in bytes (connection.tune)", 4096,
     16777216},
    {"heartbeat_seconds", sdk::OptionType::kInt, "60",
     "heartbeat proposed in connection.tune; the client's answer is used, 0 = off", 0, 65535},
    {"handshake_timeout_seconds", sdk::OptionType::kInt, "10",
     "time from accept to connection.open", 1, 3600},
    {"delivery_lease_seconds", sdk::OptionType::kInt, "1800",
     "how long a delivery stays claimed without an ack: the channel is closed with 406 when it "
     "runs out, and if the broker dies the message returns to its queue after it",
     5, 43200},
    {"max_message_bytes", sdk::OptionType::kInt, "1048576",
     "largest message body accepted (the queue's MaximumMessageSize also applies)", 1, 536870912},
    {"max_connections", sdk::OptionType::kInt, "4096", "connections beyond this are refused", 1,
     1000000},
    {"max_pending_bytes", sdk::OptionType::kInt, "8388608",
     "per connection: unexecuted input plus unwritten output above which the socket is not read "
     "(TCP back-pressure)",
     65536, 1073741824},
    {"shutdown_grace_seconds", sdk::OptionType::kInt, "10",
     "on stop, wait this long for connections to hand their deliveries back", 0, 3600},
};

sdk::Result<std::unique_ptr<sdk::ProtocolFrontEnd>> create(const sdk::PluginContext& context) {
  AmqpOptions options = amqp_options_from(context.config);
  auto users = UserTable::from_config(options.users, options.loopback_users);
  if (!users.ok()) {
    return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                           "[protocol.amqp] " + users.error().explanation);
  }
  return std::unique_ptr<sdk::ProtocolFrontEnd>(
      std::make_unique<AmqpFrontEnd>(std::move(options), std::move(users).value(), context.logger));
}

const sdk::PluginDescriptor kDescriptor{
    sdk::kAbiVersion,
    sdk::kSdkVersion.data(),
    sdk::PluginKind::kProtocol,
    "amqp",
    "0.1.0",
    "experimental",
    "AMQP 0-9-1 (RabbitMQ clients) on the shared queues: default exchange only, SASL "
    "PLAIN/AMQPLAIN against the auth plugin (or configured users), no TLS",
    SLUICE_BUILD_FINGERPRINT,
    kOptions,
    std::size(kOptions),
    nullptr,
    &create,
    nullptr,
    nullptr,
};

}  // namespace
}  // namespace sluice::plugins::amqp

SLUICE_EXPORT_PLUGIN(sluice::plugins::amqp::kDescriptor)
