// The connection handshake (amqp091.md section 4): start / start-ok with SASL, tune / tune-ok,
// open / open-ok, and the client's connection.close.
#include "amqp_channel.hpp"
#include "amqp_connection.hpp"

namespace sluice::plugins::amqp {
namespace {

constexpr std::string_view kProductVersion = "0.1.0";

FieldTable server_properties() {
  FieldTable capabilities;
  // Only what works: no exchange-to-exchange bindings, connection.blocked, consumer priorities
  // or direct reply-to yet.
  for (const char* name : {"publisher_confirms", "basic.nack", "consumer_cancel_notify",
                           "per_consumer_qos", "authentication_failure_close"}) {
    capabilities.entries.push_back({name, FieldValue::boolean(true)});
  }
  FieldTable p;
  p.entries.push_back({"capabilities", FieldValue::table(std::move(capabilities))});
  p.entries.push_back({"product", FieldValue::string("Sluice")});
  p.entries.push_back({"version", FieldValue::string(std::string(kProductVersion))});
  p.entries.push_back({"platform", FieldValue::string("C++20 / Boost.Asio")});
  p.entries.push_back({"cluster_name", FieldValue::string("sluice")});
  p.entries.push_back({"copyright", FieldValue::string("The Sluice authors")});
  p.entries.push_back(
      {"information",
       FieldValue::string("Sluice message broker, AMQP 0-9-1 front end: default exchange only "
                          "(see docs/amqp.md)")});
  return p;
}

bool capability(const FieldTable& client_properties, std::string_view name) {
  const FieldValue* caps = client_properties.find("capabilities");
  if (!caps || caps->tag != 'F') return false;
  const FieldValue* flag = std::get<FieldTable>(caps->value).find(name);
  return flag && flag->tag == 't' && std::get<bool>(flag->value);
}

}  // namespace

void AmqpConnection::send_start() {
  m::ConnectionStart start;
  start.server_properties = server_properties();
  start.mechanisms.assign(kMechanisms);
  start.locales = "en_US";
  phase_ = Phase::kAwaitStartOk;
  send_method(0, start);
}

void AmqpConnection::on_start_ok(const m::ConnectionStartOk& start_ok) {
  capabilities_.consumer_cancel_notify =
      capability(start_ok.client_properties, "consumer_cancel_notify");
  capabilities_.authentication_failure_close =
      capability(start_ok.client_properties, "authentication_failure_close");
  auto credentials = parse_sasl_response(start_ok.mechanism, start_ok.response);
  if (!credentials.ok()) {
    connection_error(credentials.error(), m::ConnectionStartOk::kId);
    return;
  }
  if (server_->authenticator != nullptr) {
    check_login_with_plugin(*credentials, start_ok.mechanism);
    return;
  }
  if (auto refused = server_->users.check(*credentials, start_ok.mechanism, peer_is_loopback_)) {
    refuse_login(*refused);
    return;
  }
  context_.principal = credentials->user;
  context_.sender_id = credentials->user;
  user_ = credentials->user;
  logged_in();
}

void AmqpConnection::check_login_with_plugin(const SaslCredentials& credentials,
                                             const std::string& mechanism) {
  sdk::Credentials presented;
  presented.mechanism = mechanism;
  presented.identity = credentials.user;
  presented.secret = credentials.password;
  presented.peer_address = peer_address_;
  server_->begin_work();
  boost::asio::post(server_->auth_executor, [self = shared_from_this(),
                                             presented = std::move(presented), mechanism] {
    auto principal = self->server_->authenticator->authenticate(presented);
    self->server_->post_to(self->strand(), [self, principal = std::move(principal), mechanism,
                                            user = presented.identity]() mutable {
      self->on_login_checked(std::move(principal), mechanism, user);
    });
    self->server_->end_work();
  });
}

void AmqpConnection::on_login_checked(sdk::Result<sdk::Principal> principal,
                                      const std::string& mechanism, const std::string& user) {
  if (closing() || socket_closed_) return;
  const std::string prefix = "Login was refused using authentication mechanism " + mechanism + ": ";
  if (!principal.ok()) {
    // The reason the plugin logged (unknown user, wrong password) stays in the log: the client
    // learns only that the login failed, or that it must wait.
    const bool throttled = principal.error().code == sdk::ErrorCode::kThrottled;
    refuse_login(amqp_error(
        ReplyCode::kAccessRefused,
        prefix + (throttled ? "too many failed logins from " + peer_address_ + "; try again later"
                            : std::string("wrong user name or password"))));
    return;
  }
  if (server_->users.loopback_only(user) && !peer_is_loopback_) {
    refuse_login(amqp_error(ReplyCode::kAccessRefused,
                            prefix + "user '" + user + "' can only connect via localhost"));
    return;
  }
  principal_ = *principal;
  user_ = user;
  context_.principal = principal_.id;
  context_.sender_id = principal_.id;
  logged_in();
}

void AmqpConnection::logged_in() {
  m::ConnectionTune tune;
  tune.channel_max = server_->options.channel_max;
  tune.frame_max = server_->options.frame_max;
  tune.heartbeat = server_->options.heartbeat_seconds;
  phase_ = Phase::kAwaitTuneOk;
  send_method(0, tune);
}

void AmqpConnection::refuse_login(const AmqpError& error) {
  // RabbitMQ sends this close only to clients that advertise authentication_failure_close and
  // drops the others silently; Sluice always says why (a client that does not expect the frame
  // still sees the connection end).
  server_->logger.warn("amqp connection " + peer_address_ + ": " + reply_text(error));
  connection_error(error, m::ConnectionStartOk::kId);
}

void AmqpConnection::on_tune_ok(const m::ConnectionTuneOk& tune_ok) {
  const auto& options = server_->options;
  // 0 means "no limit" from the client's side: take ours (amqplib and rabbitmq-c send 0 to mean
  // "whatever the server proposed"). More than we proposed, or a frame_max under the spec's
  // minimum, is refused with 530 as RabbitMQ does.
  const std::uint32_t frame_max = tune_ok.frame_max == 0 ? options.frame_max : tune_ok.frame_max;
  const std::uint16_t channel_max =
      tune_ok.channel_max == 0 ? options.channel_max : tune_ok.channel_max;
  if (frame_max < kFrameMinSize || frame_max > options.frame_max) {
    connection_error(
        amqp_error(ReplyCode::kNotAllowed, "negotiated frame_max = " + std::to_string(frame_max) +
                                               " is outside the allowed range " +
                                               std::to_string(kFrameMinSize) + ".." +
                                               std::to_string(options.frame_max)),
        m::ConnectionTuneOk::kId);
    return;
  }
  if (channel_max > options.channel_max) {
    connection_error(amqp_error(ReplyCode::kNotAllowed,
                                "negotiated channel_max = " + std::to_string(channel_max) +
                                    " is higher than the maximum allowed value (" +
                                    std::to_string(options.channel_max) + ")"),
                     m::ConnectionTuneOk::kId);
    return;
  }
  frame_max_ = frame_max;
  channel_max_ = channel_max;
  heartbeat_ = tune_ok.heartbeat;  // as RabbitMQ: the client's value, including 0 (off)
  reader_.set_frame_max(frame_max_);
  phase_ = Phase::kAwaitOpen;
}

void AmqpConnection::on_open(const m::ConnectionOpen& open) {
  if (open.virtual_host != "/") {
    connection_error(
        amqp_error(ReplyCode::kNotAllowed, "vhost '" + open.virtual_host.substr(0, 100) +
                                               "' not found (Sluice has one virtual host, \"/\")"),
        m::ConnectionOpen::kId);
    return;
  }
  phase_ = Phase::kOpen;
  last_received_ = last_sent_ = Clock::now();
  send_method(0, m::ConnectionOpenOk{});
  server_->logger.debug("amqp connection " + peer_address_ + " opened by user '" + user_ + "'");
}

void AmqpConnection::on_client_close(const m::ConnectionClose& /*close*/) {
  phase_ = Phase::kClosing;
  closing_since_ = Clock::now();
  // Channels finish what the client sent before its close (publishes are stored, deliveries
  // released) before the close-ok; RabbitMQ shuts its channels first too.
  clean_up(true, [self = shared_from_this()] {
    if (self->socket_closed_) return;
    self->send_method(0, m::ConnectionCloseOk{});
    self->close_after_write_ = true;
    self->closing_since_ = Clock::now();
    self->flush();
  });
}

}  // namespace sluice::plugins::amqp
