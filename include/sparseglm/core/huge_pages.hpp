#pragma once
// Storage for the large buffers that a fit writes for the first time: the row-major copy of a
// sparse X and the covariance columns (covariance_gradient.hpp), the Gram cache (gram_cd.hpp), the
// dense copy of X (fit_design.hpp), a path's coefficients (path.hpp). Fresh memory costs a page
// fault per 4 KiB page at its first write: about 11 us each on the virtual machines of
// bench/compare, where the 48 MiB of the text 100000x10000 Lasso path took 130 ms (its later fits,
// reusing the memory the allocator kept, 80 ms in all), and glibc maps every allocation above
// 32 MiB afresh, so the 40 MiB of the text 20000x50000 path's coefficients cost 110 ms in every
// fit. Transparent huge pages (2 MiB) cut the faults 512-fold where the kernel allows them
// (Linux, transparent_hugepage set to madvise or always): HugePageArray aligns a buffer of at least
// one huge page to 2 MiB, so that all of it can be backed by them, and advises them
// (madvise(MADV_HUGEPAGE)) before the first write. Elsewhere it is an aligned allocation.

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

/// `size` elements of a trivial type T, not initialised: 2 MiB-aligned and advised for huge pages
/// when they fill at least one, else 64-byte aligned (a cache line, an AVX-512 register). Throws
/// std::bad_alloc when the memory is not there.
template <class T>
class HugePageArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_default_constructible_v<T>,
                "HugePageArray holds trivial types only: it neither constructs nor destroys them");

 public:
  HugePageArray() = default;
  explicit HugePageArray(std::size_t size) : size_(size) {
    if (size > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_alloc();  // bytes overflow
    const std::size_t bytes = std::max<std::size_t>(size * sizeof(T), 1);
    const std::align_val_t alignment{bytes >= huge_page_bytes ? huge_page_bytes : 64};
    data_ = std::unique_ptr<T, Free>(static_cast<T*>(::operator new(bytes, alignment)), Free{alignment});
    if (std::size_t(alignment) == huge_page_bytes) advise_huge_pages(data_.get(), bytes);
  }

  T* data() noexcept { return data_.get(); }
  const T* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }

 private:
  struct Free {
    std::align_val_t alignment{64};
    void operator()(T* data) const noexcept { ::operator delete(data, alignment); }
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
