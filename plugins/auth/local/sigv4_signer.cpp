#include "sigv4_signer.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace sluice::plugins::auth_local {
namespace {

using Mac = std::array<unsigned char, 32>;

Mac hmac(std::string_view key, std::string_view data) {
  Mac out{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &length);
  return out;
}

std::string_view view(const Mac& mac) {
  return {reinterpret_cast<const char*>(mac.data()), mac.size()};
}

}  // namespace

std::string sigv4_signature(std::string_view secret, const SigV4Scope& scope,
                            std::string_view string_to_sign) {
  const std::string first_key = "AWS4" + std::string(secret);
  const Mac date_key = hmac(first_key, scope.date);
  const Mac region_key = hmac(view(date_key), scope.region);
  const Mac service_key = hmac(view(region_key), scope.service);
  const Mac signing_key = hmac(view(service_key), "aws4_request");
  const Mac signature = hmac(view(signing_key), string_to_sign);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (unsigned char byte : signature) {
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0xf]);
  }
  return hex;
}

bool same_signature(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sluice::plugins::auth_local
