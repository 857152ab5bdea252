// The SQS driver: query or JSON 1.0 over keep-alive HTTP/1.1, one connection per channel.
#pragma once

#include <memory>
#include <string>

#include "driver.hpp"

namespace sluice::bench::sqs {

// settings.protocol must be "query" or "json"; `error` explains a bad endpoint.
std::unique_ptr<Driver> make_sqs_driver(const DriverSettings& settings, std::string& error);

}  // namespace sluice::bench::sqs
