#include "sluice/sdk/plugin.hpp"

namespace sluice::sdk {

std::string_view plugin_kind_name(PluginKind kind) {
  switch (kind) {
    case PluginKind::kStorage:
      return "storage";
    case PluginKind::kProtocol:
      return "protocol";
    case PluginKind::kAuth:
      return "auth";
    case PluginKind::kEncryption:
      return "encryption";
  }
  return "unknown";
}

}  // namespace sluice::sdk
