// Opening plugin libraries and checking their descriptors. See plugin_loader.hpp for the contract;
// creating objects lives in plugin_factory.cpp, discovery in plugin_catalog.cpp.
#include "sluice/core/plugin_loader.hpp"

#include <dlfcn.h>

#include <cstring>
#include <exception>
#include <string>
#include <system_error>
#include <utility>

#include <boost/dll/shared_library.hpp>

namespace sluice::core {

struct LoadedPlugin::Library {
  boost::dll::shared_library library;
};

namespace {

sdk::Error refusal(const std::filesystem::path& file, std::string_view what,
                   std::string_view expected, std::string_view found,
                   sdk::ErrorCode code = sdk::ErrorCode::kUnsupportedOperation) {
  std::string message = "plugin " + file.string() + ": " + std::string(what) + ": expected " +
                        std::string(expected) + ", found " + std::string(found);
  return sdk::make_error(code, std::move(message));
}

sdk::Error load_failure(const std::filesystem::path& file, std::string_view reason,
                        sdk::ErrorCode code) {
  return sdk::make_error(code, "plugin " + file.string() + ": " + std::string(reason));
}

std::string text_or_null(const char* text) { return text == nullptr ? "(null)" : text; }

bool same_text(const char* a, const char* b) {
  return a != nullptr && b != nullptr && std::strcmp(a, b) == 0;
}

// BOOST_VERSION 107400 -> "1.74.0"
std::string boost_version_text(std::uint32_t v) {
  return std::to_string(v / 100000) + "." + std::to_string(v / 100 % 1000) + "." +
         std::to_string(v % 100);
}

// GOOGLE_PROTOBUF_VERSION 3021012 -> "3.21.12"
std::string protobuf_version_text(std::uint32_t v) {
  return std::to_string(v / 1000000) + "." + std::to_string(v / 1000 % 1000) + "." +
         std::to_string(v % 1000);
}

std::string kind_text(sdk::PluginKind kind) {
  std::string_view name = sdk::plugin_kind_name(kind);
  if (name == "unknown") return "unknown kind " + std::to_string(static_cast<std::uint32_t>(kind));
  return std::string(name);
}

// "0.1.0" -> "0.1"; empty if the text is not MAJOR.MINOR[.PATCH...].
std::string major_minor(std::string_view version) {
  auto first = version.find('.');
  if (first == std::string_view::npos || first == 0) return {};
  auto second = version.find('.', first + 1);
  std::string_view mm = version.substr(0, second);
  if (mm.size() == first + 1) return {};
  for (char c : mm) {
    if (c != '.' && (c < '0' || c > '9')) return {};
  }
  return std::string(mm);
}

sdk::Status check_fingerprint(const std::filesystem::path& file,
                              const sdk::BuildFingerprint& found) {
  const sdk::BuildFingerprint host = SLUICE_BUILD_FINGERPRINT;
  const std::string_view what = "build fingerprint mismatch";
  if (!same_text(host.compiler, found.compiler)) {
    return refusal(file, what, "compiler " + text_or_null(host.compiler),
                   "compiler " + text_or_null(found.compiler));
  }
  if (!same_text(host.standard_library, found.standard_library)) {
    return refusal(file, what, "standard library " + text_or_null(host.standard_library),
                   "standard library " + text_or_null(found.standard_library));
  }
  if (host.boost_version != found.boost_version) {
    return refusal(file, what, "Boost " + boost_version_text(host.boost_version),
                   "Boost " + boost_version_text(found.boost_version));
  }
  if (host.protobuf_version != found.protobuf_version) {
    return refusal(file, what, "Protobuf " + protobuf_version_text(host.protobuf_version),
                   "Protobuf " + protobuf_version_text(found.protobuf_version));
  }
  return sdk::Status::Ok();
}

// The factory field a descriptor of `kind` must set, and whether it is set.
std::pair<std::string_view, bool> factory_for(const sdk::PluginDescriptor& d) {
  switch (d.kind) {
    case sdk::PluginKind::kStorage:
      return {"create_storage", d.create_storage != nullptr};
    case sdk::PluginKind::kProtocol:
      return {"create_protocol", d.create_protocol != nullptr};
    case sdk::PluginKind::kAuth:
      return {"create_authenticator", d.create_authenticator != nullptr};
    case sdk::PluginKind::kEncryption:
      return {"create_cipher", d.create_cipher != nullptr};
  }
  return {"a factory", false};
}

bool valid_name(const char* name) {
  if (name == nullptr || *name == '\0') return false;
  for (const char* p = name; *p != '\0'; ++p) {
    const char c = *p;
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Every check after the ABI version, in the documented order.
sdk::Status check_descriptor(const std::filesystem::path& file, const sdk::PluginDescriptor& d,
                             std::optional<sdk::PluginKind> expected_kind) {
  const std::string host_sdk = major_minor(sdk::kSdkVersion);
  const std::string plugin_sdk = d.sdk_version == nullptr ? "" : major_minor(d.sdk_version);
  if (plugin_sdk.empty() || plugin_sdk != host_sdk) {
    return refusal(file, "SDK version mismatch", host_sdk + ".x", text_or_null(d.sdk_version));
  }
  const std::string_view kind_name = sdk::plugin_kind_name(d.kind);
  if (kind_name == "unknown") {
    return refusal(file, "unknown plugin kind", "storage, protocol, auth or encryption",
                   kind_text(d.kind));
  }
  if (expected_kind && *expected_kind != d.kind) {
    return refusal(file, "kind mismatch", kind_text(*expected_kind), kind_text(d.kind));
  }
  if (auto status = check_fingerprint(file, d.fingerprint); !status) return status;
  if (!valid_name(d.name)) {
    return refusal(file, "invalid plugin name", "lower-case letters, digits, '-' or '_'",
                   d.name == nullptr ? "(null)" : "\"" + std::string(d.name) + "\"");
  }
  if (d.option_count > 0 && d.options == nullptr) {
    return refusal(file, "invalid option schema",
                   "options for " + std::to_string(d.option_count) + " entries", "null");
  }
  auto [factory_name, factory_set] = factory_for(d);
  if (!factory_set) {
    return refusal(file, "missing factory",
                   std::string(factory_name) + " set for a " + std::string(kind_name) + " plugin",
                   "null");
  }
  return sdk::Status::Ok();
}

std::string last_dlerror() {
  const char* text = dlerror();
  return text == nullptr ? std::string() : std::string(text);
}

}  // namespace

LoadedPlugin::LoadedPlugin(std::unique_ptr<Library> library,
                           const sdk::PluginDescriptor* descriptor, std::filesystem::path file)
    : library_(std::move(library)), descriptor_(descriptor), file_(std::move(file)) {}

// Out of line: Library is complete only here. The descriptor points into the library, which is
// unloaded last.
LoadedPlugin::~LoadedPlugin() = default;

std::span<const sdk::OptionSpec> LoadedPlugin::options() const {
  if (descriptor_->options == nullptr) return {};
  return {descriptor_->options, descriptor_->option_count};
}

PluginInfo LoadedPlugin::info() const {
  const sdk::PluginDescriptor& d = *descriptor_;
  return PluginInfo{file_,
                    d.kind,
                    d.name,
                    text_or_null(d.plugin_version),
                    text_or_null(d.status),
                    d.description == nullptr ? std::string() : std::string(d.description)};
}

sdk::Result<std::shared_ptr<LoadedPlugin>> load_plugin(
    const std::filesystem::path& file, std::optional<sdk::PluginKind> expected_kind) {
  std::error_code exists_ec;
  if (!std::filesystem::exists(file, exists_ec)) {
    return load_failure(file, "cannot load: no such file", sdk::ErrorCode::kNotFound);
  }
  try {
    auto library = std::make_unique<LoadedPlugin::Library>();
    std::error_code ec;
    dlerror();  // clear any stale message so the one below is ours
    library->library.load(file, ec,
                          boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    if (ec) {
      std::string reason = last_dlerror();
      if (reason.empty()) reason = ec.message();
      return load_failure(file, "cannot load: " + reason, sdk::ErrorCode::kInternal);
    }
    if (!library->library.has(sdk::kDescriptorSymbol)) {
      return load_failure(file,
                          std::string("not a Sluice plugin: no symbol ") + sdk::kDescriptorSymbol,
                          sdk::ErrorCode::kUnsupportedOperation);
    }
    auto& entry = library->library.get<const sdk::PluginDescriptor*()>(sdk::kDescriptorSymbol);
    const sdk::PluginDescriptor* descriptor = entry();
    if (descriptor == nullptr) {
      return load_failure(file, "not a Sluice plugin: sluice_plugin_descriptor() returned null",
                          sdk::ErrorCode::kUnsupportedOperation);
    }
    // The ABI version is the only field whose layout every ABI shares: read it alone first.
    if (descriptor->abi_version != sdk::kAbiVersion) {
      return refusal(file, "ABI version mismatch", std::to_string(sdk::kAbiVersion),
                     std::to_string(descriptor->abi_version));
    }
    if (auto status = check_descriptor(file, *descriptor, expected_kind); !status) {
      return status.error();
    }
    return std::shared_ptr<LoadedPlugin>(new LoadedPlugin(std::move(library), descriptor, file));
  } catch (const std::exception& e) {
    return load_failure(file, std::string("cannot load: ") + e.what(), sdk::ErrorCode::kInternal);
  }
}

}  // namespace sluice::core
