#include "retention_sweeper.hpp"

#include <chrono>
#include <string>

namespace sluice::core {

SweepReport sweep_retention(QueueRegistry& registry, sdk::QueueStore& store, const Clock& clock,
                            sdk::Logger& logger) {
  SweepReport report;
  auto names = registry.all_names();
  if (!names.ok()) {
    logger.error("retention sweep: cannot list queues: " + names.error().message);
    ++report.failures;
    return report;
  }
  for (const auto& name : *names) {
    auto settings = registry.settings(name);
    if (!settings.ok()) {
      // Deleted since the listing: nothing to sweep.
      if (settings.code() == sdk::ErrorCode::kQueueDoesNotExist) continue;
      logger.error("retention sweep: queue " + name + ": " + settings.error().message);
      ++report.failures;
      continue;
    }
    ++report.queues;
    const auto cutoff = clock.now() - std::chrono::seconds(settings->message_retention_period);
    auto expired = store.expire(name, cutoff);
    if (!expired.ok()) {
      if (expired.code() == sdk::ErrorCode::kQueueDoesNotExist) continue;
      logger.error("retention sweep: expiring queue " + name +
                   " failed: " + expired.error().message);
      ++report.failures;
      continue;
    }
    report.expired += *expired;
    if (*expired > 0 && logger.enabled(sdk::LogLevel::kDebug)) {
      logger.debug("retention sweep: queue " + name + ": " + std::to_string(*expired) +
                   " messages expired");
    }
  }
  return report;
}

}  // namespace sluice::core
