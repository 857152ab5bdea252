// HttpServer over a real loopback socket: the body limit goes to the OversizeHandler, and
// `Expect: 100-continue` is answered before the body (or refused, when the body is too large).
#include <utility>  // before Asio under C++20 with Boost 1.74

#include "http_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

namespace sluice::plugins::sqs {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

// A server on an ephemeral port whose handler echoes the body length and whose oversize handler
// answers 413 with a recognisable body.
class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions options;
    options.port = 0;
    options.max_body_bytes = 1024;
    options.shutdown_grace = std::chrono::seconds(1);
    // Short, so that a server that never answers fails a test instead of hanging it.
    options.idle_timeout = std::chrono::seconds(2);
    options.read_timeout = std::chrono::seconds(2);
    server_ = std::make_unique<HttpServer>(
        options,
        [](HttpRequest request, const PeerInfo&, std::function<void(HttpResponse)> respond) {
          HttpResponse res{http::status::ok, request.version()};
          res.body() = "got " + std::to_string(request.body().size());
          respond(std::move(res));
        },
        [](const HttpRequest& headers) {
          HttpResponse res{http::status::payload_too_large, headers.version()};
          res.body() = "too large for " + std::string(headers["X-Name"]);
          return res;
        });
    ASSERT_TRUE(server_->start(io_).ok());
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    server_->stop();
    io_.stop();
    thread_.join();
  }

  tcp::socket connect() {
    tcp::socket socket(client_io_);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server_->port()));
    return socket;
  }

  // Reads up to and including the blank line after a status line and headers.
  static std::string read_head(tcp::socket& socket, net::streambuf& buffer) {
    const std::size_t n = net::read_until(socket, buffer, "\r\n\r\n");
    std::string head(net::buffers_begin(buffer.data()), net::buffers_begin(buffer.data()) + n);
    buffer.consume(n);
    return head;
  }

  // Everything the server sends until it closes the connection.
  static std::string read_to_end(tcp::socket& socket, net::streambuf& buffer) {
    boost::system::error_code ec;
    net::read(socket, buffer, ec);
    return std::string(net::buffers_begin(buffer.data()), net::buffers_end(buffer.data()));
  }

  net::io_context io_;
  net::io_context client_io_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HttpServerTest, ABodyOverTheLimitIsAnsweredByTheOversizeHandlerAndTheConnectionCloses) {
  auto socket = connect();
  const std::string body(4096, 'x');
  net::write(socket, net::buffer("POST / HTTP/1.1\r\nHost: h\r\nX-Name: big\r\nContent-Length: " +
                                 std::to_string(body.size()) + "\r\n\r\n" + body));
  net::streambuf buffer;
  const std::string reply = read_to_end(socket, buffer);
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
  EXPECT_NE(reply.find("too large for big"), std::string::npos) << reply;
}

TEST_F(HttpServerTest, ExpectContinueGetsAHundredContinueBeforeTheBodyIsSent) {
  auto socket = connect();
  net::write(socket, net::buffer(std::string("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
                                             "Expect: 100-continue\r\n\r\n")));
  net::streambuf buffer;
  EXPECT_EQ(read_head(socket, buffer).rfind("HTTP/1.1 100 Continue", 0), 0u);
  net::write(socket, net::buffer(std::string("hello")));
  const std::string head = read_head(socket, buffer);
  EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  net::read(socket, buffer, net::transfer_exactly(5 - std::min<std::size_t>(5, buffer.size())));
  EXPECT_EQ(std::string(net::buffers_begin(buffer.data()), net::buffers_end(buffer.data())),
            "got 5");
}

TEST_F(HttpServerTest, ExpectContinueWithATooLargeBodyIsRefusedWithoutWaitingForTheBody) {
  auto socket = connect();
  net::write(socket, net::buffer(std::string("POST / HTTP/1.1\r\nHost: h\r\nX-Name: declared\r\n"
                                             "Content-Length: 999999\r\n"
                                             "Expect: 100-continue\r\n\r\n")));
  net::streambuf buffer;
  const std::string reply = read_to_end(socket, buffer);  // the server closes: no body needed
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
  EXPECT_NE(reply.find("too large for declared"), std::string::npos) << reply;
}

TEST_F(HttpServerTest, RequestsWithinTheLimitReachTheHandlerOnAKeptAliveConnection) {
  auto socket = connect();
  net::streambuf buffer;
  for (int i = 0; i < 2; ++i) {
    net::write(socket, net::buffer(std::string("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3"
                                               "\r\n\r\nabc")));
    const std::string head = read_head(socket, buffer);
    EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
    net::read(socket, buffer, net::transfer_exactly(5 - std::min<std::size_t>(5, buffer.size())));
    EXPECT_EQ(std::string(net::buffers_begin(buffer.data()), net::buffers_end(buffer.data())),
              "got 3");
    buffer.consume(buffer.size());
  }
}

TEST_F(HttpServerTest, AnIdleConnectionIsClosedAfterTheIdleTimeout) {
  // Deadlines are checked once a second: a 2 s idle timeout closes after 2 to 3 s. The upper
  // bound is loose on purpose (sanitizer builds on a busy machine); what matters is that the
  // server closes at all, and not before the timeout.
  auto socket = connect();
  const auto start = std::chrono::steady_clock::now();
  net::streambuf buffer;
  read_to_end(socket, buffer);  // returns when the server closes
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(1900));
  EXPECT_LT(waited, std::chrono::seconds(20));
}

TEST_F(HttpServerTest, ARequestWhoseBodyStallsIsClosedAfterTheTimeout) {
  auto socket = connect();
  net::write(socket, net::buffer(std::string("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10"
                                             "\r\n\r\nabc")));
  const auto start = std::chrono::steady_clock::now();
  net::streambuf buffer;
  const std::string reply = read_to_end(socket, buffer);
  EXPECT_TRUE(reply.empty()) << reply;  // never reached the handler
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace sluice::plugins::sqs
