// RunResult: the merged outcome of a run, and its two renderings: the text report on stdout and
// the --json file.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "bench_options.hpp"
#include "delivery_ledger.hpp"
#include "latency_histogram.hpp"

namespace sluice::bench {

struct RunResult {
  double elapsed_s = 0;          // start to the last completed request
  double send_elapsed_s = 0;     // start to the last completed send
  double consume_elapsed_s = 0;  // start to the last completed receive or delete
  double cpu_s = 0;              // this process's user + system CPU time during the run
  double server_cpu_s = -1;      // --server-pid's CPU time during the run (< 0: not measured)

  std::uint64_t send_requests = 0, sent = 0, send_failed = 0;
  std::uint64_t receive_requests = 0, empty_receives = 0, received = 0, distinct = 0;
  std::uint64_t duplicates = 0, foreign = 0;
  std::uint64_t delete_requests = 0, deleted = 0, delete_failed = 0;
  std::uint64_t errors = 0;

  LatencyHistogram send_latency, receive_latency, delete_latency, end_to_end_latency;
  std::map<std::string, std::uint64_t> error_codes;

  bool delivery_checked = false;  // cycle mode: every acknowledged send must come back
  DeliveryCheck delivery;
  bool interrupted = false;  // stopped by SIGINT

  // Verified delivery (when checked) and no error at all.
  bool clean() const {
    return errors == 0 && !interrupted && (!delivery_checked || delivery.missing == 0);
  }
};

std::string render_text(const RunResult& result, const BenchOptions& options);
nlohmann::json render_json(const RunResult& result, const BenchOptions& options);

}  // namespace sluice::bench
