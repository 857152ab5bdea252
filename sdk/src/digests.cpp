#include "sluice/sdk/digests.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>

namespace sluice::sdk {
namespace {

std::string to_hex(const unsigned char* data, unsigned int size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(size) * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

// A streaming EVP digest; OpenSSL's one-shot MD5() is deprecated in 3.0.
class Digest {
 public:
  explicit Digest(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(ctx_, md, nullptr);
  }
  ~Digest() { EVP_MD_CTX_free(ctx_); }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void update(std::string_view bytes) { EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()); }
  void update_length_prefixed(std::string_view bytes) {
    const auto n = static_cast<std::uint32_t>(bytes.size());
    const std::array<char, 4> be = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                                    static_cast<char>(n >> 8), static_cast<char>(n)};
    update(std::string_view(be.data(), be.size()));
    update(bytes);
  }
  std::string hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_, out.data(), &size);
    return to_hex(out.data(), size);
  }

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace

std::string md5_hex(std::string_view bytes) {
  Digest d(EVP_md5());
  d.update(bytes);
  return d.hex();
}

std::string sha256_hex(std::string_view bytes) {
  Digest d(EVP_sha256());
  d.update(bytes);
  return d.hex();
}

std::string md5_of_attributes(const MessageAttributes& attributes) {
  if (attributes.empty()) return {};
  Digest d(EVP_md5());
  // std::map orders names byte-wise, which is the order AWS hashes them in.
  for (const auto& [name, value] : attributes) {
    d.update_length_prefixed(name);
    d.update_length_prefixed(value.data_type);
    const char transport = value.is_binary() ? '\x02' : '\x01';
    d.update(std::string_view(&transport, 1));
    d.update_length_prefixed(value.value);
  }
  return d.hex();
}

}  // namespace sluice::sdk
