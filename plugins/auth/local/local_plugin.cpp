// The local auth plugin's descriptor and option schema ([auth.local] in sluice.toml).
#include "local_authenticator.hpp"
#include "sluice/sdk/plugin.hpp"

namespace sluice::plugins::auth_local {
namespace {

constexpr sdk::OptionSpec kOptions[] = {
    {"users_file", sdk::OptionType::kString, nullptr,
     "TOML file of users, access keys, password hashes and policies (see docs/security.md); "
     "relative to sluiced's working directory; re-read on SIGHUP",
     0, 0},
    {"failed_auth_burst", sdk::OptionType::kInt, "10",
     "failed authentications one source address may make before it is throttled", 1, 1000000},
    {"failed_auth_per_minute", sdk::OptionType::kInt, "10",
     "how fast a throttled address earns attempts back (failures forgiven per minute)", 1, 1000000},
    {"max_tracked_addresses", sdk::OptionType::kInt, "10000",
     "source addresses whose failures are remembered (memory bound)", 100, 10000000},
};

sdk::Result<std::unique_ptr<sdk::Authenticator>> create(const sdk::PluginContext& context) {
  LocalAuthOptions options;
  options.users_file = context.config.get_string("users_file");
  if (options.users_file.empty()) {
    return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                           "users_file: expected the path of the users file, found \"\"");
  }
  options.limiter.burst = static_cast<double>(context.config.get_int("failed_auth_burst", 10));
  options.limiter.refill_per_minute =
      static_cast<double>(context.config.get_int("failed_auth_per_minute", 10));
  options.limiter.max_addresses =
      static_cast<std::size_t>(context.config.get_int("max_tracked_addresses", 10000));
  auto made = LocalAuthenticator::create(std::move(options), context.logger);
  if (!made.ok()) return made.error();
  return std::unique_ptr<sdk::Authenticator>(std::move(made).value());
}

const sdk::PluginDescriptor kDescriptor{
    sdk::kAbiVersion,
    sdk::kSdkVersion.data(),
    sdk::PluginKind::kAuth,
    "local",
    "0.1.0",
    "experimental",
    "Users, SigV4 access keys, PBKDF2 password hashes and IAM-style policies from a local TOML "
    "file; reloaded on SIGHUP; failed logins throttled per source address",
    SLUICE_BUILD_FINGERPRINT,
    kOptions,
    std::size(kOptions),
    nullptr,
    nullptr,
    &create,
    nullptr,
};

}  // namespace
}  // namespace sluice::plugins::auth_local

SLUICE_EXPORT_PLUGIN(sluice::plugins::auth_local::kDescriptor)
