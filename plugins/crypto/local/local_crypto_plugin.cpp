// The plugin descriptor of sluice-encryption-local.so: AES-256-GCM encryption at rest with master
// keys from local files. Selected with
//   [encryption]
//   plugin = "local"
//   [encryption.local]
//   master_key_file = "/etc/sluice/master.key"
//   previous_master_key_files = ["/etc/sluice/master-2024.key"]   # rotation only
#include <exception>
#include <memory>
#include <string>

#include "file_key_provider.hpp"
#include "local_cipher.hpp"
#include "sluice/sdk/plugin.hpp"

namespace sluice::plugins::local_crypto {
namespace {

const sdk::OptionSpec kOptions[] = {
    {"master_key_file", sdk::OptionType::kString, nullptr,
     "file holding the current master key: 32 random bytes, raw or as 64 hex digits "
     "(openssl rand -hex 32); must not be readable by other users. Relative paths are resolved "
     "against sluiced's working folder"},
    {"previous_master_key_files", sdk::OptionType::kStringList, "[]",
     "master keys being rotated out: data keys wrapped under them are still readable and are "
     "re-wrapped under master_key_file when sluiced starts; remove them once that is done"},
};

sdk::Result<std::unique_ptr<sdk::PayloadCipher>> create_local_cipher(
    const sdk::PluginContext& context) {
  try {
    const std::string current = context.config.get_string("master_key_file");
    if (current.empty()) {
      return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                             "master_key_file: expected the path of a key file, found \"\"");
    }
    std::vector<std::filesystem::path> previous;
    for (const auto& file : context.config.get_string_list("previous_master_key_files")) {
      previous.emplace_back(file);
    }
    auto provider = FileKeyProvider::open(current, previous);
    if (!provider.ok()) return provider.error();
    std::string held = "master key " + (*provider)->current_key_id() + " from " + current;
    if (!previous.empty()) {
      held += "; " + std::to_string((*provider)->key_ids().size() - 1) + " previous key(s)";
    }
    context.logger.info(held);
    return std::unique_ptr<sdk::PayloadCipher>(
        std::make_unique<LocalCipher>(std::move(provider).value()));
  } catch (const std::exception& e) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           std::string("cannot create the local cipher: ") + e.what());
  }
}

const sdk::PluginDescriptor kDescriptor{
    .abi_version = sdk::kAbiVersion,
    .sdk_version = sdk::kSdkVersion.data(),
    .kind = sdk::PluginKind::kEncryption,
    .name = "local",
    .plugin_version = "0.1.0",
    .status = "experimental",
    .description =
        "Encryption at rest: AES-256-GCM message bodies and attributes under per-queue data keys, "
        "wrapped by a master key read from a local file",
    .fingerprint = SLUICE_BUILD_FINGERPRINT,
    .options = kOptions,
    .option_count = sizeof(kOptions) / sizeof(kOptions[0]),
    .create_storage = nullptr,
    .create_protocol = nullptr,
    .create_authenticator = nullptr,
    .create_cipher = &create_local_cipher,
};

}  // namespace
}  // namespace sluice::plugins::local_crypto

SLUICE_EXPORT_PLUGIN(sluice::plugins::local_crypto::kDescriptor)
