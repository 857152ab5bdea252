#include "aes_gcm.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <climits>
#include <memory>

namespace sluice::plugins::local_crypto {
namespace {

sdk::Error openssl_error(std::string_view what) {
  std::string message = "OpenSSL: " + std::string(what);
  if (const unsigned long code = ERR_get_error(); code != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    message += ": ";
    message += text;
  }
  ERR_clear_error();
  return sdk::make_error(sdk::ErrorCode::kInternal, message);
}

// Fetched once per process and shared by all threads (OpenSSL documents fetched algorithm objects
// as thread-safe to use concurrently). Never freed: they live as long as the process.
const EVP_CIPHER* aes_256_gcm() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

EVP_KDF* hkdf() {
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  return kdf;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

bool fits_int(std::size_t n) { return n <= static_cast<std::size_t>(INT_MAX); }

sdk::Status check_key_and_nonce(std::string_view key, std::string_view nonce) {
  if (key.size() != kAesKeyBytes || nonce.size() != kGcmNonceBytes) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           "AES-256-GCM needs a 32-byte key and a 12-byte nonce, got " +
                               std::to_string(key.size()) + " and " + std::to_string(nonce.size()) +
                               " bytes");
  }
  return sdk::Status::Ok();
}

}  // namespace

sdk::Status gcm_seal(std::string_view key, std::string_view nonce, std::string_view aad,
                     std::string_view plaintext, std::string& out) {
  if (auto status = check_key_and_nonce(key, nonce); !status) return status;
  if (!fits_int(plaintext.size()) || !fits_int(aad.size())) {
    return sdk::make_error(sdk::ErrorCode::kInternal, "AES-256-GCM input too large");
  }
  if (aes_256_gcm() == nullptr) return openssl_error("AES-256-GCM is not available");
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) return openssl_error("EVP_CIPHER_CTX_new");
  if (EVP_EncryptInit_ex2(ctx.get(), aes_256_gcm(), bytes(key), bytes(nonce), nullptr) != 1) {
    return openssl_error("AES-256-GCM encrypt init");
  }
  int length = 0;
  if (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes(aad),
                                        static_cast<int>(aad.size())) != 1) {
    return openssl_error("AES-256-GCM associated data");
  }
  const std::size_t start = out.size();
  out.resize(start + plaintext.size() + kGcmTagBytes);
  unsigned char* dest = bytes(out) + start;
  int written = 0;
  if (!plaintext.empty()) {
    if (EVP_EncryptUpdate(ctx.get(), dest, &length, bytes(plaintext),
                          static_cast<int>(plaintext.size())) != 1) {
      return openssl_error("AES-256-GCM encrypt");
    }
    written = length;
  }
  if (EVP_EncryptFinal_ex(ctx.get(), dest + written, &length) != 1) {
    return openssl_error("AES-256-GCM encrypt final");
  }
  written += length;
  if (static_cast<std::size_t>(written) != plaintext.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kGcmTagBytes),
                          dest + written) != 1) {
    return openssl_error("AES-256-GCM tag");
  }
  return sdk::Status::Ok();
}

sdk::Result<std::string> gcm_open(std::string_view key, std::string_view nonce,
                                  std::string_view aad, std::string_view ciphertext_and_tag) {
  if (auto status = check_key_and_nonce(key, nonce); !status) return status.error();
  if (ciphertext_and_tag.size() < kGcmTagBytes) {
    return sdk::make_error(sdk::ErrorCode::kInvalidMessageContents,
                           "AES-256-GCM input shorter than its tag (" +
                               std::to_string(ciphertext_and_tag.size()) + " bytes)");
  }
  if (!fits_int(ciphertext_and_tag.size()) || !fits_int(aad.size())) {
    return sdk::make_error(sdk::ErrorCode::kInternal, "AES-256-GCM input too large");
  }
  if (aes_256_gcm() == nullptr) return openssl_error("AES-256-GCM is not available");
  const std::string_view ciphertext =
      ciphertext_and_tag.substr(0, ciphertext_and_tag.size() - kGcmTagBytes);
  std::string tag(ciphertext_and_tag.substr(ciphertext.size()));
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) return openssl_error("EVP_CIPHER_CTX_new");
  if (EVP_DecryptInit_ex2(ctx.get(), aes_256_gcm(), bytes(key), bytes(nonce), nullptr) != 1) {
    return openssl_error("AES-256-GCM decrypt init");
  }
  int length = 0;
  if (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes(aad),
                                        static_cast<int>(aad.size())) != 1) {
    return openssl_error("AES-256-GCM associated data");
  }
  std::string plaintext(ciphertext.size(), '\0');
  int written = 0;
  if (!ciphertext.empty()) {
    if (EVP_DecryptUpdate(ctx.get(), bytes(plaintext), &length, bytes(ciphertext),
                          static_cast<int>(ciphertext.size())) != 1) {
      return openssl_error("AES-256-GCM decrypt");
    }
    written = length;
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kGcmTagBytes),
                          tag.data()) != 1) {
    return openssl_error("AES-256-GCM set tag");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), bytes(plaintext) + written, &length) != 1) {
    ERR_clear_error();
    wipe(plaintext);
    return sdk::make_error(sdk::ErrorCode::kInvalidMessageContents,
                           "AES-256-GCM authentication failed: the bytes were altered, or they "
                           "belong to another key or context");
  }
  return plaintext;
}

sdk::Result<std::string> hkdf_sha256(std::string_view input_key, std::string_view salt,
                                     std::string_view info, std::size_t length) {
  if (hkdf() == nullptr) return openssl_error("HKDF is not available");
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(hkdf()),
                                                                &EVP_KDF_CTX_free);
  if (!ctx) return openssl_error("EVP_KDF_CTX_new");
  char digest[] = "SHA256";
  // OSSL_PARAM takes non-const pointers; OpenSSL only reads these.
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(input_key.data()),
                                        input_key.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()),
                                        info.size()),
      OSSL_PARAM_construct_end(),
  };
  std::string out(length, '\0');
  if (EVP_KDF_derive(ctx.get(), bytes(out), out.size(), params) != 1) {
    return openssl_error("HKDF-SHA256 derive");
  }
  return out;
}

sdk::Result<std::string> hmac_sha256(std::string_view key, std::string_view data) {
  std::string out(32, '\0');
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(),
           bytes(out), &length) == nullptr ||
      length != out.size()) {
    return openssl_error("HMAC-SHA256");
  }
  return out;
}

sdk::Result<std::string> random_bytes(std::size_t count) {
  std::string out(count, '\0');
  if (count > 0 && RAND_bytes(bytes(out), static_cast<int>(count)) != 1) {
    return openssl_error("RAND_bytes");
  }
  return out;
}

std::string to_hex(std::string_view in) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(in.size() * 2);
  for (unsigned char c : in) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0x0f]);
  }
  return out;
}

void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

}  // namespace sluice::plugins::local_crypto
