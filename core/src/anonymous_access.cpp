#include "sluice/core/anonymous_access.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <string>

namespace sluice::core {

bool is_loopback_address(std::string_view address) {
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  if (address == "localhost") return true;
  const std::string text(address);
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) return bytes[0] == 127;
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) return false;
  static constexpr std::array<unsigned char, 16> kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0,
                                                               0, 0, 0, 0, 0, 0, 0, 1};
  if (bytes == kLoopback6) return true;
  // ::ffff:127.x.y.z, an IPv4 loopback address written as IPv6.
  const bool v4_mapped =
      std::all_of(bytes.begin(), bytes.begin() + 10, [](unsigned char b) { return b == 0; }) &&
      bytes[10] == 0xff && bytes[11] == 0xff;
  return v4_mapped && bytes[12] == 127;
}

sdk::Status check_anonymous_exposure(const SluiceConfig& config, bool auth_configured,
                                     std::span<const FrontEndListen> front_ends) {
  if (auth_configured || config.host.allow_anonymous) return sdk::Status::Ok();
  for (const auto& front_end : front_ends) {
    if (!front_end.options.has("listen")) continue;
    const std::string address = front_end.options.get_string("listen");
    if (is_loopback_address(address)) continue;
    std::uint32_t line = front_end.section.line;
    for (const auto& option : front_end.section.options) {
      if (option.key == "listen") line = option.line;
    }
    return sdk::make_error(
        sdk::ErrorCode::kInvalidParameterValue,
        config.file.string() + ":" + std::to_string(line) + ": " + front_end.section.dotted_path +
            ".listen: \"" + address +
            "\" is not a loopback address and no auth plugin is configured, so anyone who can "
            "reach it could use every queue: configure [auth] (see docs/security.md) or set "
            "[broker] allow_anonymous = true");
  }
  return sdk::Status::Ok();
}

}  // namespace sluice::core
