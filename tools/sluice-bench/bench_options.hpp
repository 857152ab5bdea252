// Everything a run is told on the command line, with defaults, and the rules that relate the
// options (finish_options fills in what was left to it and rejects what cannot work).
#pragma once

#include <cstdint>
#include <string>

#include "driver.hpp"

namespace sluice::bench {

enum class Mode {
  kSend,   // producers only: send for the duration or message count
  kDrain,  // consumers only: receive and delete until the queue is empty (or the count is reached)
  // consumers only, for the duration: receive without deleting (with --visibility 0 the queue
  // keeps its depth, so every request is a claim at that depth)
  kReceive,
  kCycle,  // producers and consumers: send batch -> receive (long poll) -> delete batch; verified
  kFloor,  // producers only, SendMessage-shaped requests, any 200 counts (point it at nginx)
};

const char* mode_name(Mode mode);

struct BenchOptions {
  DriverSettings driver;
  Mode mode = Mode::kCycle;
  std::uint32_t producers = 0;    // 0: derived from connections and mode
  std::uint32_t consumers = 0;    // 0: derived from connections and mode
  std::uint32_t connections = 0;  // total; 0: producers + consumers (default 8 loops)
  std::int32_t wait_seconds = 20;
  double duration_seconds = 10;  // used when messages == 0
  std::uint64_t messages = 0;    // total to send (send, cycle, floor) or to receive (drain)
  double rate = 0;               // target messages/s over all producers; 0: as fast as possible
  std::uint32_t threads = 2;     // I/O threads
  double drain_timeout_seconds = 10;   // cycle: give up waiting for missing messages after this
  double request_timeout_seconds = 0;  // 0: wait_seconds + 30
  std::string json_file;
  bool progress = true;
  int server_pid = 0;        // > 0: report this process's CPU time during the run (same machine)
  bool queue_named = false;  // the user named the queue (else a fresh one per run, deleted after)
  std::uint32_t nonce = 0;   // this run's id in every message stamp

  bool sends() const { return mode != Mode::kDrain && mode != Mode::kReceive; }
  bool consumes() const {
    return mode == Mode::kDrain || mode == Mode::kCycle || mode == Mode::kReceive;
  }
  // Whether consumers delete what they receive.
  bool deletes() const { return mode == Mode::kDrain || mode == Mode::kCycle; }
};

// Fills derived defaults and checks the options. Returns an error message, or "".
std::string finish_options(BenchOptions& options);

}  // namespace sluice::bench
