#include "http_server.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <thread>

#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
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
using Clock = std::chrono::steady_clock;
// A socket bound to one worker's io_context: no type-erased executor on the hot path.
using Socket = tcp::socket::rebind_executor<net::io_context::executor_type>::other;

namespace {
constexpr auto kSweepInterval = std::chrono::seconds(1);
// What a connection's read buffer starts with: a typical request arrives in one read (a small
// first read would cost extra system calls per request). It shrinks back after a large request.
constexpr std::size_t kReadBufferBytes = 16 * 1024;
constexpr std::size_t kReadBufferKeepBytes = 64 * 1024;
}  // namespace

struct HttpServer::Shared {
  HttpServerOptions options;
  RequestHandler handler;
  OversizeHandler oversize;
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> busy{0};  // connections whose request is with the handler
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> next_worker{0};

  std::mutex mu;  // guards `sessions`; with `changed`, lets stop() wait for counts to fall
  std::condition_variable changed;
  std::map<Session*, std::weak_ptr<Session>> sessions;

  // Wakes stop() when it may be waiting (a count only matters to it once stopping is set).
  void counts_changed() {
    if (!stopping.load()) return;
    std::lock_guard lock(mu);
    changed.notify_all();
  }
};

struct HttpServer::Worker {
  net::io_context io{1};
  net::executor_work_guard<net::io_context::executor_type> work{io.get_executor()};
  net::steady_timer sweep{io};
  std::vector<std::weak_ptr<Session>> sessions;  // this worker's connections; its thread only
  std::thread thread;
};

