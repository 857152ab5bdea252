// The plugin descriptor: the one symbol a plugin library exports (through Boost.DLL, under the
// alias "sluice_plugin_descriptor"). The host reads abi_version first and reads nothing else
// from a descriptor whose ABI it does not speak, then checks every other field before calling
// the factory, and refuses a mismatch with one line naming the file, what it expected and what
// it found.
//
// Growing the SDK: add, never change. A change that breaks built plugins bumps kAbiVersion.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include <google/protobuf/stubs/common.h>
#include <boost/config.hpp>
#include <boost/version.hpp>

#include "sluice/sdk/auth.hpp"
#include "sluice/sdk/config.hpp"
#include "sluice/sdk/crypto.hpp"
#include "sluice/sdk/logger.hpp"
#include "sluice/sdk/protocol.hpp"
#include "sluice/sdk/result.hpp"
#include "sluice/sdk/storage.hpp"

namespace sluice::sdk {

inline constexpr std::uint32_t kAbiVersion = 1;
inline constexpr std::string_view kSdkVersion = "0.1.0";
inline constexpr const char* kDescriptorSymbol = "sluice_plugin_descriptor";

enum class PluginKind : std::uint32_t { kStorage = 1, kProtocol = 2, kAuth = 3, kEncryption = 4 };
std::string_view plugin_kind_name(PluginKind kind);

// What the plugin was built with. C++ types cross the boundary, so host and plugin must agree on
// compiler ABI, standard library and the Boost and Protobuf versions.
struct BuildFingerprint {
  const char* compiler;
  const char* standard_library;
  std::uint32_t boost_version;     // BOOST_VERSION
  std::uint32_t protobuf_version;  // GOOGLE_PROTOBUF_VERSION
};

#define SLUICE_STRINGIFY_INNER(x) #x
#define SLUICE_STRINGIFY(x) SLUICE_STRINGIFY_INNER(x)

// The fingerprint of whatever translation unit expands it: the host and each plugin expand it
// in their own build and the loader compares the two.
#define SLUICE_BUILD_FINGERPRINT                                                       \
  ::sluice::sdk::BuildFingerprint {                                                    \
    "gcc " SLUICE_STRINGIFY(__GNUC__) "." SLUICE_STRINGIFY(__GNUC_MINOR__),            \
        "libstdc++ " SLUICE_STRINGIFY(_GLIBCXX_RELEASE) " cxx11abi " SLUICE_STRINGIFY( \
            _GLIBCXX_USE_CXX11_ABI),                                                   \
        BOOST_VERSION, GOOGLE_PROTOBUF_VERSION                                         \
  }

// Everything the host hands a plugin when it creates one. Valid for the plugin object's lifetime.
struct PluginContext {
  const PluginConfig& config;  // the plugin's own section, validated against its schema
  Logger& logger;
  std::string_view instance_name;  // the config section name, for log lines
};

// Factories: exactly the one for the descriptor's kind is set.
using StorageFactory = Result<std::unique_ptr<QueueStore>> (*)(const PluginContext&);
using ProtocolFactory = Result<std::unique_ptr<ProtocolFrontEnd>> (*)(const PluginContext&);
using AuthenticatorFactory = Result<std::unique_ptr<Authenticator>> (*)(const PluginContext&);
using CipherFactory = Result<std::unique_ptr<PayloadCipher>> (*)(const PluginContext&);

struct PluginDescriptor {
  std::uint32_t abi_version;  // must stay the first field
  const char* sdk_version;
  PluginKind kind;
  const char* name;            // "memory", "rocksdb", "sqs"
  const char* plugin_version;  // the plugin's own version
  const char* status;          // "stable" or "experimental"
  const char* description;     // one line: what it is for, durability and security properties
  BuildFingerprint fingerprint;
  const OptionSpec* options;  // the option schema of the plugin's config section
  std::size_t option_count;
  StorageFactory create_storage;
  ProtocolFactory create_protocol;
  AuthenticatorFactory create_authenticator;
  CipherFactory create_cipher;
};

}  // namespace sluice::sdk

// Exports `descriptor` (a namespace-scope PluginDescriptor) from a plugin library, once per
// library.
#define SLUICE_EXPORT_PLUGIN(descriptor)                                \
  extern "C" BOOST_SYMBOL_EXPORT const ::sluice::sdk::PluginDescriptor* \
  sluice_plugin_descriptor() {                                          \
    return &(descriptor);                                               \
  }
