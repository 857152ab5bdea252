#include "amqp_connection.hpp"

#include <boost/asio/write.hpp>

#include "amqp_channel.hpp"

namespace sluice::plugins::amqp {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr auto kTick = std::chrono::seconds(1);
// After our connection.close, how long we wait for close-ok (or for the client to hang up after
// a close we end with) before dropping the socket.
constexpr auto kCloseTimeout = std::chrono::seconds(3);

bool is_loopback(const net::ip::address& address) {
  if (address.is_v4()) return (address.to_v4().to_uint() >> 24) == 127;
  if (address.is_v6()) {
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped()) return (v6.to_v4().to_uint() >> 24) == 127;
    return v6.is_loopback();
  }
  return false;
}

// channel.open's method id, read without decoding the frame.
bool is_channel_open(const Frame& frame) {
  return frame.type == FrameType::kMethod && frame.payload.size() >= 4 &&
         frame.payload.compare(0, 4, std::string_view("\x00\x14\x00\x0A", 4)) == 0;
}

}  // namespace

AmqpConnection::AmqpConnection(tcp::socket socket, std::shared_ptr<ServerContext> server,
                               std::uint64_t id)
    : server_(std::move(server)),
      socket_(std::move(socket)),
      id_(id),
      reader_(server_->options.frame_max),
      ticker_(socket_.get_executor()) {
  boost::system::error_code ec;
  const auto endpoint = socket_.remote_endpoint(ec);
  if (!ec) {
    peer_address_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    peer_is_loopback_ = is_loopback(endpoint.address());
  }
  channel_max_ = server_->options.channel_max;
  frame_max_ = server_->options.frame_max;
}

AmqpConnection::~AmqpConnection() = default;

void AmqpConnection::start() {
  accepted_at_ = last_received_ = last_sent_ = Clock::now();
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  read();
  tick();
}

void AmqpConnection::shut_down(AmqpError reason) {
  net::post(strand(), [self = shared_from_this(), reason = std::move(reason)] {
    if (self->phase_ == Phase::kOpen) {
      self->connection_error(reason, MethodId{0, 0});
    } else {
      self->close_socket();
    }
  });
}

// --- Reading ---

bool AmqpConnection::reading_paused() const {
  if (phase_ != Phase::kOpen) return false;
  std::size_t pending = out_.size() + writing_.size();
  for (const auto& [id, channel] : channels_) pending += channel->pending_bytes();
  return pending > server_->options.max_pending_bytes;
}

void AmqpConnection::read() {
  if (reading_ || socket_closed_ || reading_paused()) return;
  reading_ = true;
  socket_.async_read_some(
      net::buffer(read_buffer_),
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t bytes) {
        self->on_read(ec, bytes);
      });
}

void AmqpConnection::on_read(const boost::system::error_code& ec, std::size_t bytes) {
  reading_ = false;
  if (ec) {
    if (phase_ == Phase::kOpen) {
      server_->logger.info("amqp connection " + peer_address_ + " closed by the client without " +
                           "connection.close (" + ec.message() + ")");
    }
    close_socket();
    return;
  }
  last_received_ = Clock::now();
  const std::string_view data(read_buffer_.data(), bytes);
  if (close_after_write_ || phase_ == Phase::kClosed) {
    read();  // draining what the client still sends after our final close
    return;
  }
  if (phase_ == Phase::kAwaitHeader) {
    header_bytes_.append(data);
    handle_protocol_header();
  } else {
    reader_.feed(data);
  }
  process_frames();
  read();
}

void AmqpConnection::handle_protocol_header() {
  switch (check_protocol_header(header_bytes_)) {
    case HeaderVerdict::kNeedMore:
      return;
    case HeaderVerdict::kReject:
      // The spec: answer with the header of the protocol we speak, then close.
      out_.assign(kProtocolHeader);
      close_after_write_ = true;
      phase_ = Phase::kClosing;
      closing_since_ = Clock::now();
      flush();
      return;
    case HeaderVerdict::kAccept:
      reader_.feed(std::string_view(header_bytes_).substr(kProtocolHeader.size()));
      header_bytes_.clear();
      send_start();
      return;
  }
}

