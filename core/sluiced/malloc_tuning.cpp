#include "malloc_tuning.hpp"

#include <malloc.h>

namespace sluice::sluiced {

void tune_malloc() {
  // Freed memory at the top of an arena is returned to the system only beyond this much.
  mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
  // Each time an arena must grow, it grows by this much more than asked.
  mallopt(M_TOP_PAD, 8 * 1024 * 1024);
  // Setting the trim threshold freezes the mmap threshold at its default (128 KiB); raise it so
  // message-sized buffers (up to 1 MiB) come from the arenas rather than fresh mappings.
  mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
}

}  // namespace sluice::sluiced
