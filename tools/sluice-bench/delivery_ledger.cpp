#include "delivery_ledger.hpp"

#include <bit>

namespace sluice::bench {

IdBitmap::IdBitmap(std::uint64_t capacity)
    : capacity_(capacity), directory_((capacity + kChunkBits - 1) / kChunkBits) {}

IdBitmap::~IdBitmap() {
  for (auto& slot : directory_) delete[] slot.load();
}

IdBitmap::Word* IdBitmap::chunk_for_write(std::uint64_t c) {
  Word* words = directory_[c].load(std::memory_order_acquire);
  if (words != nullptr) return words;
  std::lock_guard lock(grow_mutex_);
  words = directory_[c].load(std::memory_order_acquire);
  if (words == nullptr) {
    words = new Word[kChunkWords];
    for (std::uint64_t i = 0; i < kChunkWords; ++i) words[i].store(0, std::memory_order_relaxed);
    directory_[c].store(words, std::memory_order_release);
  }
  return words;
}

bool IdBitmap::set(std::uint64_t id) {
  if (id >= capacity_) return false;
  Word* words = chunk_for_write(id / kChunkBits);
  const std::uint64_t bit = std::uint64_t{1} << (id % 64);
  const std::uint64_t before =
      words[(id % kChunkBits) / 64].fetch_or(bit, std::memory_order_relaxed);
  return (before & bit) != 0;
}

bool IdBitmap::test(std::uint64_t id) const {
  if (id >= capacity_) return false;
  const Word* words = chunk(id / kChunkBits);
  if (words == nullptr) return false;
  const std::uint64_t bit = std::uint64_t{1} << (id % 64);
  return (words[(id % kChunkBits) / 64].load(std::memory_order_relaxed) & bit) != 0;
}

DeliveryCheck DeliveryLedger::verify() const {
  DeliveryCheck check;
  for (std::uint64_t c = 0; c < acked_.chunks(); ++c) {
    const IdBitmap::Word* acked = acked_.chunk(c);
    const IdBitmap::Word* received = received_.chunk(c);
    if (acked == nullptr && received == nullptr) continue;
    for (std::uint64_t w = 0; w < IdBitmap::kChunkWords; ++w) {
      const std::uint64_t a = acked ? acked[w].load(std::memory_order_relaxed) : 0;
      const std::uint64_t r = received ? received[w].load(std::memory_order_relaxed) : 0;
      check.acked += static_cast<std::uint64_t>(std::popcount(a));
      check.received += static_cast<std::uint64_t>(std::popcount(r));
      check.missing += static_cast<std::uint64_t>(std::popcount(a & ~r));
      check.received_unacked += static_cast<std::uint64_t>(std::popcount(r & ~a));
    }
  }
  return check;
}

}  // namespace sluice::bench
