#include "http_connection.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>

namespace sluice::bench {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

namespace {
constexpr std::uint64_t kMaxResponseBody = 64ull * 1024 * 1024;
}  // namespace

ResponseParser::ResponseParser(std::string* body, std::string* query_error, bool keep_body)
    : body_(body), query_error_(query_error), keep_body_(keep_body) {
  body_->clear();
  query_error_->clear();
  body_limit(kMaxResponseBody);
  eager(true);
}

void ResponseParser::on_response_impl(int code, string_view, int, error_code&) { status_ = code; }

void ResponseParser::on_field_impl(http::field, string_view name, string_view value, error_code&) {
  if (boost::beast::iequals(name, "x-amzn-query-error")) {
    query_error_->assign(value.data(), value.size());
  }
}

void ResponseParser::on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) {
  if (keep_body_ && length) body_->reserve(static_cast<std::size_t>(*length));
}

std::size_t ResponseParser::on_body_impl(string_view body, error_code&) {
  if (keep_body_) body_->append(body.data(), body.size());
  return body.size();
}

std::size_t ResponseParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  if (keep_body_) body_->append(body.data(), body.size());
  return body.size();
}

HttpConnection::HttpConnection(net::io_context& io, tcp::endpoint endpoint)
    : socket_(io), endpoint_(std::move(endpoint)) {
  body_.reserve(64 * 1024);
  query_error_.reserve(128);
}

void HttpConnection::exchange(std::string_view request, bool keep_body, Done done) {
  request_ = request;
  keep_body_ = keep_body;
  done_ = std::move(done);
  status_ = 0;
  if (socket_.is_open()) return write();
  buffer_.clear();
  socket_.async_connect(endpoint_, [this](const boost::system::error_code& ec) {
    if (ec) return finish(ec);
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    write();
  });
}

void HttpConnection::write() {
  net::async_write(socket_, net::buffer(request_.data(), request_.size()),
                   [this](const boost::system::error_code& ec, std::size_t) {
                     if (ec) return finish(ec);
                     read();
                   });
}

void HttpConnection::read() {
  parser_.emplace(&body_, &query_error_, keep_body_);
  http::async_read(socket_, buffer_, *parser_,
                   [this](const boost::system::error_code& ec, std::size_t) {
                     if (ec) return finish(ec);
                     status_ = parser_->status();
                     const bool keep_alive = parser_->keep_alive();
                     if (!keep_alive) close();
                     finish(ec);
                   });
}

void HttpConnection::finish(const boost::system::error_code& ec) {
  if (ec) close();
  // Move the handler out first: it usually starts the next exchange, which sets done_ again.
  Done done = std::move(done_);
  done_ = nullptr;
  done(ec);
}

void HttpConnection::close() {
  boost::system::error_code ignored;
  if (socket_.is_open()) {
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
  buffer_.clear();
}

}  // namespace sluice::bench
