#include "frame_codec.hpp"

#include <cstdio>

#include "byte_io.hpp"

namespace sluice::plugins::amqp {

HeaderVerdict check_protocol_header(std::string_view first_bytes) {
  // Refuse as early as the bytes allow, so an HTTP or TLS client is answered without waiting.
  const std::string_view prefix = first_bytes.substr(0, 4);
  if (prefix != std::string_view("AMQP").substr(0, prefix.size())) return HeaderVerdict::kReject;
  if (first_bytes.size() < kProtocolHeader.size()) return HeaderVerdict::kNeedMore;
  const std::string_view header = first_bytes.substr(0, 8);
  if (header == kProtocolHeader) return HeaderVerdict::kAccept;
  if (header == std::string_view("AMQP\x01\x01\x00\x09", 8)) return HeaderVerdict::kAccept;
  return HeaderVerdict::kReject;
}

void FrameReader::feed(std::string_view bytes) {
  if (failed_) return;
  // Drop consumed bytes before growing, so the buffer holds at most one partial frame plus
  // what the last read brought.
  if (pos_ > 0 && (pos_ == buffer_.size() || pos_ > 64 * 1024)) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  buffer_.append(bytes);
}

FrameReader::Status FrameReader::next(Frame& out, AmqpError& error) {
  if (failed_) {
    error = failure_;
    return Status::kError;
  }
  const auto fail = [&](std::string explanation) {
    failed_ = true;
    failure_ = amqp_error(ReplyCode::kFrameError, std::move(explanation));
    error = failure_;
    buffer_.clear();
    pos_ = 0;
    return Status::kError;
  };
  if (buffered() < 7) return Status::kNeedMore;
  ByteReader header(std::string_view(buffer_).substr(pos_, 7));
  std::uint8_t type = 0;
  std::uint16_t channel = 0;
  std::uint32_t size = 0;
  header.u8(type);
  header.u16(channel);
  header.u32(size);
  if (type != 1 && type != 2 && type != 3 && type != 8) {
    return fail("unknown frame type " + std::to_string(type));
  }
  if (frame_max_ != 0 && size > frame_max_) {
    return fail("frame size " + std::to_string(size) + " is larger than negotiated frame_max " +
                std::to_string(frame_max_));
  }
  if (buffered() < 7 + static_cast<std::size_t>(size) + 1) return Status::kNeedMore;
  const auto end = static_cast<std::uint8_t>(buffer_[pos_ + 7 + size]);
  if (end != kFrameEnd) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", end);
    return fail(std::string("frame end octet was ") + hex + ", expected 0xCE");
  }
  out.type = static_cast<FrameType>(type);
  out.channel = channel;
  out.payload.assign(buffer_, pos_ + 7, size);
  pos_ += 7 + static_cast<std::size_t>(size) + 1;
  return Status::kFrame;
}

void append_frame(std::string& out, FrameType type, std::uint16_t channel,
                  std::string_view payload) {
  ByteWriter w(out);
  w.u8(static_cast<std::uint8_t>(type));
  w.u16(channel);
  w.u32(static_cast<std::uint32_t>(payload.size()));
  w.bytes(payload);
  w.u8(kFrameEnd);
}

}  // namespace sluice::plugins::amqp
