#pragma once
// Storage for the large buffers that a fit writes for the first time: the row-major copy of a
// sparse X and the covariance columns (covariance_gradient.hpp), the Gram cache (gram_cd.hpp), the
// dense copy of X (fit_design.hpp), a path's coefficients (path.hpp), Anderson's iterates
// (anderson.hpp). Fresh memory costs a page fault per 4 KiB page at its first write: about 11 us
// each on the virtual machines of bench/compare, where the 48 MiB of the text 100000x10000 Lasso
// path took 130 ms (its later fits, reusing the memory the allocator kept, 80 ms in all), and
// glibc maps every allocation above 32 MiB afresh, so the 40 MiB of the text 20000x50000 path's
// coefficients cost 110 ms in every fit. Two remedies:
// - Transparent huge pages (2 MiB) cut the faults 512-fold where the kernel allows them (Linux,
//   transparent_hugepage set to madvise or always): HugePageArray rounds a buffer of at least a
//   quarter of a huge page up to whole huge pages, aligned to 2 MiB, so that all of it can be
//   backed by them, and advises them (madvise(MADV_HUGEPAGE)) before the first write. A huge
//   page's fault and zeroing took 0.2 to 0.4 ms there, against 2.9 ms for the 256 faults of 1 MiB
//   in 4 KiB pages, for less than 2 MiB of memory more per buffer. Off Linux the advice does
//   nothing.
// - A thread keeps the buffers of 64 KiB and more that it frees, for its next ones (KeptBuffers):
//   a fit allocates about what the last fit on the same data did, and memory the process has
//   already written costs no fault. glibc's own reuse of freed memory depends on what else the
//   heap holds: the dense copies of colon-cancer (992 KB) and diabetes-x2 (226 KB) met fresh
//   memory in each of a process's first 6 and 11 fits, whose page faults took 3 ms of an
//   L1-logistic fit of 3.3 ms and 0.6 ms of a Lasso fit of 0.7 ms.

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

inline constexpr std::size_t huge_page_bytes = std::size_t(1) << 21;

