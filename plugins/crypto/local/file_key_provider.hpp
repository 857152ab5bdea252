// FileKeyProvider: master keys read from files at start-up (sdk::MasterKeyProvider).
//
// A key file holds 32 random bytes, raw or as 64 hex digits (a trailing newline is fine):
//   openssl rand -hex 32 > master.key && chmod 600 master.key
// A file that other users may read is refused: whoever reads it reads every encrypted queue.
//
// A master key's id is "local:" plus the first 16 hex digits of HMAC-SHA256(key, a fixed label):
// stable, not secret, and different for different keys, so the id stored next to a wrapped data
// key tells which file it needs.
//
// Wrapped format (61 bytes for a 32-byte data key):
//   0x01 | nonce (12) | AES-256-GCM(master key, nonce, data key) | tag (16)
// with associated data "sluice-local/wrap/v1" NUL master-key-id NUL context.
//
// Immutable after open(): every method may be called from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/key_provider.hpp"

namespace sluice::plugins::local_crypto {

class FileKeyProvider final : public sdk::MasterKeyProvider {
 public:
  // Reads the current key and the previous ones (rotation). Errors name the file and what is
  // wrong with it: missing, unreadable, readable by other users, not 32 bytes of key.
  static sdk::Result<std::unique_ptr<FileKeyProvider>> open(
      const std::filesystem::path& current, const std::vector<std::filesystem::path>& previous);

  ~FileKeyProvider() override;

  std::string current_key_id() const override;
  std::vector<std::string> key_ids() const override;
  sdk::Result<std::string> wrap(std::string_view plaintext_key, std::string_view context) override;
  sdk::Result<std::string> unwrap(std::string_view key_id, std::string_view wrapped,
                                  std::string_view context) override;

  // The file a key id was read from (for log lines); empty if unknown.
  std::filesystem::path file_of(std::string_view key_id) const;

  // The id a key file's contents get (exposed for tests and tools).
  static sdk::Result<std::string> key_id_of(std::string_view key);

  // Parses key file contents: 32 raw bytes or 64 hex digits plus optional trailing whitespace.
  static sdk::Result<std::string> parse_key(std::string_view contents,
                                            const std::filesystem::path& file);

 private:
  struct MasterKey {
    std::string id;
    std::string key;  // 32 bytes; wiped on destruction
    std::filesystem::path file;
  };
  explicit FileKeyProvider(std::vector<MasterKey> keys) : keys_(std::move(keys)) {}
  const MasterKey* find(std::string_view key_id) const;

  std::vector<MasterKey> keys_;  // current first
};

}  // namespace sluice::plugins::local_crypto