// One connection. All of its handlers run on its worker's thread.
class HttpServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Socket socket, std::shared_ptr<Shared> shared, std::weak_ptr<Worker> worker,
          bool over_limit)
      : socket_(std::move(socket)),
        shared_(std::move(shared)),
        worker_(std::move(worker)),
        over_limit_(over_limit) {
    beast::error_code ec;
    auto endpoint = socket_.remote_endpoint(ec);
    if (!ec) peer_.address = endpoint.address().to_string();
  }

  ~Session() {
    {
      std::lock_guard lock(shared_->mu);
      shared_->sessions.erase(this);
    }
    --shared_->connections;
    if (busy_) --shared_->busy;
    shared_->counts_changed();
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // On the worker's thread.
  void start(Worker& worker) {
    {
      std::lock_guard lock(shared_->mu);
      shared_->sessions.emplace(this, weak_from_this());
    }
    worker.sessions.push_back(weak_from_this());
    beast::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    buffer_.reserve(kReadBufferBytes);
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
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  // Called by the worker's sweep: a read or write that has run past its deadline ends here
  // (its handler then sees operation_aborted and finishes the connection).
  void check_deadline(Clock::time_point now) {
    if (now >= deadline_) close_if_idle(true);
  }

  net::io_context::executor_type executor() { return socket_.get_executor(); }

 private:
  void expire_after(std::chrono::seconds timeout) { deadline_ = Clock::now() + timeout; }
  void expire_never() { deadline_ = Clock::time_point::max(); }

  // Headers first, so that a client waiting on `Expect: 100-continue` can be told to go on (or
  // be refused before it sends a body that is too large), then the body.
  void read() {
    if (buffer_.size() == 0 && buffer_.capacity() > kReadBufferKeepBytes) {
      buffer_.shrink_to_fit();
      buffer_.reserve(kReadBufferBytes);
    }
    parser_.emplace();
    parser_->body_limit(shared_->options.max_body_bytes);
    parser_->header_limit(64 * 1024);
    expire_after(shared_->options.idle_timeout);
    http::async_read_header(socket_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == http::error::body_limit) return refuse_oversize();  // from Content-Length
    if (ec) return close_if_idle(true);
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, parser_->get().version());
      http::async_write(socket_, *continue_,
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
    http::async_read(socket_, buffer_, *parser_,
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
    // The handler may take as long as a long poll (20 s): no deadline while it works.
    expire_never();
    shared_->handler(std::move(request), peer_,
                     [self = shared_from_this(), worker = worker_](HttpResponse response) {
                       // A reply after the server is gone has nowhere to go.
                       if (auto w = worker.lock()) {
                         net::post(w->io, [self, response = std::move(response)]() mutable {
                           self->write(std::move(response));
                         });
                       }
                     });
  }

  void write(HttpResponse response) {
    response.version(version_);
    response.keep_alive(keep_alive_ && !shared_->stopping.load());
    response.prepare_payload();
    response_.emplace(std::move(response));
    expire_after(shared_->options.read_timeout);
    http::async_write(socket_, *response_,
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
  using Scratch = std::array<char, 16 * 1024>;

  void start_drain() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    buffer_.clear();
    scratch_ = std::make_unique<Scratch>();
    expire_after(shared_->options.read_timeout);
    drain();
  }

  void drain() {
    socket_.async_read_some(net::buffer(*scratch_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                              self->drained_ += bytes;
                              if (ec || self->drained_ > kMaxDrain)
                                return self->close_if_idle(true);
                              self->drain();
                            });
  }

  void mark_busy(bool busy) {
    if (busy == busy_) return;
    busy_ = busy;
    if (busy) {
      ++shared_->busy;
    } else {
      --shared_->busy;
    }
    shared_->counts_changed();
  }

  Socket socket_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<HttpResponse> response_;                      // being written
  std::optional<http::response<http::empty_body>> continue_;  // "100 Continue" being written
  std::unique_ptr<Scratch> scratch_;                          // drained input goes here
  std::size_t drained_ = 0;
  bool drain_after_write_ = false;
  std::shared_ptr<Shared> shared_;
  std::weak_ptr<Worker> worker_;
  PeerInfo peer_;
  bool over_limit_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool busy_ = false;
  Clock::time_point deadline_ = Clock::time_point::max();
};

namespace {

// Once a second, on the worker's thread: ends the connections past their deadline and forgets
// the ones that are gone.
void arm_sweep(HttpServer::Worker& worker) {
  worker.sweep.expires_after(kSweepInterval);
  worker.sweep.async_wait([&worker](const beast::error_code& ec) {
    if (ec) return;  // cancelled by stop()
    const auto now = Clock::now();
    auto& sessions = worker.sessions;
    for (std::size_t i = 0; i < sessions.size();) {
      if (auto session = sessions[i].lock()) {
        session->check_deadline(now);
        ++i;
      } else {
        sessions[i] = std::move(sessions.back());
        sessions.pop_back();
      }
    }
    arm_sweep(worker);
  });
}

// The accept loop holds only shared state and weak references to the workers, never the
// HttpServer, so it is safe whenever its handler runs, even after stop() and the server's
// destruction.
using WorkerList = std::vector<std::weak_ptr<HttpServer::Worker>>;

void accept_loop(std::shared_ptr<tcp::acceptor> acceptor,
                 std::shared_ptr<HttpServer::Shared> shared,
                 std::shared_ptr<const WorkerList> workers) {
  const std::size_t index = shared->next_worker.fetch_add(1) % workers->size();
  auto worker = (*workers)[index].lock();
  if (!worker) return;  // stopped
  auto* raw = acceptor.get();
  // The connection is accepted on the acceptor's own io_context and only then moved to the
  // worker's: a pending accept must not hold a socket of a worker's io_context, which stop()
  // destroys while the host's io_context (and the abandoned accept) may outlive it.
  raw->async_accept([acceptor = std::move(acceptor), shared = std::move(shared),
                     workers = std::move(workers),
                     weak_worker = std::weak_ptr<HttpServer::Worker>(worker)](
                        beast::error_code ec, tcp::socket accepted) mutable {
    if (shared->stopping.load()) return;
    auto w = weak_worker.lock();
    if (!ec && w) {
      const auto protocol = acceptor->local_endpoint(ec).protocol();
      Socket socket(w->io);
      if (!ec) {
        const auto handle = accepted.release(ec);
        if (!ec) {
          socket.assign(protocol, handle, ec);
          if (ec) ::close(handle);
        }
      }
      if (!ec) {
        const bool over_limit = shared->connections.fetch_add(1) >= shared->options.max_connections;
        auto session = std::make_shared<HttpServer::Session>(std::move(socket), shared, weak_worker,
                                                             over_limit);
        net::post(w->io, [session, w] { session->start(*w); });
      }
    }
    w.reset();
    accept_loop(std::move(acceptor), std::move(shared), std::move(workers));
  });
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler, OversizeHandler oversize)
    : options_(std::move(options)), shared_(std::make_shared<Shared>()) {
  shared_->options = options_;
  shared_->handler = std::move(handler);
  shared_->oversize = std::move(oversize);
}

HttpServer::~HttpServer() { stop(); }

sdk::Status HttpServer::start(net::io_context& io) {
  beast::error_code ec;
  const auto address = net::ip::make_address(options_.address, ec);
  if (ec) {
    return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                           "listen address '" + options_.address + "' is not an IP address");
  }
  const tcp::endpoint endpoint{address, options_.port};
  auto acceptor = std::make_shared<tcp::acceptor>(io);
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

  auto list = std::make_shared<WorkerList>();
  const std::uint32_t n = std::max<std::uint32_t>(options_.io_threads, 1);
  for (std::uint32_t i = 0; i < n; ++i) {
    auto worker = std::make_shared<Worker>();
    arm_sweep(*worker);
    worker->thread = std::thread([w = worker.get(), report = options_.on_exception] {
      for (;;) {
        try {
          w->io.run();
          return;
        } catch (const std::exception& e) {
          if (report) report(e.what());
        }
      }
    });
    list->push_back(worker);
    workers_.push_back(std::move(worker));
  }
  accept_loop(acceptor_, shared_, std::move(list));
  return sdk::Status::Ok();
}

void HttpServer::stop() {
  if (!acceptor_) return;
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(shared_->mu);
    shared_->stopping.store(true);
    for (auto& [raw, weak] : shared_->sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  net::post(acceptor_->get_executor(), [acceptor = acceptor_] {
    beast::error_code ec;
    acceptor->close(ec);
  });
  for (auto& s : live) net::post(s->executor(), [s] { s->close_if_idle(false); });
  live.clear();

  std::unique_lock lock(shared_->mu);
  shared_->changed.wait_for(lock, options_.shutdown_grace,
                            [&] { return shared_->busy.load() == 0; });
  for (auto& [raw, weak] : shared_->sessions) {
    if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  lock.unlock();
  for (auto& s : live) net::post(s->executor(), [s] { s->close_if_idle(true); });
  live.clear();
  lock.lock();
  shared_->changed.wait_for(lock, std::chrono::seconds(5),
                            [&] { return shared_->connections.load() == 0; });
  lock.unlock();

  for (auto& worker : workers_) {
    net::post(worker->io, [w = worker.get()] { w->sweep.cancel(); });
    worker->work.reset();
  }
  for (auto& worker : workers_) {
    // Connections the core still holds (a reply not yet given) keep the io_context busy: stop
    // it rather than wait for them.
    worker->io.stop();
    if (worker->thread.joinable()) worker->thread.join();
  }
  workers_.clear();
  acceptor_.reset();  // the accept loop keeps its own reference until its handler has run
}

}  // namespace sluice::plugins::sqs
