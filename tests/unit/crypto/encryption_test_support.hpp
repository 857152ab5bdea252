// Shared by the encryption tests: master key files in a temp folder, ciphers of the local plugin
// over them, and a cipher wrapper that counts unwraps.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <vector>

#include "file_key_provider.hpp"
#include "local_cipher.hpp"
#include "test_key_files.hpp"

namespace sluice::core::testing {

using plugins::local_crypto::testing::KeyFolder;

// The local plugin's cipher with master key `current` (and `previous` ones for rotation).
inline std::shared_ptr<sdk::PayloadCipher> local_cipher(
    const std::filesystem::path& current, const std::vector<std::filesystem::path>& previous = {}) {
  auto provider = plugins::local_crypto::FileKeyProvider::open(current, previous);
  EXPECT_TRUE(provider.ok()) << provider.error().message;
  if (!provider.ok()) return nullptr;
  return std::make_shared<plugins::local_crypto::LocalCipher>(std::move(provider).value());
}

// Forwards to another cipher and counts unwrap() calls.
class CountingCipher final : public sdk::PayloadCipher {
 public:
  explicit CountingCipher(std::shared_ptr<sdk::PayloadCipher> inner) : inner_(std::move(inner)) {}
  std::string current_master_key_id() const override { return inner_->current_master_key_id(); }
  bool has_master_key(std::string_view id) const override { return inner_->has_master_key(id); }
  sdk::Result<std::shared_ptr<const sdk::DataKey>> generate_data_key() override {
    return inner_->generate_data_key();
  }
  sdk::Result<sdk::WrappedKey> wrap(const sdk::DataKey& key, std::string_view context) override {
    return inner_->wrap(key, context);
  }
  sdk::Result<std::shared_ptr<const sdk::DataKey>> unwrap(const sdk::WrappedKey& wrapped,
                                                          std::string_view context) override {
    ++unwraps;
    return inner_->unwrap(wrapped, context);
  }
  sdk::Result<std::string> seal(const sdk::DataKey& key, std::string_view context,
                                std::string_view plaintext) override {
    return inner_->seal(key, context, plaintext);
  }
  sdk::Result<std::string> open(const sdk::DataKey& key, std::string_view context,
                                std::string_view sealed) override {
    return inner_->open(key, context, sealed);
  }

  std::atomic<int> unwraps{0};

 private:
  std::shared_ptr<sdk::PayloadCipher> inner_;
};

}  // namespace sluice::core::testing
