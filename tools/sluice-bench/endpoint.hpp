// An http:// endpoint URL taken apart and resolved once, before the run.
#pragma once

#include <utility>  // before Asio under C++20 with Boost 1.74

#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>

namespace sluice::bench {

struct Endpoint {
  std::string host;  // "127.0.0.1"
  std::uint16_t port = 80;
  std::string host_header;  // "127.0.0.1:9324"
  boost::asio::ip::tcp::endpoint address;
};

// Parses "http://host[:port][/...]" and resolves the host. Returns an error message, or "".
std::string resolve_endpoint(const std::string& url, Endpoint& out);

}  // namespace sluice::bench
