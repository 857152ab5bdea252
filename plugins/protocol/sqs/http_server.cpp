#include "http_server.hpp"

#include <array>
#include <map>
#include <optional>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace sluice::plugins::sqs {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct HttpServer::Shared {
  HttpServerOptions options;
  RequestHandler handler;
  OversizeHandler oversize;
  std::mutex mu;
  std::condition_variable changed;
  std::size_t connections = 0;
  std::size_t busy = 0;
  bool stopping = false;
  std::map<Session*, std::weak_ptr<Session>> sessions;
};

// One connection. All of its handlers run on its own strand.
class HttpServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared, bool over_limit)
      : stream_(std::move(socket)), shared_(std::move(shared)), over_limit_(over_limit) {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_.address = endpoint.address().to_string();
  }

  ~Session() {
    std::lock_guard lock(shared_->mu);
    shared_->sessions.erase(this);
    --shared_->connections;
    if (busy_) --shared_->busy;
    shared_->changed.notify_all();
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    {
      std::lock_guard lock(shared_->mu);
      shared_->sessions.emplace(this, weak_from_this());
    }
    if (over_limit_) {
      // Answer instead of dropping the connection, so the client sees why and retries.
      HttpResponse res{http::status::service_unavailable, 11};
      res.set(http::field::content_type, "text/plain");
      res.body() = "too many connections\n";
      keep_alive_ = false;
      write(std::move(res));
      return;
    }
    read();
  }

  // Posted by stop(): close now if no request is in progress (or if `force`).
  void close_if_idle(bool force) {
    if (busy_ && !force) return;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  net::any_io_executor executor() { return stream_.get_executor(); }

 private:
  // Headers first, so that a client waiting on `Expect: 100-continue` can be told to go on (or
  // be refused before it sends a body that is too large), then the body.
  void read() {
    parser_.emplace();
    parser_->body_limit(shared_->options.max_body_bytes);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(shared_->options.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == http::error::body_limit) return refuse_oversize();  // from Content-Length
    if (ec) return close_if_idle(true);
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_ = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                     parser_->get().version());
      http::async_write(stream_, *continue_,
                        beast::bind_front_handler(&Session::on_continue, shared_from_this()));
      return;
    }
    read_body();
  }

  void on_continue(beast::error_code ec, std::size_t /*bytes*/) {
    continue_.reset();
    if (ec) return close_if_idle(true);
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  // The reply to a body over the limit; the connection closes after it (the rest of the body is
  // never parsed), draining what the client still sends.
  void refuse_oversize() {
    HttpRequest headers(std::move(parser_->get().base()));
    version_ = headers.version();
    keep_alive_ = false;
    drain_after_write_ = true;
    if (shared_->oversize) return write(shared_->oversize(headers));
    HttpResponse res{http::status::payload_too_large, 11};
    res.set(http::field::content_type, "text/plain");
    res.body() =
        "request body larger than " + std::to_string(shared_->options.max_body_bytes) + " bytes\n";
    write(std::move(res));
  }

  void on_read(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == http::error::body_limit) return refuse_oversize();  // chunked body grew too large
    if (ec) return close_if_idle(true);  // timeout, reset, end of stream or garbage

    HttpRequest request = parser_->release();
    keep_alive_ = request.keep_alive();
    version_ = request.version();
    mark_busy(true);
    // The handler may take as long as a long poll (20 s): no read timeout while it works.
    stream_.expires_never();
    auto self = shared_from_this();
    shared_->handler(std::move(request), peer_, [self](HttpResponse response) {
      net::post(self->executor(), [self, response = std::move(response)]() mutable {
        self->write(std::move(response));
      });
    });
  }

  void write(HttpResponse response) {
    bool stopping = false;
    {
      std::lock_guard lock(shared_->mu);
      stopping = shared_->stopping;
    }
    response.version(version_);
    response.keep_alive(keep_alive_ && !stopping);
    response.prepare_payload();
    response_ = std::make_shared<HttpResponse>(std::move(response));
    stream_.expires_after(shared_->options.read_timeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t /*bytes*/) {
    const bool keep = response_->keep_alive();
    response_.reset();
    mark_busy(false);
    if (!ec && drain_after_write_) return start_drain();
    if (ec || !keep) return close_if_idle(true);
    read();
  }

  // Closing a socket with unread input makes the kernel send a reset, which can destroy the reply
  // before the client reads it. So: stop sending, then read and discard (at most kMaxDrain bytes,
  // within read_timeout) until the client closes its side.
  static constexpr std::size_t kMaxDrain = 64 * 1024 * 1024;

  void start_drain() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    buffer_.clear();
    stream_.expires_after(shared_->options.read_timeout);
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                              self->drained_ += bytes;
                              if (ec || self->drained_ > kMaxDrain)
                                return self->close_if_idle(true);
                              self->drain();
                            });
  }

  void mark_busy(bool busy) {
    std::lock_guard lock(shared_->mu);
    if (busy == busy_) return;
    busy_ = busy;
    if (busy) {
      ++shared_->busy;
    } else {
      --shared_->busy;
    }
    shared_->changed.notify_all();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;
  std::shared_ptr<http::response<http::empty_body>> continue_;  // "100 Continue" being written
  std::array<char, 16 * 1024> scratch_{};                       // drained input goes here
  std::size_t drained_ = 0;
  bool drain_after_write_ = false;
  std::shared_ptr<Shared> shared_;
  PeerInfo peer_;
  bool over_limit_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool busy_ = false;  // guarded by shared_->mu
};

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler, OversizeHandler oversize)
    : options_(std::move(options)), shared_(std::make_shared<Shared>()) {
  shared_->options = options_;
  shared_->handler = std::move(handler);
  shared_->oversize = std::move(oversize);
}

