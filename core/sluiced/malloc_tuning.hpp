// Allocator settings for the daemon's allocation pattern.
#pragma once

namespace sluice::sluiced {

// Call once at start-up, before any thread exists. The broker allocates a request's buffers on
// one thread (an I/O worker or a storage thread) and frees them on another, so glibc's per-thread
// arenas keep growing and trimming their heaps: a system call (brk/mprotect/madvise) every few
// requests and lock contention on the arenas. A larger trim threshold and top pad keep a few MiB
// of slack per arena instead (about 10% less CPU per request in docs/PERFORMANCE.md).
void tune_malloc();

}  // namespace sluice::sluiced
