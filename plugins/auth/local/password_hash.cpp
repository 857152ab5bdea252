#include "password_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <optional>
#include <vector>

namespace sluice::plugins::auth_local {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kKeyBytes = 32;

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xf]);
  }
  return out;
}

std::optional<std::vector<unsigned char>> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(text.data() + 2 * i, text.data() + 2 * i + 2, value, 16);
    if (ec != std::errc() || ptr != text.data() + 2 * i + 2) return std::nullopt;
    out[i] = static_cast<unsigned char>(value);
  }
  return out;
}

struct ParsedHash {
  std::uint32_t iterations = 0;
  std::vector<unsigned char> salt;
  std::vector<unsigned char> key;
};

sdk::Result<ParsedHash> parse(std::string_view hash) {
  auto bad = [](const std::string& why) {
    return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                           why +
                               " (expected pbkdf2-sha256$<iterations>$<salt hex>$<key hex>, as "
                               "printed by sluice-hash-password)");
  };
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= hash.size(); ++i) {
    if (i == hash.size() || hash[i] == '$') {
      fields.push_back(hash.substr(start, i - start));
      start = i + 1;
    }
  }
  if (fields.size() != 4) return bad("wrong number of '$'-separated fields");
  if (fields[0] != kScheme) return bad("unknown scheme");
  ParsedHash parsed;
  auto [ptr, ec] =
      std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), parsed.iterations);
  if (ec != std::errc() || ptr != fields[1].data() + fields[1].size() ||
      parsed.iterations < kMinPasswordIterations || parsed.iterations > kMaxPasswordIterations) {
    return bad("iterations must be a number from " + std::to_string(kMinPasswordIterations) +
               " to " + std::to_string(kMaxPasswordIterations));
  }
  auto salt = from_hex(fields[2]);
  auto key = from_hex(fields[3]);
  if (!salt || salt->size() < 8) return bad("the salt must be at least 8 bytes of hex");
  if (!key || key->size() != kKeyBytes) return bad("the key must be 32 bytes of hex");
  parsed.salt = std::move(*salt);
  parsed.key = std::move(*key);
  return parsed;
}

bool derive(std::string_view password, const std::vector<unsigned char>& salt,
            std::uint32_t iterations, std::array<unsigned char, kKeyBytes>& out) {
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                           static_cast<int>(salt.size()), static_cast<int>(iterations),
                           EVP_sha256(), static_cast<int>(out.size()), out.data()) == 1;
}

}  // namespace

sdk::Result<std::string> hash_password(std::string_view password, std::uint32_t iterations) {
  if (iterations < kMinPasswordIterations || iterations > kMaxPasswordIterations) {
    return sdk::make_error(sdk::ErrorCode::kInvalidParameterValue,
                           "iterations must be from " + std::to_string(kMinPasswordIterations) +
                               " to " + std::to_string(kMaxPasswordIterations));
  }
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return sdk::make_error(sdk::ErrorCode::kInternal, "the system random generator failed");
  }
  std::array<unsigned char, kKeyBytes> key{};
  if (!derive(password, salt, iterations, key)) {
    return sdk::make_error(sdk::ErrorCode::kInternal, "PBKDF2 failed");
  }
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" +
         to_hex(salt.data(), salt.size()) + "$" + to_hex(key.data(), key.size());
}

sdk::Status check_password_hash(std::string_view hash) {
  auto parsed = parse(hash);
  if (!parsed.ok()) return parsed.error();
  return sdk::Status::Ok();
}

bool verify_password(std::string_view password, std::string_view hash) {
  auto parsed = parse(hash);
  if (!parsed.ok()) return false;
  std::array<unsigned char, kKeyBytes> key{};
  if (!derive(password, parsed->salt, parsed->iterations, key)) return false;
  return CRYPTO_memcmp(key.data(), parsed->key.data(), key.size()) == 0;
}

}  // namespace sluice::plugins::auth_local
