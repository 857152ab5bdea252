#include "daemon_run.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <exception>
#include <string>
#include <vector>

#include "daemon_auth.hpp"
#include "sluice/core/broker.hpp"
#include "sluice/core/clock.hpp"
#include "sluice/core/data_key_rotation.hpp"

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

// Returns the signal that asked for shutdown. SIGHUP reloads the auth plugin's users (the rest of
// the config is read at start-up only; a restart applies it).
int wait_for_shutdown_signal(sdk::Logger& log, sdk::Authenticator* authenticator) {
  const sigset_t set = shutdown_signal_set();
  for (;;) {
    int signal_number = 0;
    if (sigwait(&set, &signal_number) != 0) continue;
    if (signal_number == SIGHUP) {
      reload_authenticator(authenticator, log);
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

// A missing or wrong master key is a configuration error (exit 2, like a bad config), not a
// failure while running.
constexpr int kExitBadKey = 2;

// The encryption plugin's cipher, after checking that it can unwrap every data key in the store
// and re-wrapping those made under a previous master key (rotation). Null without an
// [encryption] section. Errors are one line.
sdk::Result<std::shared_ptr<sdk::PayloadCipher>> open_encryption(const PreparedPlugins& plugins,
                                                                 sdk::QueueStore& store,
                                                                 core::SpdlogLogger& logger) {
  if (!plugins.encryption) return std::shared_ptr<sdk::PayloadCipher>();
  const PreparedPlugin& encryption = *plugins.encryption;
  auto cipher =
      core::create_cipher(encryption.plugin, encryption.config,
                          logger.for_component(encryption.instance_name), encryption.instance_name);
  if (!cipher.ok()) return cipher.error();
  auto check = core::check_and_rewrap_data_keys(store, **cipher);
  if (!check.ok()) {
    return sdk::make_error(check.code(),
                           "encryption at rest cannot start: " + check.error().message);
  }
  logger.info(
      "encryption at rest with plugin " + std::string(encryption.plugin->descriptor().name) + " " +
      encryption.plugin->info().version + " (" + encryption.plugin->info().status +
      "), master key " + (*cipher)->current_master_key_id() + ": " + std::to_string(check->keys) +
      " data key(s) in " + std::to_string(check->queues) + " queue(s) checked, " +
      std::to_string(check->rewrapped) + " re-wrapped under the current master key");
  return std::move(cipher).value();
}

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
  // First, so a bad users file stops start-up before the store is opened. It outlives the front
  // ends, which hold raw pointers to it.
  auto authenticator = create_authenticator(plugins, *logger);
  if (!authenticator.ok()) {
    log.error(authenticator.error().message);
    logger->flush();
    return 2;  // an unreadable users file is a configuration error
  }
  const sdk::HostServices services = host_services(authenticator->get());
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
  auto cipher = open_encryption(plugins, **store, *logger);
  if (!cipher.ok()) {
    log.error(cipher.error().message);
    logger->flush();
    return kExitBadKey;
  }
  auto broker =
      std::make_shared<core::Broker>(*store, config.broker, std::make_shared<core::SystemClock>(),
                                     logger->for_component("broker"));
  if (*cipher) broker->use_encryption(*cipher);
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
    if (auto started = (*front_end)->start_with_services(*broker, services); !started.ok()) {
      log.error("cannot start " + protocol.instance_name + ": " + started.error().message);
      exit_code = 1;
      break;
    }
    log.info(protocol.instance_name + " started (" + protocol.plugin->file().string() + ")");
    front_ends.push_back({protocol.instance_name, std::move(front_end).value()});
  }

  if (exit_code == 0) {
    log.info("sluiced ready: " + std::to_string(front_ends.size()) + " front end(s)");
    const int signal_number = wait_for_shutdown_signal(log, authenticator->get());
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
