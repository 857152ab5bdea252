// SqsChannel: a Channel over one HttpConnection. Send requests come from per-size templates built
// on first use (normally only the configured batch size), re-stamped in place; the receive
// request is built once per (max, wait) pair; delete requests reuse one buffer.
#pragma once

#include <utility>  // before Asio under C++20 with Boost 1.74

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "driver.hpp"
#include "http_connection.hpp"
#include "sqs/sqs_wire.hpp"

namespace sluice::bench::sqs {

class SqsChannel final : public Channel {
 public:
  SqsChannel(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint, Target target,
             const DriverSettings& settings);

  void send(std::span<const OutgoingMessage> messages,
            std::function<void(const SendReply&)> done) override;
  void receive(std::uint32_t max_messages, std::int32_t wait_seconds,
               std::function<void(const ReceiveReply&)> done) override;
  void acknowledge(std::span<const std::string_view> receipts,
                   std::function<void(const AckReply&)> done) override;
  void abort() override;

 private:
  static constexpr std::size_t kMaxBatch = 10;

  // The error of a finished exchange ("" when it got a 200).
  std::string_view failure(const boost::system::error_code& ec);
  void on_sent(const boost::system::error_code& ec);
  void on_received(const boost::system::error_code& ec);
  void on_acknowledged(const boost::system::error_code& ec);

  HttpConnection connection_;
  Target target_;
  std::size_t message_size_;
  bool fifo_;
  bool floor_;
  std::int32_t visibility_seconds_;

  std::array<std::optional<SendTemplate>, kMaxBatch + 1> send_templates_;
  std::size_t sending_ = 0;  // messages in the send in progress
  std::string receive_request_;
  std::uint32_t receive_max_ = 0;
  std::int32_t receive_wait_ = -1;
  std::string delete_request_;
  std::size_t deleting_ = 0;

  std::array<EntryOutcome, kMaxBatch> outcomes_{};
  std::vector<ReceivedMessage> messages_;
  std::vector<std::string> code_scratch_;
  std::string error_;

  std::function<void(const SendReply&)> send_done_;
  std::function<void(const ReceiveReply&)> receive_done_;
  std::function<void(const AckReply&)> ack_done_;
};

}  // namespace sluice::bench::sqs
