// A well-formed protocol plugin with an option of every type, for the schema and lifetime tests.
// Its front end binds nothing: it reports its config through the host's logger when created and
// logs "stopped" from stop(), which lets a test prove that plugin code still runs (the library is
// still loaded, the logger still alive) after the host dropped its own LoadedPlugin.
#include <iterator>
#include <memory>
#include <string>

#include "sluice/sdk/plugin.hpp"

namespace {

using namespace sluice;

class SchemaFrontEnd final : public sdk::ProtocolFrontEnd {
 public:
  explicit SchemaFrontEnd(const sdk::PluginContext& context) : context_(context) {
    std::string users;
    for (const auto& user : context.config.get_string_list("users")) users += user + ";";
    context_.logger.info("created " + std::string(context.instance_name) +
                         " host=" + context.config.get_string("host") +
                         " port=" + std::to_string(context.config.get_int("port")) +
                         " verbose=" + (context.config.get_bool("verbose") ? "true" : "false") +
                         " ratio=" + std::to_string(context.config.get_double("ratio")) +
                         " users=" + users);
  }
  sdk::Status start(sdk::BrokerApi&) override { return {}; }
  void stop() override { context_.logger.info("stopped " + std::string(context_.instance_name)); }

 private:
  const sdk::PluginContext& context_;
};

sdk::Result<std::unique_ptr<sdk::ProtocolFrontEnd>> create(const sdk::PluginContext& context) {
  return std::unique_ptr<sdk::ProtocolFrontEnd>(std::make_unique<SchemaFrontEnd>(context));
}

const sdk::OptionSpec kOptions[] = {
    {"host", sdk::OptionType::kString, "\"127.0.0.1\"", "address to listen on"},
    {"port", sdk::OptionType::kInt, "9324", "TCP port", 1, 65535},
    {"verbose", sdk::OptionType::kBool, "false", "log every request"},
    {"ratio", sdk::OptionType::kDouble, "0.5", "a fraction"},
    {"users", sdk::OptionType::kStringList, "[\"guest\"]", "users allowed in"},
};

const sdk::PluginDescriptor kDescriptor{
    .abi_version = sdk::kAbiVersion,
    .sdk_version = sdk::kSdkVersion.data(),
    .kind = sdk::PluginKind::kProtocol,
    .name = "schema",
    .plugin_version = "1.2.3",
    .status = "experimental",
    .description = "test front end with an option of every type; serves nothing",
    .fingerprint = SLUICE_BUILD_FINGERPRINT,
    .options = kOptions,
    .option_count = std::size(kOptions),
    .create_storage = nullptr,
    .create_protocol = &create,
    .create_authenticator = nullptr,
    .create_cipher = nullptr,
};

}  // namespace

SLUICE_EXPORT_PLUGIN(kDescriptor)