/// Advises huge pages for the whole 2 MiB pages inside [data, data + bytes), before their first
/// write. Advice only: where the kernel refuses it the memory stays as it was.
inline void advise_huge_pages(const void* data, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const std::uintptr_t start = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t begin = (start + huge_page_bytes - 1) & ~std::uintptr_t(huge_page_bytes - 1);
  const std::uintptr_t end = (start + bytes) & ~std::uintptr_t(huge_page_bytes - 1);
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

/// Whether a buffer of `bytes` is rounded up to whole huge pages (header comment).
inline constexpr bool on_huge_pages(std::size_t bytes) noexcept { return bytes >= huge_page_bytes / 4; }

/// A buffer from operator new(bytes, alignment), the alignment being 2 MiB when `huge`, else 64.
struct RawBuffer {
  void* data = nullptr;
  std::size_t bytes = 0;
  bool huge = false;

  static constexpr std::align_val_t alignment_of(bool huge) noexcept {
    return std::align_val_t{huge ? huge_page_bytes : 64};
  }
  /// A fresh buffer, advised for huge pages when `huge`.
  static RawBuffer allocate(std::size_t bytes, bool huge) {
    RawBuffer buffer{::operator new(bytes, alignment_of(huge)), bytes, huge};
    if (huge) advise_huge_pages(buffer.data, bytes);
    return buffer;
  }
  void release() const noexcept { ::operator delete(data, alignment_of(huge)); }
};

/// The buffers of at least min_bytes that a thread has freed, kept for its next ones (header
/// comment): at most max_count of them and max_bytes in all per thread, as glibc keeps freed
/// chunks of up to 32 MiB in its heap. The oldest leave first, and all at the thread's exit.
class KeptBuffers {
 public:
  static constexpr std::size_t min_bytes = std::size_t(64) << 10;
  static constexpr std::size_t max_count = 8;
  static constexpr std::size_t max_bytes = std::size_t(32) << 20;

  /// The smallest kept buffer of at least `bytes`, else none (data nullptr). A request rounded
  /// up to huge pages is only met by one of them: the others are smaller than a huge page.
  static RawBuffer take(std::size_t bytes) noexcept {
    Kept& kept = local();
    std::size_t best = kept.count;
    for (std::size_t k = 0; k < kept.count; ++k)
      if (kept.buffers[k].bytes >= bytes &&
          (best == kept.count || kept.buffers[k].bytes < kept.buffers[best].bytes))
        best = k;
    if (best == kept.count) return {};
    const RawBuffer buffer = kept.buffers[best];
    kept.remove(best);
    return buffer;
  }

  /// Keeps a freed buffer, or releases it.
  static void give(const RawBuffer& buffer) noexcept {
    Kept& kept = local();
    if (kept.closed || buffer.bytes > max_bytes) {
      buffer.release();
      return;
    }
    static thread_local Closer closer;  // releases the kept buffers at the thread's exit
    (void)closer;
    while (kept.count == max_count || kept.total + buffer.bytes > max_bytes) {
      kept.buffers[0].release();
      kept.remove(0);
    }
    kept.buffers[kept.count++] = buffer;
    kept.total += buffer.bytes;
  }

  /// Releases this thread's kept buffers.
  static void release_all() noexcept {
    Kept& kept = local();
    while (kept.count > 0) {
      kept.buffers[0].release();
      kept.remove(0);
    }
  }

 private:
  // Trivially destructible, so that it stays usable while the thread's other objects are
  // destroyed (Closer closes it first).
  struct Kept {
    RawBuffer buffers[max_count];
    std::size_t count = 0, total = 0;
    bool closed = false;
    void remove(std::size_t k) noexcept {
      total -= buffers[k].bytes;
      for (--count; k < count; ++k) buffers[k] = buffers[k + 1];
    }
  };
  struct Closer {
    ~Closer() {
      release_all();
      local().closed = true;
    }
  };
  static Kept& local() noexcept {
    static thread_local Kept kept;
    return kept;
  }
};

/// `size` elements of a trivial type T, not initialised: on whole huge pages (2 MiB-aligned and
/// advised) when on_huge_pages, else 64-byte aligned (a cache line, an AVX-512 register); from
/// KeptBuffers when it holds one that fits. Throws std::bad_alloc when the memory is not there.
template <class T>
class HugePageArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_default_constructible_v<T>,
                "HugePageArray holds trivial types only: it neither constructs nor destroys them");

 public:
  HugePageArray() = default;
  explicit HugePageArray(std::size_t size) : size_(size) {
    // size * sizeof(T), rounded up to huge pages, must not overflow
    if (size > (std::numeric_limits<std::size_t>::max() - huge_page_bytes) / sizeof(T))
      throw std::bad_alloc();
    std::size_t bytes = std::max<std::size_t>(size * sizeof(T), 1);
    const bool huge = on_huge_pages(bytes);
    if (huge) bytes = (bytes + huge_page_bytes - 1) & ~(huge_page_bytes - 1);
    RawBuffer buffer = bytes >= KeptBuffers::min_bytes ? KeptBuffers::take(bytes) : RawBuffer{};
    if (buffer.data == nullptr) buffer = RawBuffer::allocate(bytes, huge);
    data_ = std::unique_ptr<T, Free>(static_cast<T*>(buffer.data), Free{buffer.bytes, buffer.huge});
  }

  T* data() noexcept { return data_.get(); }
  const T* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }

 private:
  struct Free {  // the buffer's size and alignment (RawBuffer); its address is the pointer's
    std::size_t bytes = 0;
    bool huge = false;
    void operator()(T* data) const noexcept {
      const RawBuffer buffer{data, bytes, huge};
      if (bytes >= KeptBuffers::min_bytes)
        KeptBuffers::give(buffer);
      else
        buffer.release();
    }
  };
  std::unique_ptr<T, Free> data_;
  std::size_t size_ = 0;
};

/// A dense rows x cols matrix (Options: Eigen::ColMajor or Eigen::RowMajor) on a HugePageArray,
/// seen through Eigen::Map; its entries are not initialised.
template <class Scalar, int Options = Eigen::ColMajor>
class HugePageMatrix {
  using Dense = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Options>;

 public:
  HugePageMatrix() = default;
  HugePageMatrix(Index rows, Index cols)
      : storage_(std::size_t(rows) * std::size_t(cols)), rows_(rows), cols_(cols) {}

  Index rows() const { return rows_; }
  Index cols() const { return cols_; }
  Eigen::Map<Dense> map() { return Eigen::Map<Dense>(storage_.data(), rows_, cols_); }
  Eigen::Map<const Dense> map() const { return Eigen::Map<const Dense>(storage_.data(), rows_, cols_); }

  /// Resizes to rows x cols keeping the top-left entries, as Eigen's conservativeResize (the new
  /// entries are not initialised).
  void resize_keeping(Index rows, Index cols) {
    HugePageMatrix resized(rows, cols);
    const Index kept_rows = std::min(rows, rows_), kept_cols = std::min(cols, cols_);
    resized.map().topLeftCorner(kept_rows, kept_cols) = map().topLeftCorner(kept_rows, kept_cols);
    *this = std::move(resized);
  }

 private:
  HugePageArray<Scalar> storage_;
  Index rows_ = 0;
  Index cols_ = 0;
};

}  // namespace sparseglm::detail

namespace sparseglm {

/// Frees the buffers that the calling thread keeps from its past fits for its next ones
/// (core/huge_pages.hpp: at most 32 MiB per thread, otherwise freed when the thread exits).
inline void release_kept_buffers() noexcept { detail::KeptBuffers::release_all(); }

}  // namespace sparseglm
