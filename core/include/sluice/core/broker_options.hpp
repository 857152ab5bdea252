// Settings of the core broker, filled from the [broker] section of sluice.toml. Every field has a
// documented default; the config loader rejects out-of-range values with file, line and key.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "sluice/sdk/types.hpp"

namespace sluice::core {

struct BrokerOptions {
  // Used in queue ARNs (arn:aws:sqs:<region>:<account_id>:<name>) and queue URLs.
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  // Threads that run QueueStore calls; no I/O thread ever blocks on storage.
  std::uint32_t storage_threads = 4;
  // Secret for signing receipt handles (HMAC-SHA256). Empty: a random key per process, so
  // receipts do not survive a restart; set it when several brokers share a store.
  std::string receipt_secret;
  // Per queue; short-poll receives beyond it fail with OverLimit, long polls return fewer.
  std::uint64_t in_flight_limit = 120000;
  // How often the retention sweeper runs over all queues.
  sdk::Millis sweep_interval{std::chrono::seconds(30)};
  // Long pollers re-check their queue at least this often, so messages that become visible by
  // time (delays, visibility expiry) are picked up without a send to wake them.
  sdk::Millis long_poll_recheck{std::chrono::milliseconds(250)};
  // Upper bound on messages coalesced into one QueueStore::append.
  std::uint32_t max_append_batch = 256;
  // Name reuse after DeleteQueue and the PurgeQueue interval (AWS: 60 s each).
  sdk::Millis queue_recreate_delay{std::chrono::seconds(60)};
  sdk::Millis purge_interval{std::chrono::seconds(60)};
  // FIFO deduplication and ReceiveRequestAttemptId window (AWS: 5 minutes).
  sdk::Millis dedup_window{std::chrono::minutes(5)};
};

}  // namespace sluice::core
