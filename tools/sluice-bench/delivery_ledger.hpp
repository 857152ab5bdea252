// DeliveryLedger: which message ids of this run were acknowledged by a send and which were
// received, as two bitmaps (one bit per id, allocated in 8 KiB chunks on first use), so a run of
// millions of messages costs a few hundred KiB and no allocation per message. At the end,
// verify() counts acknowledged messages never received; duplicates are counted as they arrive
// (a receive that finds its bit already set).
//
// Thread-safe: mark_* may be called from any thread at once (atomic bit operations).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace sluice::bench {

class IdBitmap {
 public:
  // Ids in [0, capacity) can be recorded; others are refused (set() returns false, as new).
  explicit IdBitmap(std::uint64_t capacity);
  ~IdBitmap();
  IdBitmap(const IdBitmap&) = delete;
  IdBitmap& operator=(const IdBitmap&) = delete;

  // Sets the bit of `id`; returns its previous value.
  bool set(std::uint64_t id);
  bool test(std::uint64_t id) const;
  std::uint64_t capacity() const { return capacity_; }

  static constexpr std::uint64_t kChunkBits = 1 << 16;
  static constexpr std::uint64_t kChunkWords = kChunkBits / 64;
  using Word = std::atomic<std::uint64_t>;
  // The words of chunk `c`, or nullptr if no bit in it was ever set.
  const Word* chunk(std::uint64_t c) const { return directory_[c].load(std::memory_order_acquire); }
  std::uint64_t chunks() const { return directory_.size(); }

 private:
  Word* chunk_for_write(std::uint64_t c);

  std::uint64_t capacity_;
  std::vector<std::atomic<Word*>> directory_;
  std::mutex grow_mutex_;
};

struct DeliveryCheck {
  std::uint64_t acked = 0;             // ids acknowledged by a send
  std::uint64_t received = 0;          // distinct ids received
  std::uint64_t missing = 0;           // acknowledged, never received
  std::uint64_t received_unacked = 0;  // received although their send got no acknowledgement
};

class DeliveryLedger {
 public:
  DeliveryLedger(std::uint32_t nonce, std::uint64_t capacity)
      : nonce_(nonce), acked_(capacity), received_(capacity) {}

  std::uint32_t nonce() const { return nonce_; }
  void mark_acked(std::uint64_t id) { acked_.set(id); }
  // True the first time `id` is received.
  bool mark_received(std::uint64_t id) { return !received_.set(id); }
  // Scans both bitmaps. Call once the run is over.
  DeliveryCheck verify() const;

 private:
  std::uint32_t nonce_;
  IdBitmap acked_;
  IdBitmap received_;
};

}  // namespace sluice::bench
