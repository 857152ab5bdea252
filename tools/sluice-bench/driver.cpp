// Driver selection by protocol name. A new wire protocol (AMQP 0-9-1) adds its branch here.
#include "driver.hpp"

#include "sqs/sqs_driver.hpp"

namespace sluice::bench {

std::unique_ptr<Driver> make_driver(const DriverSettings& settings, std::string& error) {
  if (settings.protocol == "query" || settings.protocol == "json") {
    return sqs::make_sqs_driver(settings, error);
  }
  error = "unknown protocol '" + settings.protocol + "' (known: query, json)";
  return nullptr;
}

}  // namespace sluice::bench
