// A small HTTP/1.1 server on Boost.Beast for the SQS front end: keep-alive, `Expect:
// 100-continue`, a body limit enforced while reading (a body is never buffered beyond it), idle
// and read timeouts, a connection limit and a graceful stop. It knows nothing about SQS: each
// request goes to a RequestHandler, which answers asynchronously from any thread, and a request
// over the body limit goes to an OversizeHandler, which words the refusal.
//
// Threads: the io_context given to start() only accepts. Connections are served by the server's
// own I/O workers (options.io_threads), each a single-threaded io_context; a connection stays on
// one worker for its life, so its handlers never run concurrently and need no strand, and work a
// connection hands itself (the next read after a reply) never wakes another thread. Deadlines
// are checked by each worker once a second rather than by a timer per socket operation, so a
// timeout fires up to a second late.
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
#include <vector>

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
// any thread; the server moves the reply onto the connection's I/O thread.
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
  // is closed after this (checked once a second).
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds read_timeout{30};
  // stop() waits this long for requests in progress (long polls) before closing them.
  std::chrono::seconds shutdown_grace{25};
  // I/O workers serving connections (>= 1).
  std::uint32_t io_threads = 1;
  // Told about an exception that escaped a handler on an I/O worker (a bug); the worker goes on
  // serving its other connections.
  std::function<void(const std::string& what)> on_exception;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler handler, OversizeHandler oversize = {});
  ~HttpServer();  // stops if needed
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, starts the I/O workers and starts accepting on `io` (which the caller runs). Returns
  // the bind error instead of throwing.
  sdk::Status start(boost::asio::io_context& io);
  // The port actually bound (useful with port 0).
  std::uint16_t port() const { return bound_port_; }
  // Stops accepting, closes idle connections, waits up to shutdown_grace for busy ones, then
  // closes the rest and joins the I/O workers. Must not be called from an I/O thread.
  void stop();

  class Session;
  struct Shared;  // state sessions share with the server (counters, stop flag)
  struct Worker;  // one I/O thread and its io_context

 private:
  HttpServerOptions options_;
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::vector<std::shared_ptr<Worker>> workers_;  // connections hold weak references
  std::uint16_t bound_port_ = 0;
};

}  // namespace sluice::plugins::sqs
