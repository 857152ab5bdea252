#include "file_key_provider.hpp"

#include <cctype>
#include <fstream>
#include <iterator>
#include <sstream>

#include "aes_gcm.hpp"

namespace sluice::plugins::local_crypto {
namespace {

constexpr char kWrapVersion = 0x01;
constexpr std::string_view kWrapLabel = "sluice-local/wrap/v1";
constexpr std::string_view kKeyIdLabel = "sluice-local/master-key-id/v1";
constexpr std::size_t kWrappedOverhead = 1 + kGcmNonceBytes + kGcmTagBytes;

std::string wrap_aad(std::string_view key_id, std::string_view context) {
  std::string aad(kWrapLabel);
  aad.push_back('\0');
  aad += key_id;
  aad.push_back('\0');
  aad += context;
  return aad;
}

sdk::Error key_file_error(const std::filesystem::path& file, std::string_view reason) {
  return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                         "master key file " + file.string() + ": " + std::string(reason));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string octal_mode(std::filesystem::perms perms) {
  const auto bits = static_cast<unsigned>(perms) & 0777u;
  std::ostringstream out;
  out << '0' << std::oct << bits;
  return out.str();
}

sdk::Result<std::string> read_key_file(const std::filesystem::path& file) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec || !std::filesystem::exists(status)) return key_file_error(file, "no such file");
  if (!std::filesystem::is_regular_file(status)) return key_file_error(file, "not a regular file");
  const auto perms = status.permissions();
  if ((perms & std::filesystem::perms::others_read) != std::filesystem::perms::none) {
    return key_file_error(file, "readable by every user (mode " + octal_mode(perms) +
                                    "); restrict it, e.g. chmod 600");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return key_file_error(file, "cannot be read (permission denied?)");
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return key_file_error(file, "read error");
  auto key = FileKeyProvider::parse_key(contents, file);
  wipe(contents);
  return key;
}

}  // namespace

sdk::Result<std::string> FileKeyProvider::parse_key(std::string_view contents,
                                                    const std::filesystem::path& file) {
  if (contents.size() == kAesKeyBytes) return std::string(contents);
  std::string_view text = contents;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  if (text.size() == 2 * kAesKeyBytes) {
    std::string key(kAesKeyBytes, '\0');
    bool ok = true;
    for (std::size_t i = 0; i < kAesKeyBytes && ok; ++i) {
      const int hi = hex_value(text[2 * i]);
      const int lo = hex_value(text[2 * i + 1]);
      ok = hi >= 0 && lo >= 0;
      key[i] = static_cast<char>((hi << 4) | lo);
    }
    if (ok) return key;
    wipe(key);
  }
  return key_file_error(file,
                        "expected 32 raw bytes or 64 hex digits (openssl rand -hex 32), "
                        "found " +
                            std::to_string(contents.size()) + " bytes");
}

sdk::Result<std::string> FileKeyProvider::key_id_of(std::string_view key) {
  auto mac = hmac_sha256(key, kKeyIdLabel);
  if (!mac.ok()) return mac.error();
  return "local:" + to_hex(std::string_view(*mac).substr(0, 8));
}

sdk::Result<std::unique_ptr<FileKeyProvider>> FileKeyProvider::open(
    const std::filesystem::path& current, const std::vector<std::filesystem::path>& previous) {
  std::vector<MasterKey> keys;
  std::vector<std::filesystem::path> files{current};
  files.insert(files.end(), previous.begin(), previous.end());
  for (const auto& file : files) {
    auto key = read_key_file(file);
    if (!key.ok()) return key.error();
    auto id = key_id_of(*key);
    if (!id.ok()) return id.error();
    bool seen = false;
    for (const auto& known : keys) seen = seen || known.id == *id;
    if (seen) continue;  // the same key listed twice: harmless
    keys.push_back(MasterKey{std::move(id).value(), std::move(key).value(), file});
  }
  return std::unique_ptr<FileKeyProvider>(new FileKeyProvider(std::move(keys)));
}

FileKeyProvider::~FileKeyProvider() {
  for (auto& key : keys_) wipe(key.key);
}

std::string FileKeyProvider::current_key_id() const { return keys_.front().id; }

std::vector<std::string> FileKeyProvider::key_ids() const {
  std::vector<std::string> ids;
  for (const auto& key : keys_) ids.push_back(key.id);
  return ids;
}

const FileKeyProvider::MasterKey* FileKeyProvider::find(std::string_view key_id) const {
  for (const auto& key : keys_) {
    if (key.id == key_id) return &key;
  }
  return nullptr;
}

std::filesystem::path FileKeyProvider::file_of(std::string_view key_id) const {
  const MasterKey* key = find(key_id);
  return key ? key->file : std::filesystem::path();
}

sdk::Result<std::string> FileKeyProvider::wrap(std::string_view plaintext_key,
                                               std::string_view context) {
  const MasterKey& master = keys_.front();
  auto nonce = random_bytes(kGcmNonceBytes);
  if (!nonce.ok()) return nonce.error();
  std::string out;
  out.reserve(kWrappedOverhead + plaintext_key.size());
  out.push_back(kWrapVersion);
  out += *nonce;
  if (auto sealed = gcm_seal(master.key, *nonce, wrap_aad(master.id, context), plaintext_key, out);
      !sealed) {
    return sealed.error();
  }
  return out;
}

sdk::Result<std::string> FileKeyProvider::unwrap(std::string_view key_id, std::string_view wrapped,
                                                 std::string_view context) {
  const MasterKey* master = find(key_id);
  if (master == nullptr) {
    std::string held;
    for (const auto& key : keys_) held += (held.empty() ? "" : ", ") + key.id;
    return sdk::make_error(sdk::ErrorCode::kAccessDenied,
                           "master key " + std::string(key_id) +
                               " is not among the configured master keys (" + held + ")");
  }
  if (wrapped.size() < kWrappedOverhead || wrapped.front() != kWrapVersion) {
    return sdk::make_error(sdk::ErrorCode::kInvalidMessageContents,
                           "wrapped key is not in the sluice-local v1 format (" +
                               std::to_string(wrapped.size()) + " bytes)");
  }
  const std::string_view nonce = wrapped.substr(1, kGcmNonceBytes);
  auto key =
      gcm_open(master->key, nonce, wrap_aad(master->id, context), wrapped.substr(1 + nonce.size()));
  if (!key.ok()) {
    return sdk::make_error(key.code(), "unwrapping a data key under master key " + master->id +
                                           ": " + key.error().message);
  }
  return key;
}

}  // namespace sluice::plugins::local_crypto
