#include "sqs/sqs_channel.hpp"

namespace sluice::bench::sqs {

SqsChannel::SqsChannel(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint,
                       Target target, const DriverSettings& settings)
    : connection_(io, std::move(endpoint)),
      target_(std::move(target)),
      message_size_(settings.message_size),
      fifo_(settings.queue_type == QueueType::kFifo),
      floor_(settings.floor),
      visibility_seconds_(settings.visibility_seconds) {
  messages_.reserve(kMaxBatch);
  delete_request_.reserve(4096);
}

std::string_view SqsChannel::failure(const boost::system::error_code& ec) {
  if (ec) {
    error_ = "transport:" + ec.message();
    return error_;
  }
  if (connection_.status() == 200) return {};
  if (floor_) {
    error_ = "http:" + std::to_string(connection_.status());
    return error_;
  }
  return error_code_of(target_.protocol, connection_.status(), connection_.query_error(),
                       connection_.body(), error_);
}

void SqsChannel::send(std::span<const OutgoingMessage> messages,
                      std::function<void(const SendReply&)> done) {
  const std::size_t n = std::min(messages.size(), kMaxBatch);
  auto& request = send_templates_[n];
  if (!request) request = build_send(target_, n, message_size_, fifo_);
  stamp_send(*request, messages.first(n));
  sending_ = n;
  send_done_ = std::move(done);
  connection_.exchange(request->bytes, !floor_,
                       [this](const boost::system::error_code& ec) { on_sent(ec); });
}

void SqsChannel::on_sent(const boost::system::error_code& ec) {
  SendReply reply;
  reply.error = failure(ec);
  if (reply.error.empty()) {
    for (std::size_t i = 0; i < sending_; ++i) outcomes_[i] = EntryOutcome{true, {}};
    const std::span<EntryOutcome> entries(outcomes_.data(), sending_);
    if (!floor_ && sending_ > 1 &&
        !scan_batch_failures(target_.protocol, connection_.body(), entries, code_scratch_)) {
      reply.error = "malformed-reply:SendMessageBatch";
    }
    reply.entries = entries;
  }
  auto done = std::move(send_done_);
  send_done_ = nullptr;
  done(reply);
}

void SqsChannel::receive(std::uint32_t max_messages, std::int32_t wait_seconds,
                         std::function<void(const ReceiveReply&)> done) {
  if (max_messages != receive_max_ || wait_seconds != receive_wait_) {
    receive_request_ = build_receive(target_, max_messages, wait_seconds, visibility_seconds_);
    receive_max_ = max_messages;
    receive_wait_ = wait_seconds;
  }
  receive_done_ = std::move(done);
  connection_.exchange(receive_request_, true,
                       [this](const boost::system::error_code& ec) { on_received(ec); });
}

void SqsChannel::on_received(const boost::system::error_code& ec) {
  ReceiveReply reply;
  reply.error = failure(ec);
  if (reply.error.empty()) {
    if (scan_messages(target_.protocol, connection_.body(), messages_)) {
      reply.messages = messages_;
    } else {
      reply.error = "malformed-reply:ReceiveMessage";
    }
  }
  auto done = std::move(receive_done_);
  receive_done_ = nullptr;
  done(reply);
}

void SqsChannel::acknowledge(std::span<const std::string_view> receipts,
                             std::function<void(const AckReply&)> done) {
  deleting_ = std::min(receipts.size(), kMaxBatch);
  build_delete(target_, receipts.first(deleting_), delete_request_);
  ack_done_ = std::move(done);
  connection_.exchange(delete_request_, true,
                       [this](const boost::system::error_code& ec) { on_acknowledged(ec); });
}

void SqsChannel::on_acknowledged(const boost::system::error_code& ec) {
  AckReply reply;
  reply.error = failure(ec);
  if (reply.error.empty()) {
    for (std::size_t i = 0; i < deleting_; ++i) outcomes_[i] = EntryOutcome{true, {}};
    const std::span<EntryOutcome> entries(outcomes_.data(), deleting_);
    if (deleting_ > 1 &&
        !scan_batch_failures(target_.protocol, connection_.body(), entries, code_scratch_)) {
      reply.error = "malformed-reply:DeleteMessageBatch";
    }
    reply.entries = entries;
  }
  auto done = std::move(ack_done_);
  ack_done_ = nullptr;
  done(reply);
}

void SqsChannel::abort() { connection_.close(); }

}  // namespace sluice::bench::sqs
