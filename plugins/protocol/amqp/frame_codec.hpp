// AMQP 0-9-1 framing: the 8-byte protocol header, and frames
//   type u8 | channel u16 | size u32 | payload | 0xCE
// FrameReader cuts a byte stream into frames. It never buffers more than one frame's worth
// beyond what it was fed, refuses a frame over frame_max as soon as the header announces it
// (so a hostile size never makes it wait for or allocate gigabytes), and reports a bad end octet
// or an unknown frame type; each is a 501 FRAME_ERROR, after which the reader stays failed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "reply_codes.hpp"

namespace sluice::plugins::amqp {

enum class FrameType : std::uint8_t { kMethod = 1, kHeader = 2, kBody = 3, kHeartbeat = 8 };

inline constexpr std::uint8_t kFrameEnd = 0xCE;
inline constexpr std::size_t kFrameOverhead = 8;  // 7-byte header + end octet
inline constexpr std::uint32_t kFrameMinSize = 4096;
inline constexpr std::string_view kProtocolHeader{"AMQP\x00\x00\x09\x01", 8};

struct Frame {
  FrameType type = FrameType::kMethod;
  std::uint16_t channel = 0;
  std::string payload;
};

enum class HeaderVerdict : std::uint8_t {
  kNeedMore,  // fewer than 8 bytes so far
  kAccept,    // AMQP 0-9-1 (or the old 0-9 header RabbitMQ also accepts)
  kReject,    // anything else: answer with kProtocolHeader and close
};
HeaderVerdict check_protocol_header(std::string_view first_bytes);

class FrameReader {
 public:
  enum class Status : std::uint8_t { kFrame, kNeedMore, kError };

  // frame_max counts the whole frame (payload + 8), as in connection.tune. Like RabbitMQ we
  // tolerate payloads up to 8 bytes over frame_max - 8, because some clients count it wrong.
  explicit FrameReader(std::uint32_t frame_max) : frame_max_(frame_max) {}
  void set_frame_max(std::uint32_t frame_max) { frame_max_ = frame_max; }

  void feed(std::string_view bytes);
  // The next complete frame into `out`, or kNeedMore, or kError with `error` set.
  Status next(Frame& out, AmqpError& error);
  // Bytes fed but not yet returned as frames.
  std::size_t buffered() const { return buffer_.size() - pos_; }

 private:
  std::string buffer_;
  std::size_t pos_ = 0;
  std::uint32_t frame_max_;
  bool failed_ = false;
  AmqpError failure_{ReplyCode::kFrameError, ""};
};

// Appends one frame to `out`.
void append_frame(std::string& out, FrameType type, std::uint16_t channel,
                  std::string_view payload);
inline constexpr std::string_view kHeartbeatFrame{"\x08\x00\x00\x00\x00\x00\x00\xCE", 8};

}  // namespace sluice::plugins::amqp
