#include "receipt_codec.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace sluice::core {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kMacSize = 32;
constexpr std::size_t kMaxHandleChars = 1024;  // SQS limit on receipt handles
constexpr const char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void put_u16(std::string& out, std::size_t v) {
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// Reads fields off the front of a byte string; any overrun marks the reader failed.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  bool ok() const { return ok_; }
  bool empty() const { return rest_.empty(); }
  std::uint64_t u(std::size_t n) {
    if (rest_.size() < n) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(rest_[i]);
    rest_.remove_prefix(n);
    return v;
  }
  std::string str() {
    const auto n = static_cast<std::size_t>(u(2));
    if (!ok_ || rest_.size() < n) {
      ok_ = false;
      return {};
    }
    std::string s(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return s;
  }

 private:
  std::string_view rest_;
  bool ok_ = true;
};

sdk::Error invalid(std::string_view handle) {
  std::string shown(handle.substr(0, 200));
  return sdk::make_error(
      sdk::ErrorCode::kReceiptHandleIsInvalid,
      "The input receipt handle \"" + shown + "\" is not a valid receipt handle.");
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

bool base64url_decode(std::string_view text, std::string& out) {
  out.clear();
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits must be padding zeros, and a single leftover character is impossible.
  return bits < 6 && (acc & ((1u << bits) - 1)) == 0;
}

ReceiptCodec::ReceiptCodec(std::string secret) : key_(std::move(secret)) {
  if (key_.empty()) {
    std::array<unsigned char, 32> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
      // Without a key every handle would be forgeable; refusing to construct is the only safe
      // answer, and it happens at broker construction, never across a plugin boundary.
      throw std::runtime_error("receipt codec: the system random generator failed");
    }
    key_.assign(reinterpret_cast<const char*>(random.data()), random.size());
  }
}

std::string ReceiptCodec::mac(std::string_view payload) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), out.data(), &size);
  return std::string(reinterpret_cast<const char*>(out.data()), size);
}

std::string ReceiptCodec::encode(const DecodedReceipt& receipt) const {
  std::string payload;
  payload.reserve(32 + receipt.queue.size() + receipt.store_receipt.size());
  payload.push_back(static_cast<char>(kVersion));
  put_u16(payload, receipt.queue.size());
  payload += receipt.queue;
  put_u64(payload, receipt.generation);
  put_u64(payload, static_cast<std::uint64_t>(sdk::to_unix_millis(receipt.received_at)));
  put_u16(payload, receipt.store_receipt.size());
  payload += receipt.store_receipt;
  payload += mac(payload);
  return base64url_encode(payload);
}

sdk::Result<DecodedReceipt> ReceiptCodec::decode(std::string_view handle) const {
  std::string bytes;
  if (handle.empty() || handle.size() > kMaxHandleChars || !base64url_decode(handle, bytes) ||
      bytes.size() <= kMacSize) {
    return invalid(handle);
  }
  const std::string_view payload(bytes.data(), bytes.size() - kMacSize);
  const std::string expected = mac(payload);
  if (CRYPTO_memcmp(expected.data(), bytes.data() + payload.size(), kMacSize) != 0) {
    return invalid(handle);
  }
  Reader reader(payload);
  DecodedReceipt out;
  const auto version = reader.u(1);
  out.queue = reader.str();
  out.generation = reader.u(8);
  out.received_at = sdk::from_unix_millis(static_cast<std::int64_t>(reader.u(8)));
  out.store_receipt = reader.str();
  if (!reader.ok() || !reader.empty() || version != kVersion) return invalid(handle);
  return out;
}

}  // namespace sluice::core
