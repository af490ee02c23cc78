#pragma once
// Splitting a loop over [0, size) between threads, for the full gradient X^T v (design.hpp).

#include <algorithm>
#include <system_error>
#include <thread>
#include <vector>

#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

/// Threads meant by an n_threads option: 0 is the machine's hardware concurrency (at least 1).
inline int resolve_threads(int n_threads) {
  return n_threads > 0 ? n_threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

/// Calls body(begin, end) on consecutive ranges that cover [0, size), one range per thread, on at
/// most `n_threads` threads (the calling thread is one of them) and at most one thread per
/// `min_size` elements. Range boundaries are multiples of `alignment`, so that a kernel that
/// treats its elements in groups of `alignment` sees the same groups whatever the split. body must
/// not throw. When a thread cannot be started, the calling thread runs its range.
template <class Body>
void parallel_ranges(Index size, int n_threads, Index min_size, Index alignment, Body&& body) {
  const Index by_size = std::max<Index>(1, size / std::max<Index>(min_size, 1));
  const Index threads = std::min<Index>(resolve_threads(n_threads), by_size);
  if (threads <= 1) {
    body(Index(0), size);
    return;
  }
  const Index chunk = (size / threads + alignment - 1) / alignment * alignment;
  std::vector<std::thread> workers;
  workers.reserve(std::size_t(threads - 1));
  Index begin = chunk;  // the calling thread takes [0, chunk)
  for (; begin < size; begin += chunk) {
    const Index end = std::min(size, begin + chunk);
    try {
      workers.emplace_back([&body, begin, end] { body(begin, end); });
    } catch (const std::system_error&) {
      body(begin, end);
    }
  }
  body(Index(0), std::min(size, chunk));
  for (auto& worker : workers) worker.join();
}

}  // namespace sparseglm::detail
