// The SQS front end's plugin descriptor and option schema.
#include "sluice/sdk/plugin.hpp"
#include "sqs_front_end.hpp"

namespace sluice::plugins::sqs {
namespace {

constexpr sdk::OptionSpec kOptions[] = {
    {"listen", sdk::OptionType::kString, "\"127.0.0.1\"", "IP address to listen on", 0, 0},
    {"port", sdk::OptionType::kInt, "9324", "TCP port (0 = any free port)", 0, 65535},
    {"public_url", sdk::OptionType::kString, "\"\"",
     "base of returned queue URLs; empty = the Host the client used", 0, 0},
    {"max_connections", sdk::OptionType::kInt, "1024",
     "connections beyond this get 503 and are closed", 1, 1000000},
    {"max_body_bytes", sdk::OptionType::kInt, "6291456",
     "largest accepted request body (a 1 MiB message grows when encoded)", 1024, 1 << 30},
    {"idle_timeout_seconds", sdk::OptionType::kInt, "75",
     "close idle keep-alive connections and stalled requests after this", 1, 86400},
    {"read_timeout_seconds", sdk::OptionType::kInt, "30", "time allowed to write a reply", 1, 3600},
    {"io_threads", sdk::OptionType::kInt, "2", "threads serving connections", 1, 256},
    {"shutdown_grace_seconds", sdk::OptionType::kInt, "25",
     "on stop, wait this long for requests in progress (long polls)", 0, 3600},
    {"max_clock_skew_seconds", sdk::OptionType::kInt, "300",
     "with an auth plugin: how far a request's X-Amz-Date may be from this server's clock "
     "(RequestExpired beyond it; AWS allows 900)",
     1, 86400},
};

sdk::Result<std::unique_ptr<sdk::ProtocolFrontEnd>> create(const sdk::PluginContext& context) {
  return std::unique_ptr<sdk::ProtocolFrontEnd>(
      std::make_unique<SqsFrontEnd>(sqs_options_from(context.config), context.logger));
}

const sdk::PluginDescriptor kDescriptor{
    sdk::kAbiVersion,
    sdk::kSdkVersion.data(),
    sdk::PluginKind::kProtocol,
    "sqs",
    "0.1.0",
    "experimental",
    "Amazon SQS wire protocols (query and JSON 1.0) over HTTP/1.1; SigV4 signatures and IAM-style "
    "policies checked when an auth plugin is configured; no TLS",
    SLUICE_BUILD_FINGERPRINT,
    kOptions,
    std::size(kOptions),
    nullptr,
    &create,
    nullptr,
    nullptr,
};

}  // namespace
}  // namespace sluice::plugins::sqs

SLUICE_EXPORT_PLUGIN(sluice::plugins::sqs::kDescriptor)