void AmqpConnection::process_frames() {
  if (processing_) return;  // re-entered from a completion run inline; the outer loop goes on
  processing_ = true;
  while (phase_ != Phase::kAwaitHeader && !socket_closed_ && !close_after_write_ &&
         !reading_paused()) {
    Frame frame;
    AmqpError error{ReplyCode::kFrameError, ""};
    const auto status = reader_.next(frame, error);
    if (status == FrameReader::Status::kNeedMore) break;
    if (status == FrameReader::Status::kError) {
      frame_error(error);
      break;
    }
    handle_frame(frame);
  }
  processing_ = false;
}

void AmqpConnection::update_backpressure() {
  if (reading_paused()) return;
  process_frames();
  read();
}

// --- Writing ---

void AmqpConnection::flush() {
  if (write_in_flight_ || out_.empty() || socket_closed_) return;
  writing_.swap(out_);
  writing_callbacks_.swap(out_callbacks_);
  write_in_flight_ = true;
  last_sent_ = Clock::now();
  net::async_write(socket_, net::buffer(writing_),
                   [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                     self->on_written(ec);
                   });
}

void AmqpConnection::on_written(const boost::system::error_code& ec) {
  write_in_flight_ = false;
  writing_.clear();
  auto callbacks = std::move(writing_callbacks_);
  writing_callbacks_.clear();
  for (auto& callback : callbacks) callback();
  if (ec) {
    close_socket();
    return;
  }
  if (!out_.empty()) {
    flush();
  } else if (close_after_write_ && !socket_closed_) {
    // Stop sending but keep reading (and discarding) until the client hangs up or the close
    // timeout passes: closing with unread input would reset the connection and could destroy
    // the close frame before the client reads it.
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    read();
  }
  update_backpressure();
}

void AmqpConnection::close_socket() {
  if (socket_closed_) return;
  socket_closed_ = true;
  phase_ = Phase::kClosed;
  boost::system::error_code ignored;
  ticker_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  // Frames already written but not handed over: their callbacks only reopen windows.
  auto callbacks = std::move(out_callbacks_);
  out_callbacks_.clear();
  for (auto& callback : callbacks) callback();
  out_.clear();
  clean_up(true, [self = shared_from_this()] { self->server_->remove_connection(self->id_); });
}

// --- Timers ---

void AmqpConnection::tick() {
  if (socket_closed_) return;
  const auto now = Clock::now();
  const auto& options = server_->options;
  if (phase_ < Phase::kOpen && phase_ != Phase::kClosing &&
      now - accepted_at_ > options.handshake_timeout) {
    server_->logger.info("amqp connection " + peer_address_ +
                         " closed: handshake not completed within " +
                         std::to_string(options.handshake_timeout.count()) + " s");
    close_socket();
    return;
  }
  if ((phase_ == Phase::kClosing || close_after_write_) && now - closing_since_ > kCloseTimeout) {
    close_socket();
    return;
  }
  if (heartbeat_ > 0 && phase_ == Phase::kOpen) {
    const auto interval = std::chrono::seconds(heartbeat_);
    if (now - last_sent_ >= std::max<Clock::duration>(interval / 2, kTick)) {
      out_.append(kHeartbeatFrame);
      flush();
    }
    if (now - last_received_ > 2 * interval) {
      server_->logger.warn(
          "amqp connection " + peer_address_ +
          " closed: missed heartbeats from client, timeout: " + std::to_string(heartbeat_) + "s");
      close_socket();
      return;
    }
  }
  if (phase_ == Phase::kOpen) {
    // check_lease may close a channel (and so change channels_): walk a copy.
    std::vector<std::shared_ptr<Channel>> open;
    for (const auto& [id, channel] : channels_) open.push_back(channel);
    for (auto& channel : open) channel->check_lease(now);
  }
  ticker_.expires_after(kTick);
  ticker_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->tick();
  });
}

// --- Frames ---

