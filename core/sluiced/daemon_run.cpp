#include "daemon_run.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <exception>
#include <string>
#include <vector>

#include "sluice/core/broker.hpp"
#include "sluice/core/clock.hpp"

namespace sluice::sluiced {
namespace {

sigset_t shutdown_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

// Returns the signal that asked for shutdown. SIGHUP is logged and otherwise ignored: there is no
// config reload; a restart applies a changed config.
int wait_for_shutdown_signal(sdk::Logger& log) {
  const sigset_t set = shutdown_signal_set();
  for (;;) {
    int signal_number = 0;
    if (sigwait(&set, &signal_number) != 0) continue;
    if (signal_number == SIGHUP) {
      log.warn("SIGHUP ignored: configuration reload is not supported; restart sluiced instead");
      continue;
    }
    return signal_number;
  }
}

std::string signal_name(int signal_number) {
  if (signal_number == SIGTERM) return "SIGTERM";
  if (signal_number == SIGINT) return "SIGINT";
  return "signal " + std::to_string(signal_number);
}

struct RunningFrontEnd {
  std::string name;
  std::shared_ptr<sdk::ProtocolFrontEnd> front_end;
};

}  // namespace

void block_shutdown_signals() {
  // A shell starts background jobs with SIGINT ignored, and an ignored signal is discarded before
  // sigwait() can see it: take back the default so both shutdown signals always reach us.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  const sigset_t set = shutdown_signal_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A peer closing a socket mid-write must not kill the process.
  signal(SIGPIPE, SIG_IGN);
}

int run_daemon(const core::SluiceConfig& config, PreparedPlugins plugins,
               std::shared_ptr<core::SpdlogLogger> logger) {
  sdk::Logger& log = *logger;
  const PreparedPlugin& storage = plugins.storage;
  log.info("storage plugin " + std::string(storage.plugin->descriptor().name) + " " +
           storage.plugin->info().version + " (" + storage.plugin->info().status + ") from " +
           storage.plugin->file().string());

  auto store =
      core::create_store(storage.plugin, storage.config,
                         logger->for_component(storage.instance_name), storage.instance_name);
  if (!store.ok()) {
    log.error("cannot open the store: " + store.error().message);
    return 1;
  }
  auto broker =
      std::make_shared<core::Broker>(*store, config.broker, std::make_shared<core::SystemClock>(),
                                     logger->for_component("broker"));
  broker->start();
  log.info("broker started (region " + config.broker.region + ", " +
           std::to_string(config.broker.storage_threads) + " storage threads)");

  std::vector<RunningFrontEnd> front_ends;
  int exit_code = 0;
  for (auto& protocol : plugins.protocols) {
    auto front_end = core::create_protocol(protocol.plugin, protocol.config,
                                           logger->for_component(protocol.instance_name),
                                           protocol.instance_name);
    if (!front_end.ok()) {
      log.error("cannot create " + protocol.instance_name + ": " + front_end.error().message);
      exit_code = 1;
      break;
    }
    if (auto started = (*front_end)->start(*broker); !started.ok()) {
      log.error("cannot start " + protocol.instance_name + ": " + started.error().message);
      exit_code = 1;
      break;
    }
    log.info(protocol.instance_name + " started (" + protocol.plugin->file().string() + ")");
    front_ends.push_back({protocol.instance_name, std::move(front_end).value()});
  }

  if (exit_code == 0) {
    log.info("sluiced ready: " + std::to_string(front_ends.size()) + " front end(s)");
    const int signal_number = wait_for_shutdown_signal(log);
    log.info("received " + signal_name(signal_number) + ": shutting down");
  }

  // Reverse start order: front ends finish in-flight requests while the broker still serves them.
  for (auto it = front_ends.rbegin(); it != front_ends.rend(); ++it) {
    it->front_end->stop();
    log.info(it->name + " stopped");
  }
  broker->stop();
  log.info("broker stopped");
  front_ends.clear();
  broker.reset();
  store = std::shared_ptr<sdk::QueueStore>();  // the last reference: the store closes here
  log.info(exit_code == 0 ? "sluiced stopped" : "sluiced stopped after a failure");
  logger->flush();
  return exit_code;
}

}  // namespace sluice::sluiced