HttpServer::~HttpServer() = default;

sdk::Status HttpServer::start(net::io_context& io) {
  beast::error_code ec;
  const auto address = net::ip::make_address(options_.address, ec);
  if (ec) {
    return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                           "listen address '" + options_.address + "' is not an IP address");
  }
  const tcp::endpoint endpoint{address, options_.port};
  auto acceptor = std::make_shared<tcp::acceptor>(net::make_strand(io));
  const auto fail = [&](const char* what) {
    return sdk::make_error(sdk::ErrorCode::kServiceUnavailable,
                           std::string("cannot ") + what + " " + options_.address + ":" +
                               std::to_string(options_.port) + ": " + ec.message());
  };
  if (acceptor->open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor->set_option(net::socket_base::reuse_address(true), ec); ec) return fail("configure");
  if (acceptor->bind(endpoint, ec); ec) return fail("bind");
  if (acceptor->listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen on");
  bound_port_ = acceptor->local_endpoint(ec).port();
  acceptor_ = std::move(acceptor);
  accept();
  return sdk::Status::Ok();
}

namespace {

// The accept loop holds only shared state, never the HttpServer, so it is safe whenever its
// handler runs, even after stop() and the server's destruction.
void accept_loop(std::shared_ptr<tcp::acceptor> acceptor,
                 std::shared_ptr<HttpServer::Shared> shared) {
  auto* raw = acceptor.get();
  raw->async_accept(
      net::make_strand(raw->get_executor()),
      [acceptor = std::move(acceptor), shared = std::move(shared)](beast::error_code ec,
                                                                   tcp::socket socket) mutable {
        bool over_limit = false;
        {
          std::lock_guard lock(shared->mu);
          if (shared->stopping) return;
          over_limit = shared->connections >= shared->options.max_connections;
          if (!ec) ++shared->connections;
        }
        if (!ec) {
          std::make_shared<HttpServer::Session>(std::move(socket), shared, over_limit)->start();
        }
        accept_loop(std::move(acceptor), std::move(shared));
      });
}

}  // namespace

void HttpServer::accept() { accept_loop(acceptor_, shared_); }

void HttpServer::stop() {
  if (!acceptor_) return;
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(shared_->mu);
    shared_->stopping = true;
    for (auto& [raw, weak] : shared_->sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  net::post(acceptor_->get_executor(), [acceptor = acceptor_.get()] {
    beast::error_code ec;
    acceptor->close(ec);
  });
  for (auto& s : live) net::post(s->executor(), [s] { s->close_if_idle(false); });
  live.clear();

  std::unique_lock lock(shared_->mu);
  shared_->changed.wait_for(lock, options_.shutdown_grace, [&] { return shared_->busy == 0; });
  for (auto& [raw, weak] : shared_->sessions) {
    if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  lock.unlock();
  for (auto& s : live) net::post(s->executor(), [s] { s->close_if_idle(true); });
  live.clear();
  lock.lock();
  shared_->changed.wait_for(lock, std::chrono::seconds(5),
                            [&] { return shared_->connections == 0; });
  lock.unlock();
  acceptor_.reset();  // the accept loop keeps its own reference until its handler has run
}

}  // namespace sluice::plugins::sqs
