#include "report.hpp"

#include <cstdio>

namespace sluice::bench {
namespace {

double per_second(std::uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0.0;
}

double ms(std::int64_t micros) { return static_cast<double>(micros) / 1000.0; }

std::string latency_line(const char* name, const LatencyHistogram& h) {
  char line[256];
  std::snprintf(line, sizeof line,
                "  %-22s p50 %8.3f  p90 %8.3f  p99 %8.3f  p99.9 %8.3f  max %8.3f ms  (n=%llu)\n",
                name, ms(h.quantile(0.5)), ms(h.quantile(0.9)), ms(h.quantile(0.99)),
                ms(h.quantile(0.999)), ms(h.max()), static_cast<unsigned long long>(h.count()));
  return line;
}

nlohmann::json latency_json(const LatencyHistogram& h) {
  return {
      {"count", h.count()},          {"p50", ms(h.quantile(0.5))},     {"p90", ms(h.quantile(0.9))},
      {"p99", ms(h.quantile(0.99))}, {"p99_9", ms(h.quantile(0.999))}, {"max", ms(h.max())},
      {"mean", h.mean() / 1000.0}};
}

std::uint64_t total_requests(const RunResult& r) {
  return r.send_requests + r.receive_requests + r.delete_requests;
}

}  // namespace

std::string render_text(const RunResult& r, const BenchOptions& o) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line,
                "sluice-bench: mode %s, protocol %s, %s queue %s, %u producers, %u consumers, "
                "batch %u, %zu-byte bodies%s\n",
                mode_name(o.mode), o.driver.protocol.c_str(),
                o.driver.queue_type == QueueType::kFifo ? "FIFO" : "standard",
                o.driver.queue.c_str(), o.producers, o.consumers, o.driver.batch,
                o.driver.message_size, o.rate > 0 ? ", paced" : "");
  out += line;
  std::snprintf(line, sizeof line,
                "elapsed %.3f s, %llu requests (%.0f req/s), client CPU %.2f s (%.2f cores)\n",
                r.elapsed_s, static_cast<unsigned long long>(total_requests(r)),
                per_second(total_requests(r), r.elapsed_s), r.cpu_s,
                r.elapsed_s > 0 ? r.cpu_s / r.elapsed_s : 0.0);
  out += line;
  if (r.server_cpu_s >= 0) {
    const std::uint64_t requests = total_requests(r);
    std::snprintf(line, sizeof line,
                  "server CPU %.2f s (%.2f cores), %.1f us per request, %.1f us per message\n",
                  r.server_cpu_s, r.elapsed_s > 0 ? r.server_cpu_s / r.elapsed_s : 0.0,
                  requests > 0 ? r.server_cpu_s * 1e6 / static_cast<double>(requests) : 0.0,
                  r.sent > 0 ? r.server_cpu_s * 1e6 / static_cast<double>(r.sent) : 0.0);
    out += line;
  }
  if (o.sends()) {
    std::snprintf(line, sizeof line,
                  "send:    %llu messages acknowledged (%.0f msg/s), %llu requests (%.0f req/s), "
                  "%llu messages failed\n",
                  static_cast<unsigned long long>(r.sent), per_second(r.sent, r.send_elapsed_s),
                  static_cast<unsigned long long>(r.send_requests),
                  per_second(r.send_requests, r.send_elapsed_s),
                  static_cast<unsigned long long>(r.send_failed));
    out += line;
  }
  if (o.consumes()) {
    std::snprintf(
        line, sizeof line,
        "receive: %llu messages (%.0f msg/s), %llu requests (%llu empty); deleted %llu "
        "(%.0f msg/s) in %llu requests, %llu failed\n",
        static_cast<unsigned long long>(r.received), per_second(r.received, r.consume_elapsed_s),
        static_cast<unsigned long long>(r.receive_requests),
        static_cast<unsigned long long>(r.empty_receives),
        static_cast<unsigned long long>(r.deleted), per_second(r.deleted, r.consume_elapsed_s),
        static_cast<unsigned long long>(r.delete_requests),
        static_cast<unsigned long long>(r.delete_failed));
    out += line;
  }
  out += "latency:\n";
  if (o.sends()) out += latency_line("send", r.send_latency);
  if (o.consumes()) {
    out += latency_line("receive (incl. wait)", r.receive_latency);
    if (o.deletes()) out += latency_line("delete", r.delete_latency);
    out += latency_line("end-to-end", r.end_to_end_latency);
  }
  if (r.error_codes.empty()) {
    out += "errors: none\n";
  } else {
    out += "errors:\n";
    for (const auto& [code, n] : r.error_codes) {
      std::snprintf(line, sizeof line, "  %-50s %llu\n", code.c_str(),
                    static_cast<unsigned long long>(n));
      out += line;
    }
  }
  if (r.delivery_checked) {
    const auto& d = r.delivery;
    std::snprintf(line, sizeof line,
                  "delivery: %s: %llu acknowledged, %llu received (distinct), %llu missing, "
                  "%llu duplicates, %llu received without an acknowledged send, %llu foreign\n",
                  d.missing == 0 ? "verified" : "FAILED", static_cast<unsigned long long>(d.acked),
                  static_cast<unsigned long long>(d.received),
                  static_cast<unsigned long long>(d.missing),
                  static_cast<unsigned long long>(r.duplicates),
                  static_cast<unsigned long long>(d.received_unacked),
                  static_cast<unsigned long long>(r.foreign));
    out += line;
  } else if (o.consumes()) {
    std::snprintf(line, sizeof line,
                  "delivery: not checked (%s mode): %llu of this run's messages, %llu "
                  "duplicates, %llu from other runs\n",
                  mode_name(o.mode), static_cast<unsigned long long>(r.distinct),
                  static_cast<unsigned long long>(r.duplicates),
                  static_cast<unsigned long long>(r.foreign));
    out += line;
  }
  if (r.interrupted) out += "interrupted: the run was stopped by a signal\n";
  return out;
}