void AmqpConnection::handle_frame(Frame& frame) {
  if (phase_ == Phase::kClosing) {
    // After our connection.close only close-ok (or a crossing close) matters.
    if (frame.channel != 0 || frame.type != FrameType::kMethod) return;
    auto method = decode_method(frame.payload);
    if (!method.ok()) return;
    if (std::holds_alternative<m::ConnectionCloseOk>(*method)) {
      close_socket();
    } else if (std::holds_alternative<m::ConnectionClose>(*method)) {
      send_method(0, m::ConnectionCloseOk{});
      close_after_write_ = true;
      flush();
    }
    return;
  }
  if (frame.type == FrameType::kHeartbeat) {
    if (frame.channel != 0) {
      connection_error(amqp_error(ReplyCode::kUnexpectedFrame,
                                  "heartbeat frame on channel " + std::to_string(frame.channel)),
                       MethodId{});
    }
    return;
  }
  if (frame.channel == 0) {
    handle_channel_zero(frame);
    return;
  }
  if (phase_ != Phase::kOpen) {
    connection_error(
        amqp_error(ReplyCode::kChannelError,
                   "frame on channel " + std::to_string(frame.channel) + " before connection.open"),
        MethodId{});
    return;
  }
  if (frame.channel > channel_max_) {
    connection_error(
        amqp_error(ReplyCode::kNotAllowed, "channel " + std::to_string(frame.channel) +
                                               " is above the negotiated channel_max (" +
                                               std::to_string(channel_max_) + ")"),
        MethodId{20, 10});
    return;
  }
  auto it = channels_.find(frame.channel);
  if (it == channels_.end()) {
    if (!is_channel_open(frame)) {
      connection_error(amqp_error(ReplyCode::kChannelError, "expected 'channel.open' on channel " +
                                                                std::to_string(frame.channel)),
                       MethodId{});
      return;
    }
    auto open = decode_method(frame.payload);
    if (!open.ok()) {
      connection_error(open.error(), MethodId{20, 10});
      return;
    }
    channels_.emplace(frame.channel, std::make_shared<Channel>(*this, frame.channel));
    send_method(frame.channel, m::ChannelOpenOk{});
    return;
  }
  if (is_channel_open(frame) && it->second->is_open()) {
    connection_error(amqp_error(ReplyCode::kChannelError, "second 'channel.open' seen on channel " +
                                                              std::to_string(frame.channel)),
                     MethodId{20, 10});
    return;
  }
  auto channel = it->second;  // the frame may close and forget it
  channel->handle_frame(frame);
}

void AmqpConnection::handle_channel_zero(const Frame& frame) {
  if (frame.type != FrameType::kMethod) {
    connection_error(amqp_error(ReplyCode::kUnexpectedFrame, "content frame on channel 0"),
                     MethodId{});
    return;
  }
  auto method = decode_method(frame.payload);
  if (!method.ok()) {
    connection_error(method.error(), MethodId{});
    return;
  }
  handle_connection_method(*method);
}

void AmqpConnection::handle_connection_method(Method& method) {
  const MethodId id = method_id(method);
  const auto unexpected = [&](ReplyCode code, const std::string& why) {
    connection_error(amqp_error(code, why), id);
  };
  if (id.class_id != 10) {
    return unexpected(ReplyCode::kCommandInvalid, method_name(id) + " is not allowed on channel 0");
  }
  switch (phase_) {
    case Phase::kAwaitStartOk:
      if (auto* m = std::get_if<m::ConnectionStartOk>(&method)) return on_start_ok(*m);
      break;
    case Phase::kAwaitTuneOk:
      if (auto* m = std::get_if<m::ConnectionTuneOk>(&method)) return on_tune_ok(*m);
      break;
    case Phase::kAwaitOpen:
      if (auto* m = std::get_if<m::ConnectionOpen>(&method)) return on_open(*m);
      break;
    case Phase::kOpen:
      if (auto* m = std::get_if<m::ConnectionClose>(&method)) return on_client_close(*m);
      if (std::holds_alternative<m::ConnectionUpdateSecret>(method)) {
        return unexpected(ReplyCode::kNotImplemented,
                          "connection.update-secret is not supported (no token-based auth)");
      }
      break;
    default:
      break;
  }
  if (std::holds_alternative<m::ConnectionClose>(method))
    return on_client_close(std::get<m::ConnectionClose>(method));
  unexpected(ReplyCode::kChannelError,
             "unexpected method " + method_name(id) + " in this connection state");
}

