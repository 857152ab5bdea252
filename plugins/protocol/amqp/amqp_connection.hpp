// One AMQP client connection: its socket, the handshake, channel 0, heartbeats, and the channels.
//
// Threads: everything here runs on the connection's strand (the socket's executor), except
// shut_down(), which any thread may call. Broker completions and consumer deliveries arrive on
// core threads and are posted onto the strand (wrap()).
//
// Back-pressure: the connection stops reading its socket while the channels hold more than
// max_pending_bytes of input not yet executed (mostly publishes waiting for the store) or the
// output not yet written exceeds it; TCP then pushes back on the client.
#pragma once

#include <utility>  // before Asio under C++20 with Boost 1.74

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "amqp_access.hpp"
#include "amqp_options.hpp"
#include "content.hpp"
#include "frame_codec.hpp"
#include "method_codec.hpp"
#include "reply_codes.hpp"

namespace sluice::plugins::amqp {

class Channel;

// What the client said it understands (start-ok client-properties.capabilities).
struct ClientCapabilities {
  bool consumer_cancel_notify = false;
  bool authentication_failure_close = false;
};

class AmqpConnection : public std::enable_shared_from_this<AmqpConnection> {
 public:
  using Clock = std::chrono::steady_clock;

  AmqpConnection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerContext> server,
                 std::uint64_t id);
  ~AmqpConnection();
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  void start();
  // Any thread: closes the connection with `reason` (320 CONNECTION_FORCED on shutdown).
  void shut_down(AmqpError reason);

  // --- For channels (strand only) ---
  ServerContext& server() { return *server_; }
  const std::shared_ptr<ServerContext>& server_ptr() const { return server_; }
  sdk::BrokerApi& broker() { return server_->broker; }
  const sdk::RequestContext& request_context() const { return context_; }
  std::uint64_t id() const { return id_; }
  std::uint32_t frame_max() const { return frame_max_; }
  const ClientCapabilities& client_capabilities() const { return capabilities_; }
  boost::asio::any_io_executor strand() { return socket_.get_executor(); }
  bool closing() const { return phase_ == Phase::kClosing || phase_ == Phase::kClosed; }

  template <typename M>
  void send_method(std::uint16_t channel, const M& method) {
    append_method_frame(out_, channel, method);
    flush();
  }
  // A content-carrying method, its header and its body frames, in one piece. `written` runs
  // once the bytes are handed to the socket.
  template <typename M>
  void send_content(std::uint16_t channel, const M& method, std::string_view properties,
                    std::string_view body, std::function<void()> written = {}) {
    append_method_frame(out_, channel, method);
    append_content_frames(out_, channel, properties, body, frame_max_);
    if (written) out_callbacks_.push_back(std::move(written));
    flush();
  }
  // A connection exception: connection.close with `error`, naming the method that caused it.
  void connection_error(const AmqpError& error, MethodId cause);
  // A channel's closing finished: forget it (its id may be opened again).
  void forget_channel(std::uint16_t channel);

  // Wraps `handler` so that it runs on this strand, with the connection kept alive, and counts as
  // outstanding work until then.
  template <typename T>
  sdk::Completion<T> wrap(std::function<void(sdk::Result<T>)> handler) {
    server_->begin_work();
    return [self = shared_from_this(), handler = std::move(handler)](sdk::Result<T> result) {
      self->server_->post_to(self->strand(), [handler, result = std::move(result)]() mutable {
        handler(std::move(result));
      });
      self->server_->end_work();
    };
  }
  sdk::StatusCompletion wrap_status(std::function<void(sdk::Status)> handler) {
    server_->begin_work();
    return [self = shared_from_this(), handler = std::move(handler)](sdk::Status status) {
      self->server_->post_to(self->strand(), [handler, status = std::move(status)]() mutable {
        handler(std::move(status));
      });
      self->server_->end_work();
    };
  }
  // Re-evaluates whether reading must pause or may resume.
  void update_backpressure();
  // With an auth plugin: whether the logged-in user may do `action` on `queue` (403
  // ACCESS_REFUSED with the reason if not). Decisions are remembered for a second, so a
  // publisher does not evaluate its policies for every message, and a policy change (SIGHUP)
  // reaches open connections within that second.
  std::optional<AmqpError> authorize(const std::string& action, const std::string& queue);

 private:
  enum class Phase : std::uint8_t {
    kAwaitHeader,
    kAwaitStartOk,
    kAwaitTuneOk,
    kAwaitOpen,
    kOpen,
    kClosing,  // connection.close sent or received; waiting for close-ok or for cleanup
    kClosed,
  };

  // I/O
  void read();
  void on_read(const boost::system::error_code& ec, std::size_t bytes);
  void process_frames();
  void frame_error(const AmqpError& error);
  void flush();
  void on_written(const boost::system::error_code& ec);
  void close_socket();
  bool reading_paused() const;
  void tick();

  // Frames
  void handle_frame(Frame& frame);
  void handle_channel_zero(const Frame& frame);
  void handle_connection_method(Method& method);
  void handle_protocol_header();

  // Handshake (connection_handshake.cpp)
  void send_start();
  void on_start_ok(const m::ConnectionStartOk& start_ok);
  void on_tune_ok(const m::ConnectionTuneOk& tune_ok);
  void on_open(const m::ConnectionOpen& open);
  void on_client_close(const m::ConnectionClose& close);
  void refuse_login(const AmqpError& error);
  void check_login_with_plugin(const SaslCredentials& credentials, const std::string& mechanism);
  void on_login_checked(sdk::Result<sdk::Principal> principal, const std::string& mechanism,
                        const std::string& user);
  void logged_in();

  // Teardown: closes every channel (releasing their deliveries), deletes exclusive queues, then
  // runs `done` on the strand. With `drain`, methods the channels received but had not yet run
  // are run first (a client's publishes before its connection.close are stored).
  void clean_up(bool drain, std::function<void()> done);

  std::shared_ptr<ServerContext> server_;
  boost::asio::ip::tcp::socket socket_;
  const std::uint64_t id_;
  std::string peer_address_;
  bool peer_is_loopback_ = false;
  sdk::RequestContext context_;
  std::string user_;          // the name the client logged in with
  sdk::Principal principal_;  // with an auth plugin: who that is
  struct Decision {
    std::optional<AmqpError> refusal;
    Clock::time_point decided_at;
  };
  std::unordered_map<std::string, Decision> decisions_;  // action NUL queue -> decision
  ClientCapabilities capabilities_;
  Phase phase_ = Phase::kAwaitHeader;

  std::string header_bytes_;
  FrameReader reader_;
  std::array<char, 64 * 1024> read_buffer_{};
  bool reading_ = false;
  bool processing_ = false;

  std::string out_;
  std::string writing_;
  std::vector<std::function<void()>> out_callbacks_;
  std::vector<std::function<void()>> writing_callbacks_;
  bool write_in_flight_ = false;
  bool close_after_write_ = false;
  bool socket_closed_ = false;
  bool cleaned_up_ = false;

  std::uint16_t channel_max_ = 0;
  std::uint32_t frame_max_ = 0;
  std::uint16_t heartbeat_ = 0;
  std::map<std::uint16_t, std::shared_ptr<Channel>> channels_;
  std::uint64_t channel_epoch_ = 0;

  boost::asio::steady_timer ticker_;
  Clock::time_point accepted_at_;
  Clock::time_point last_received_;
  Clock::time_point last_sent_;
  Clock::time_point closing_since_;
};

}  // namespace sluice::plugins::amqp
