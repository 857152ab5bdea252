// Test helper: a Logger that keeps every line, so tests can check what was (not) logged.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "sluice/sdk/logger.hpp"

namespace sluice::plugins::auth_local::testing {

class CapturingLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel, std::string_view message) override {
    std::lock_guard lock(mu_);
    lines_.emplace_back(message);
  }
  bool enabled(sdk::LogLevel) const override { return true; }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mu_);
    return lines_;
  }
  std::string all() const {
    std::string text;
    for (const auto& line : lines()) text += line + "\n";
    return text;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

}  // namespace sluice::plugins::auth_local::testing
