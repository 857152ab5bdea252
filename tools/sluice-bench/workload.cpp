#include "workload.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "loops.hpp"
#include "run_context.hpp"
#include "run_stats.hpp"

namespace sluice::bench {
namespace {

namespace net = boost::asio;
using WorkGuard = net::executor_work_guard<net::io_context::executor_type>;

std::atomic<int> g_interrupts{0};
extern "C" void on_sigint(int) { g_interrupts.fetch_add(1); }

// User + system CPU seconds of process `pid` from /proc (-1 if unreadable).
double process_cpu_seconds(int pid) {
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return -1;
  char text[1024];
  const std::size_t n = std::fread(text, 1, sizeof text - 1, f);
  std::fclose(f);
  text[n] = '\0';
  // Fields after the command name (which may hold spaces) start after its closing ')'.
  const char* p = std::strrchr(text, ')');
  if (p == nullptr) return -1;
  unsigned long utime = 0;
  unsigned long stime = 0;
  // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
  if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) !=
      2) {
    return -1;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Totals {
  std::uint64_t sent = 0, received = 0, distinct = 0, deleted = 0, errors = 0;
};

Totals totals_of(const std::vector<std::unique_ptr<RunStats>>& stats) {
  Totals t;
  for (const auto& s : stats) {
    t.sent += s->sent.get();
    t.received += s->received.get();
    t.distinct += s->distinct.get();
    t.deleted += s->deleted.get();
    t.errors += s->errors.get();
  }
  return t;
}

void print_progress(double seconds, const Totals& now, const Totals& before, bool consumes) {
  if (consumes) {
    std::fprintf(stderr, "[%6.1fs] sent %llu (%llu/s)  received %llu (%llu/s)  errors %llu\n",
                 seconds, static_cast<unsigned long long>(now.sent),
                 static_cast<unsigned long long>(now.sent - before.sent),
                 static_cast<unsigned long long>(now.received),
                 static_cast<unsigned long long>(now.received - before.received),
                 static_cast<unsigned long long>(now.errors));
  } else {
    std::fprintf(stderr, "[%6.1fs] sent %llu (%llu/s)  errors %llu\n", seconds,
                 static_cast<unsigned long long>(now.sent),
                 static_cast<unsigned long long>(now.sent - before.sent),
                 static_cast<unsigned long long>(now.errors));
  }
}

RunResult merge(const std::vector<std::unique_ptr<RunStats>>& stats) {
  RunResult r;
  std::uint64_t last_send = 0;
  std::uint64_t last_consume = 0;
  for (const auto& s : stats) {
    r.send_requests += s->send_requests.get();
    r.sent += s->sent.get();
    r.send_failed += s->send_failed.get();
    r.receive_requests += s->receive_requests.get();
    r.empty_receives += s->empty_receives.get();
    r.received += s->received.get();
    r.distinct += s->distinct.get();
    r.duplicates += s->duplicates.get();
    r.foreign += s->foreign.get();
    r.delete_requests += s->delete_requests.get();
    r.deleted += s->deleted.get();
    r.delete_failed += s->delete_failed.get();
    r.errors += s->errors.get();
    r.send_latency.merge(s->send_latency);
    r.receive_latency.merge(s->receive_latency);
    r.delete_latency.merge(s->delete_latency);
    r.end_to_end_latency.merge(s->end_to_end_latency);
    for (const auto& [code, n] : s->error_codes) r.error_codes[code] += n;
    last_send = std::max(last_send, s->last_send_ns.get());
    last_consume = std::max(last_consume, s->last_consume_ns.get());
  }
  r.send_elapsed_s = static_cast<double>(last_send) / 1e9;
  r.consume_elapsed_s = static_cast<double>(last_consume) / 1e9;
  r.elapsed_s = std::max(r.send_elapsed_s, r.consume_elapsed_s);
  return r;
}

}  // namespace

RunResult run_workload(const BenchOptions& options, Driver& driver) {
  RunContext ctx(options);
  const std::uint32_t threads = options.threads;
  std::vector<std::unique_ptr<net::io_context>> ios;
  std::vector<std::unique_ptr<RunStats>> stats;
  for (std::uint32_t i = 0; i < threads; ++i) {
    ios.push_back(std::make_unique<net::io_context>(1));
    stats.push_back(std::make_unique<RunStats>());
  }

  // Producers and consumers alternate over the threads so each thread carries a mix.
  std::vector<std::unique_ptr<ProducerLoop>> producers;
  std::vector<std::unique_ptr<ConsumerLoop>> consumers;
  std::uint32_t slot = 0;
  const auto place = [&]() { return slot++ % threads; };
  for (std::uint32_t i = 0; i < std::max(options.producers, options.consumers); ++i) {
    if (i < options.producers) {
      const auto t = place();
      producers.push_back(
          std::make_unique<ProducerLoop>(*ios[t], driver.open_channel(*ios[t]), ctx, *stats[t]));
    }
    if (i < options.consumers) {
      const auto t = place();
      consumers.push_back(
          std::make_unique<ConsumerLoop>(*ios[t], driver.open_channel(*ios[t]), ctx, *stats[t]));
    }
  }
  std::vector<Loop*> loops;
  for (auto& p : producers) loops.push_back(p.get());
  for (auto& c : consumers) loops.push_back(c.get());

  g_interrupts.store(0);
  auto previous_handler = std::signal(SIGINT, on_sigint);
  const double cpu_before = cpu_seconds();
  const double server_before =
      options.server_pid > 0 ? process_cpu_seconds(options.server_pid) : -1;

  std::vector<WorkGuard> guards;
  for (auto& io : ios) guards.emplace_back(io->get_executor());
  ctx.producers_running.store(static_cast<std::uint32_t>(producers.size()));
  ctx.consumers_running.store(static_cast<std::uint32_t>(consumers.size()));
  ctx.begin();
  for (auto* loop : loops) loop->start();
  std::vector<std::thread> workers;
  for (auto& io : ios) workers.emplace_back([&io] { io->run(); });

  const auto timeout_ns = static_cast<std::uint64_t>(options.request_timeout_seconds * 1e9);
  const auto drain_timeout = std::chrono::duration_cast<SteadyClock::duration>(
      std::chrono::duration<double>(options.drain_timeout_seconds));
  bool stopping_consumers = false;
  bool interrupted = false;
  Totals printed{};
  auto next_print = ctx.start + std::chrono::seconds(1);
  auto next_watchdog = ctx.start + std::chrono::seconds(1);
  std::uint64_t last_distinct = 0;
  auto last_progress = ctx.start;

  const auto stop_consumers = [&] {
    if (stopping_consumers) return;
    stopping_consumers = true;
    ctx.stop_consumers.store(true);
    for (auto& c : consumers) {
      ConsumerLoop* loop = c.get();
      net::post(loop->io(), [loop] { loop->interrupt(); });
    }
  };

  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto now = SteadyClock::now();
    const int interrupts = g_interrupts.load();
    if (interrupts > 0 && !interrupted) {
      interrupted = true;
      ctx.stop_producers.store(true);
      if (!options.sends()) stop_consumers();
    }
    if (interrupts > 1) stop_consumers();

    const bool producers_done = ctx.producers_running.load() == 0;
    const bool consumers_done = ctx.consumers_running.load() == 0;
    if (producers_done && consumers_done) break;
    if ((options.mode == Mode::kDrain || options.mode == Mode::kReceive) &&
        ctx.past_deadline(now)) {
      stop_consumers();
    }

    if (options.mode == Mode::kCycle && producers_done && !stopping_consumers) {
      // Every acknowledged message must come back; stop once they have (checked exactly), or
      // when nothing new arrived for the drain timeout.
      const Totals t = totals_of(stats);
      if (t.distinct != last_distinct) {
        last_distinct = t.distinct;
        last_progress = now;
      }
      if (t.distinct >= t.sent && ctx.ledger.verify().missing == 0) {
        stop_consumers();
      } else if (now - last_progress >= drain_timeout) {
        std::fprintf(stderr, "sluice-bench: no new message for %.1f s; giving up the drain\n",
                     options.drain_timeout_seconds);
        stop_consumers();
      }
    }

    if (now >= next_watchdog) {
      next_watchdog = now + std::chrono::seconds(1);
      const std::uint64_t now_ns = ctx.nanos_since_start(now);
      for (auto* loop : loops) {
        const std::uint64_t since = loop->busy_since_ns();
        if (request_overdue(since, now_ns, timeout_ns)) {
          net::post(loop->io(), [loop, since] { loop->timeout(since); });
        }
      }
    }
    if (options.progress && now >= next_print) {
      next_print += std::chrono::seconds(1);
      const Totals t = totals_of(stats);
      print_progress(std::chrono::duration<double>(now - ctx.start).count(), t, printed,
                     options.consumes());
      printed = t;
    }
  }

  guards.clear();
  for (auto& io : ios) io->stop();
  for (auto& w : workers) w.join();
  std::signal(SIGINT, previous_handler);

  RunResult result = merge(stats);
  result.cpu_s = cpu_seconds() - cpu_before;
  if (server_before >= 0) {
    const double server_after = process_cpu_seconds(options.server_pid);
    if (server_after >= 0) result.server_cpu_s = server_after - server_before;
  }
  result.interrupted = interrupted;
  if (options.mode == Mode::kCycle) {
    result.delivery_checked = true;
    result.delivery = ctx.ledger.verify();
  }
  // Loops (and their sockets) go before the io_contexts they were opened on.
  producers.clear();
  consumers.clear();
  return result;
}

}  // namespace sluice::bench