nlohmann::json render_json(const RunResult& r, const BenchOptions& o) {
  nlohmann::json config{
      {"mode", mode_name(o.mode)},
      {"endpoint", o.driver.endpoint},
      {"protocol", o.driver.protocol},
      {"queue", o.driver.queue},
      {"queue_type", o.driver.queue_type == QueueType::kFifo ? "fifo" : "standard"},
      {"fifo_groups", o.driver.fifo_groups},
      {"producers", o.producers},
      {"consumers", o.consumers},
      {"connections", o.connections},
      {"batch", o.driver.batch},
      {"message_size", o.driver.message_size},
      {"wait_seconds", o.wait_seconds},
      {"duration_seconds", o.messages == 0 ? o.duration_seconds : 0.0},
      {"messages", o.messages},
      {"rate", o.rate},
      {"threads", o.threads}};
  nlohmann::json out{
      {"config", config},
      {"elapsed_s", r.elapsed_s},
      {"cpu_s", r.cpu_s},
      {"server_cpu_s", r.server_cpu_s},
      {"requests", total_requests(r)},
      {"requests_per_s", per_second(total_requests(r), r.elapsed_s)},
      {"errors", r.error_codes},
      {"error_count", r.errors},
      {"interrupted", r.interrupted},
      {"clean", r.clean()},
  };
  if (o.sends()) {
    out["send"] = {{"messages", r.sent},
                   {"failed", r.send_failed},
                   {"requests", r.send_requests},
                   {"elapsed_s", r.send_elapsed_s},
                   {"messages_per_s", per_second(r.sent, r.send_elapsed_s)},
                   {"requests_per_s", per_second(r.send_requests, r.send_elapsed_s)},
                   {"latency_ms", latency_json(r.send_latency)}};
  }
  if (o.consumes()) {
    out["receive"] = {{"messages", r.received},
                      {"requests", r.receive_requests},
                      {"empty", r.empty_receives},
                      {"elapsed_s", r.consume_elapsed_s},
                      {"messages_per_s", per_second(r.received, r.consume_elapsed_s)},
                      {"latency_ms", latency_json(r.receive_latency)}};
    out["delete"] = {{"messages", r.deleted},
                     {"failed", r.delete_failed},
                     {"requests", r.delete_requests},
                     {"messages_per_s", per_second(r.deleted, r.consume_elapsed_s)},
                     {"latency_ms", latency_json(r.delete_latency)}};
    out["end_to_end"] = {{"latency_ms", latency_json(r.end_to_end_latency)}};
    out["delivery"] = {{"checked", r.delivery_checked},
                       {"verified", r.delivery_checked && r.delivery.missing == 0},
                       {"acked", r.delivery.acked},
                       {"received_distinct", r.delivery_checked ? r.delivery.received : r.distinct},
                       {"missing", r.delivery.missing},
                       {"duplicates", r.duplicates},
                       {"received_unacked", r.delivery.received_unacked},
                       {"foreign", r.foreign}};
  }
  return out;
}

}  // namespace sluice::bench
