// A small HTTP/1.1 server on Boost.Beast for the SQS front end: keep-alive, `Expect:
// 100-continue`, a body limit enforced while reading (a body is never buffered beyond it), idle
// and read timeouts, a connection limit and a graceful stop. It knows nothing about SQS: each
// request goes to a RequestHandler, which answers asynchronously from any thread, and a request
// over the body limit goes to an OversizeHandler, which words the refusal.
#pragma once

#include <utility>  // before Asio under C++20 with Boost 1.74

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "sluice/sdk/result.hpp"

namespace sluice::plugins::sqs {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct PeerInfo {
  std::string address;  // "127.0.0.1"
};

// Called on an I/O thread for every complete request. `respond` must be called exactly once, from
// any thread; the server moves the reply onto the connection's strand.
using RequestHandler = std::function<void(HttpRequest request, const PeerInfo& peer,
                                          std::function<void(HttpResponse)> respond)>;

// Called on an I/O thread for a request whose body is over max_body_bytes, with the request's
// headers only (the body is empty); returns the reply at once. The server sends it with
// `Connection: close`, then reads and discards what the client is still sending, so the client
// sees the reply instead of a connection reset. Unset: a plain-text 413.
using OversizeHandler = std::function<HttpResponse(const HttpRequest& headers)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 9324;
  std::size_t max_body_bytes = 6 * 1024 * 1024;
  std::size_t max_connections = 1024;
  // An idle keep-alive connection, or a request whose headers and body do not arrive in time,
  // is closed after this.
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds read_timeout{30};
  // stop() waits this long for requests in progress (long polls) before closing them.
  std::chrono::seconds shutdown_grace{25};
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler handler, OversizeHandler oversize = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting on `io`. Returns the bind error instead of throwing.
  sdk::Status start(boost::asio::io_context& io);
  // The port actually bound (useful with port 0).
  std::uint16_t port() const { return bound_port_; }
  // Stops accepting, closes idle connections, waits up to shutdown_grace for busy ones, then
  // closes the rest. Must not be called from an I/O thread of `io`.
  void stop();

  class Session;
  struct Shared;  // state sessions share with the server (counters, stop flag)

 private:
  void accept();

  HttpServerOptions options_;
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::uint16_t bound_port_ = 0;
};

}  // namespace sluice::plugins::sqs
