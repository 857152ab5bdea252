// A deliberately wrong plugin. Each variant is this file built with one SLUICE_TEST_* definition
// (see ../CMakeLists.txt), so every descriptor check of the loader has a library that fails it.
#include <memory>

#include "sluice/sdk/plugin.hpp"

#ifndef SLUICE_TEST_BOOST_VERSION
#define SLUICE_TEST_BOOST_VERSION BOOST_VERSION
#endif
#ifndef SLUICE_TEST_KIND
#define SLUICE_TEST_KIND kStorage
#endif
#ifndef SLUICE_TEST_SDK_VERSION
#define SLUICE_TEST_SDK_VERSION "0.1.0"
#endif

namespace {

using sluice::sdk::PluginContext;
using sluice::sdk::Result;

[[maybe_unused]] Result<std::unique_ptr<sluice::sdk::QueueStore>> refuse_store(
    const PluginContext&) {
  return sluice::sdk::make_error(sluice::sdk::ErrorCode::kUnsupportedOperation,
                                 "the misbehaving test plugin creates no stores");
}

[[maybe_unused]] Result<std::unique_ptr<sluice::sdk::ProtocolFrontEnd>> refuse_protocol(
    const PluginContext&) {
  return sluice::sdk::make_error(sluice::sdk::ErrorCode::kUnsupportedOperation,
                                 "the misbehaving test plugin creates no front ends");
}

#ifdef SLUICE_TEST_ABI_99
// Only abi_version may be read from a descriptor of an unknown ABI: everything else here is junk
// that would crash a loader that looked at it.
const sluice::sdk::PluginDescriptor kDescriptor{
    .abi_version = 99,
    .sdk_version = nullptr,
    .kind = static_cast<sluice::sdk::PluginKind>(0xdead),
    .name = nullptr,
    .plugin_version = nullptr,
    .status = nullptr,
    .description = nullptr,
    .fingerprint = {nullptr, nullptr, 0, 0},
    .options = nullptr,
    .option_count = 12345,
    .create_storage = nullptr,
    .create_protocol = nullptr,
    .create_authenticator = nullptr,
    .create_cipher = nullptr,
};
#else
const sluice::sdk::PluginDescriptor kDescriptor{
    .abi_version = sluice::sdk::kAbiVersion,
    .sdk_version = SLUICE_TEST_SDK_VERSION,
    .kind = sluice::sdk::PluginKind::SLUICE_TEST_KIND,
    .name = "misbehaving",
    .plugin_version = "0.0.1",
    .status = "experimental",
    .description = "a deliberately wrong plugin for the loader's tests",
    .fingerprint = {SLUICE_BUILD_FINGERPRINT.compiler, SLUICE_BUILD_FINGERPRINT.standard_library,
                    SLUICE_TEST_BOOST_VERSION, GOOGLE_PROTOBUF_VERSION},
    .options = nullptr,
    .option_count = 0,
#ifdef SLUICE_TEST_NULL_FACTORY
    .create_storage = nullptr,
    .create_protocol = nullptr,
#else
    .create_storage = &refuse_store,
    .create_protocol = &refuse_protocol,
#endif
    .create_authenticator = nullptr,
    .create_cipher = nullptr,
};
#endif

}  // namespace

SLUICE_EXPORT_PLUGIN(kDescriptor)
