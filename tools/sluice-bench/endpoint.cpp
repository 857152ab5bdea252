#include "endpoint.hpp"

#include <charconv>

#include <boost/asio/io_context.hpp>

namespace sluice::bench {

std::string resolve_endpoint(const std::string& url, Endpoint& out) {
  constexpr std::string_view kScheme = "http://";
  std::string_view rest(url);
  if (rest.substr(0, kScheme.size()) != kScheme) {
    return "endpoint '" + url + "' must start with http:// (https is not supported)";
  }
  rest.remove_prefix(kScheme.size());
  rest = rest.substr(0, rest.find('/'));
  std::string_view host = rest;
  std::uint16_t port = 80;
  if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    const auto digits = rest.substr(colon + 1);
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || port == 0) {
      return "endpoint '" + url + "' has a bad port";
    }
  }
  if (host.empty()) return "endpoint '" + url + "' has no host";
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(std::string(host), std::to_string(port), ec);
  if (ec || results.empty()) {
    return "cannot resolve '" + std::string(host) + "': " + ec.message();
  }
  out.host = std::string(host);
  out.port = port;
  out.host_header = std::string(rest);
  out.address = results.begin()->endpoint();
  return {};
}

}  // namespace sluice::bench