void AmqpConnection::frame_error(const AmqpError& error) {
  server_->logger.warn("amqp connection " + peer_address_ + ": " + reply_text(error));
  // The input cannot be trusted past this point: close, then stop interpreting anything.
  connection_error(error, MethodId{});
  close_after_write_ = true;
  flush();
}

void AmqpConnection::connection_error(const AmqpError& error, MethodId cause) {
  if (phase_ == Phase::kClosing || phase_ == Phase::kClosed) return;
  server_->logger.info("amqp connection " + peer_address_ +
                       " closed by the server: " + reply_text(error));
  m::ConnectionClose close;
  close.reply_code = static_cast<std::uint16_t>(error.code);
  close.reply_text = reply_text(error);
  close.class_id = cause.class_id;
  close.method_id = cause.method_id;
  const bool before_open = phase_ != Phase::kOpen;
  phase_ = Phase::kClosing;
  closing_since_ = Clock::now();
  send_method(0, close);
  // Before open-ok there is nothing to hand back; a client that failed the handshake is not
  // waited for.
  if (before_open) close_after_write_ = true;
  clean_up(false, [] {});
}

void AmqpConnection::forget_channel(std::uint16_t channel) { channels_.erase(channel); }

void AmqpConnection::clean_up(bool drain, std::function<void()> done) {
  if (cleaned_up_) {
    done();
    return;
  }
  cleaned_up_ = true;
  struct Countdown {
    std::size_t left = 1;
    std::function<void()> done;
  };
  auto countdown = std::make_shared<Countdown>();
  countdown->done = std::move(done);
  auto step = [countdown] {
    if (--countdown->left == 0) countdown->done();
  };
  auto channels = std::move(channels_);
  channels_.clear();
  for (auto& [id, channel] : channels) {
    ++countdown->left;
    channel->shut_down(drain, step);
  }
  for (auto& queue : server_->queues.release_connection(id_)) {
    ++countdown->left;
    server_->broker.delete_queue(
        context_, queue, wrap_status([step, self = shared_from_this(), queue](sdk::Status status) {
          if (!status.ok() && status.code() != sdk::ErrorCode::kQueueDoesNotExist) {
            self->server_->logger.error("deleting exclusive queue " + queue +
                                        " failed: " + status.error().message);
          }
          step();
        }));
  }
  step();
}

}  // namespace sluice::plugins::amqp

namespace sluice::plugins::amqp {

namespace {
constexpr auto kDecisionLifetime = std::chrono::seconds(1);
constexpr std::size_t kMaxDecisions = 1024;
}  // namespace

std::optional<AmqpError> AmqpConnection::authorize(const std::string& action,
                                                   const std::string& queue) {
  if (server_->authorizer == nullptr) return std::nullopt;
  const auto now = Clock::now();
  std::string key = action;
  key += '\0';
  key += queue;
  if (auto it = decisions_.find(key); it != decisions_.end()) {
    if (now - it->second.decided_at < kDecisionLifetime) return it->second.refusal;
  }
  if (decisions_.size() >= kMaxDecisions) decisions_.clear();

  sdk::AccessRequest request;
  request.principal = principal_;
  request.action = action;
  request.resource = server_->broker.queue_arn(queue);
  // The queue's own Policy is not consulted on AMQP: principals of other accounts are refused
  // (docs/amqp.md, "Authentication and authorization").
  request.resource_owner = server_->owner_account;
  request.context["aws:SourceIp"] = peer_address_;
  request.context["aws:SecureTransport"] = "false";
  std::optional<AmqpError> refusal;
  if (auto status = server_->authorizer->authorize_access(request); !status.ok()) {
    refusal = amqp_error(ReplyCode::kAccessRefused, "access to queue '" + queue.substr(0, 200) +
                                                        "' in vhost '/' refused for "
                                                        "user '" +
                                                        user_ + "': " + action + " is not allowed");
  }
  decisions_[std::move(key)] = Decision{refusal, now};
  return refusal;
}

}  // namespace sluice::plugins::amqp
