// run_workload: the coordinator of a run. It builds one io_context per I/O thread, opens one
// channel per loop (producers and consumers spread evenly over the threads), starts the loops,
// prints progress once a second on stderr, enforces the request timeout, decides when the run
// is over (producers done; in cycle mode also every acknowledged message received, or the drain
// timeout), then joins the threads and merges what they counted.
//
// Call from the main thread. SIGINT stops the producers (a second one stops everything).
#pragma once

#include "bench_options.hpp"
#include "driver.hpp"
#include "report.hpp"

namespace sluice::bench {

RunResult run_workload(const BenchOptions& options, Driver& driver);

}  // namespace sluice::bench
