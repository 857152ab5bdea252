// HttpConnection: one keep-alive HTTP/1.1 client connection that carries one request at a time.
// Requests are complete byte strings the caller built (and usually pre-built once: only a few
// bytes change between requests); responses are parsed by a Beast basic_parser subclass that
// keeps the status, the x-amzn-query-error header and the body in buffers reused across
// requests, so a steady stream of exchanges allocates nothing.
//
// Threads: every call, and every completion, on the thread running the io_context given at
// construction (sluice-bench runs one thread per io_context). abort() may be posted from
// elsewhere.
#pragma once

#include <utility>  // before Asio under C++20 with Boost 1.74

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>

namespace sluice::bench {

// Parses one response into buffers owned by the connection.
class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  ResponseParser(std::string* body, std::string* query_error, bool keep_body);

  int status() const { return status_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;
  void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code&) override {}

  std::string* body_;
  std::string* query_error_;
  bool keep_body_;
  int status_ = 0;
};

class HttpConnection {
 public:
  // `ec` is the transport error (connect, write, read, parse), or empty: then status() and body()
  // describe the response.
  using Done = std::function<void(const boost::system::error_code& ec)>;

  HttpConnection(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Connects first if the connection is not open. `request` must stay valid until `done` runs.
  // With keep_body false the response body is read and thrown away (body() stays empty).
  void exchange(std::string_view request, bool keep_body, Done done);
  // Closes the socket: an exchange in progress completes with operation_aborted.
  void close();

  int status() const { return status_; }
  std::string_view body() const { return body_; }
  // The x-amzn-query-error header of the last response ("" if absent).
  std::string_view query_error() const { return query_error_; }

 private:
  void write();
  void read();
  void finish(const boost::system::error_code& ec);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::tcp::endpoint endpoint_;
  boost::beast::flat_buffer buffer_;
  std::optional<ResponseParser> parser_;
  std::string body_;
  std::string query_error_;
  std::string_view request_;
  bool keep_body_ = true;
  int status_ = 0;
  Done done_;
};

}  // namespace sluice::bench
