// sluice-bench: a load generator for Sluice (and anything else that speaks the SQS wire
// protocols). See tools/sluice-bench/README.md for the options and docs/PERFORMANCE.md for the
// measurements made with it.
//
// Exit codes: 0 a clean run (no error; in cycle mode every acknowledged message received),
// 1 a run with errors or missing messages, 2 bad options or a failed set-up.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "bench_options.hpp"
#include "driver.hpp"
#include "report.hpp"
#include "workload.hpp"

namespace {

namespace bench = sluice::bench;

constexpr int kExitClean = 0;
constexpr int kExitDirty = 1;
constexpr int kExitBadInput = 2;

void add_options(CLI::App& app, bench::BenchOptions& o, std::string& queue_type) {
  static const std::map<std::string, bench::Mode> kModes{{"send", bench::Mode::kSend},
                                                         {"drain", bench::Mode::kDrain},
                                                         {"cycle", bench::Mode::kCycle},
                                                         {"receive", bench::Mode::kReceive},
                                                         {"floor", bench::Mode::kFloor}};
  auto& d = o.driver;
  d.endpoint = "http://127.0.0.1:9324";
  d.protocol = "query";
  app.add_option("--endpoint", d.endpoint, "Server URL (http://host:port)")->capture_default_str();
  app.add_option("--protocol", d.protocol, "Wire protocol: query or json")
      ->check(CLI::IsMember({"query", "json"}))
      ->capture_default_str();
  app.add_option("--mode", o.mode,
                 "send: producers only; drain: receive and delete until empty; cycle: send -> "
                 "receive (long poll) -> delete, delivery verified; receive: receive without "
                 "deleting (with --visibility 0: claims at a constant queue depth); floor: "
                 "SendMessage-shaped requests, any 200 counts (no reply parsing; for an HTTP floor "
                 "such as nginx)")
      ->transform(CLI::CheckedTransformer(kModes, CLI::ignore_case))
      ->default_str("cycle");
  app.add_option("--producers", o.producers, "Producer loops (one connection each)");
  app.add_option("--consumers", o.consumers, "Consumer loops (one connection each)");
  app.add_option("--connections", o.connections,
                 "Total connections = producers + consumers; alone, split evenly in cycle mode "
                 "(default 8)");
  app.add_option("--batch", d.batch, "Messages per send and per receive (1..10; 1 = unbatched)")
      ->capture_default_str();
  app.add_option("--message-size", d.message_size, "Body size in bytes")->capture_default_str();
  app.add_option("--wait", o.wait_seconds, "Long-poll WaitTimeSeconds for receives (0..20)")
      ->capture_default_str();
  app.add_option("--visibility", d.visibility_seconds, "VisibilityTimeout for receives")
      ->capture_default_str();
  app.add_option("--duration", o.duration_seconds, "Seconds of sending (if --messages is 0)")
      ->capture_default_str();
  app.add_option("--messages", o.messages,
                 "Messages to send (send, cycle, floor) or to receive (drain); 0 = use --duration");
  app.add_option("--rate", o.rate,
                 "Target messages/s over all producers (latency at a fixed load); 0 = flat out");
  app.add_option("--queue", d.queue,
                 "Queue name (default: a fresh sluice-bench-<nonce> queue, deleted afterwards)");
  app.add_option("--queue-type", queue_type, "standard or fifo")
      ->check(CLI::IsMember({"standard", "fifo"}))
      ->capture_default_str();
  app.add_option("--groups", d.fifo_groups, "FIFO: message groups (ids spread round-robin)")
      ->capture_default_str();
  app.add_flag("!--no-create", d.create_queue, "Use an existing queue instead of creating it");
  app.add_flag("--delete-queue", d.delete_queue, "Delete the queue afterwards (named queues)");
  app.add_option("--threads", o.threads, "I/O threads of the client")->capture_default_str();
  app.add_option("--drain-timeout", o.drain_timeout_seconds,
                 "Cycle: stop waiting for missing messages after this many quiet seconds")
      ->capture_default_str();
  app.add_option("--request-timeout", o.request_timeout_seconds,
                 "Abort a request after this many seconds (default: wait + 30)");
  app.add_option("--json", o.json_file, "Write the results as JSON to this file");
  app.add_flag("!--no-progress", o.progress, "No progress lines on stderr");
  app.add_option("--server-pid", o.server_pid,
                 "Also report the CPU time this process (the server, on this machine) used");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sluice-bench: SQS-protocol load generator with latency and delivery checks"};
  bench::BenchOptions options;
  std::string queue_type = "standard";
  add_options(app, options, queue_type);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitClean : kExitBadInput;
  }
  options.driver.queue_type =
      queue_type == "fifo" ? bench::QueueType::kFifo : bench::QueueType::kStandard;
  if (auto error = bench::finish_options(options); !error.empty()) {
    std::cerr << "sluice-bench: " << error << "\n";
    return kExitBadInput;
  }

  std::string error;
  auto driver = bench::make_driver(options.driver, error);
  if (!driver) {
    std::cerr << "sluice-bench: " << error << "\n";
    return kExitBadInput;
  }
  if (error = driver->prepare(); !error.empty()) {
    std::cerr << "sluice-bench: " << error << "\n";
    return kExitBadInput;
  }

  const bench::RunResult result = bench::run_workload(options, *driver);
  std::cout << bench::render_text(result, options) << std::flush;

  int status = result.clean() ? kExitClean : kExitDirty;
  if (error = driver->cleanup(); !error.empty()) {
    std::cerr << "sluice-bench: " << error << "\n";
    status = kExitDirty;
  }
  if (!options.json_file.empty()) {
    std::ofstream out(options.json_file);
    out << bench::render_json(result, options).dump(2) << "\n";
    if (!out) {
      std::cerr << "sluice-bench: cannot write " << options.json_file << "\n";
      status = kExitDirty;
    }
  }
  return status;
}
