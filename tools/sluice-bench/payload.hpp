// The body of every message sluice-bench sends: a fixed-width stamp followed by filler, so that
// a prebuilt request can be re-stamped in place (no allocation per message) and a receiver can
// tell which run and which message it got and when it was sent.
//
//   "SB" <run nonce: 8 hex> <message id: 16 hex> <sent at, Unix microseconds: 16 hex> <filler>
//
// Every character is in [A-Za-z0-9], so the body needs no escaping in a form body, a JSON string
// or XML text, and the stamp is found at the very start of the <Body> / "Body" value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::bench {

inline constexpr std::size_t kStampSize = 2 + 8 + 16 + 16;

struct Stamp {
  std::uint32_t nonce = 0;
  std::uint64_t id = 0;
  std::int64_t sent_us = 0;  // Unix time, microseconds (wall clock: comparable across processes)
};

// A body of exactly `size` (>= kStampSize) bytes with a zero stamp; filler is deterministic.
std::string make_body(std::size_t size);
// Writes the stamp over the first kStampSize bytes at `at`.
void write_stamp(char* at, const Stamp& stamp);
// Reads a stamp from the start of a received body; nullopt if it is not one of ours.
std::optional<Stamp> read_stamp(std::string_view body);

// Fixed-width lower-case hex of `value` into `at` (width digits, most significant first).
void write_hex(char* at, std::uint64_t value, std::size_t width);

}  // namespace sluice::bench
