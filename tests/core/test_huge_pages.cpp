// The storage of the fits' large buffers (core/huge_pages.hpp) and the row-major copy of a sparse
// design built on it (core/design.hpp): alignment, every element writable, freed buffers reused
// by the same thread (KeptBuffers), entries kept when a matrix grows, and a copy equal to Eigen's
// own conversion to row-major storage.

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "sparseglm/sparseglm.hpp"

namespace {

using sparseglm::Index;
using sparseglm::detail::huge_page_bytes;
using sparseglm::detail::HugePageArray;
using sparseglm::detail::HugePageMatrix;
using sparseglm::detail::KeptBuffers;
using sparseglm::detail::on_huge_pages;

bool aligned_to(const void* data, std::size_t alignment) {
  return reinterpret_cast<std::uintptr_t>(data) % alignment == 0;
}

template <class Scalar, int Options>
void check_resize_keeping() {
  HugePageMatrix<Scalar, Options> matrix(3, 2);
  for (Index i = 0; i < 3; ++i)
    for (Index j = 0; j < 2; ++j) matrix.map()(i, j) = Scalar(10 * i + j);
  matrix.resize_keeping(5, 4);
  REQUIRE(matrix.rows() == 5);
  REQUIRE(matrix.cols() == 4);
  for (Index i = 0; i < 3; ++i)
    for (Index j = 0; j < 2; ++j) CHECK(matrix.map()(i, j) == Scalar(10 * i + j));
  matrix.map().setConstant(Scalar(1));  // every new entry is writable (AddressSanitizer)
  matrix.resize_keeping(2, 1);
  CHECK(matrix.map()(1, 0) == Scalar(1));
}

// A sparse matrix with empty rows and columns, stored as given (column-major CSC).
template <class Scalar, class StorageIndex>
Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex> sparse_with_empty_lines(Index n, Index p) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<Eigen::Triplet<Scalar, StorageIndex>> entries;
  for (Index i = 0; i < n; ++i)
    for (Index j = 0; j < p; ++j)
      if (i % 7 != 3 && j % 5 != 2 && uniform(rng) > 0.4)
        entries.emplace_back(StorageIndex(i), StorageIndex(j), Scalar(uniform(rng)));
  Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex> X(n, p);
  X.setFromTriplets(entries.begin(), entries.end());
  return X;
}

template <class Scalar, class StorageIndex>
void check_row_major_copy() {
  const auto X = sparse_with_empty_lines<Scalar, StorageIndex>(30, 20);
  const auto design = sparseglm::make_design(X);
  const auto rows = design.row_major_copy();
  const Eigen::SparseMatrix<Scalar, Eigen::RowMajor, StorageIndex> expected(X);
  REQUIRE(rows.starts.size() == std::size_t(X.rows()) + 1);
  REQUIRE(rows.columns.size() == std::size_t(X.nonZeros()));
  REQUIRE(rows.values.size() == std::size_t(X.nonZeros()));
  for (Index i = 0; i <= X.rows(); ++i) CHECK(rows.starts[std::size_t(i)] == expected.outerIndexPtr()[i]);
  for (Index k = 0; k < X.nonZeros(); ++k) {
    CHECK(rows.columns.data()[k] == expected.innerIndexPtr()[k]);
    CHECK(rows.values.data()[k] == expected.valuePtr()[k]);
  }
}

}  // namespace

TEST_CASE("huge pages: arrays are aligned, 2 MiB from a quarter of a huge page up, and writable",
          "[huge_pages]") {
  const std::size_t quarter = huge_page_bytes / 4 / sizeof(double);  // doubles in a quarter
  for (const std::size_t size : {std::size_t(0), std::size_t(1), std::size_t(1000), quarter - 1, quarter,
                                 huge_page_bytes / 8 - 1, huge_page_bytes / 8, 3 * huge_page_bytes / 8 + 5}) {
    HugePageArray<double> array(size);
    REQUIRE(array.data() != nullptr);
    CHECK(array.size() == size);
    CHECK(on_huge_pages(size * sizeof(double)) == (size >= quarter));
    CHECK(aligned_to(array.data(), size >= quarter ? huge_page_bytes : 64));
    for (std::size_t k = 0; k < size; ++k) array.data()[k] = double(k);
    if (size > 0) CHECK(array.data()[size - 1] == double(size - 1));
  }
  HugePageArray<float> empty;
  CHECK(empty.size() == 0);
  CHECK(empty.data() == nullptr);
}

TEST_CASE(
    "kept buffers: a thread's freed buffers of 64 KiB and more serve its next ones, the smallest "
    "that fits first",
    "[huge_pages]") {
  sparseglm::release_kept_buffers();                                  // none left by the other tests
  const std::size_t page = huge_page_bytes / sizeof(double);          // doubles per huge page
  const std::size_t least = KeptBuffers::min_bytes / sizeof(double);  // doubles in the smallest kept
  const void* two_pages = nullptr;
  const void* one_page = nullptr;
  const void* plain = nullptr;
  {
    HugePageArray<double> large(2 * page - 7), small(page / 2), medium(2 * least);
    two_pages = large.data();
    one_page = small.data();
    plain = medium.data();  // 128 KiB, below huge pages
    for (HugePageArray<double>* array : {&large, &small, &medium}) {
      array->data()[0] = 1;
      array->data()[array->size() - 1] = 2;
    }
  }
  {
    HugePageArray<double> a(least + 1);  // the 128 KiB buffer
    HugePageArray<double> b(3 * least);  // 192 KiB: the one-page buffer, the smallest left that fits
    HugePageArray<double> c(page + 1);   // two pages
    CHECK(a.data() == plain);
    CHECK(b.data() == one_page);
    CHECK(c.data() == two_pages);
    HugePageArray<double> fresh(page);  // none kept any more
    CHECK(fresh.data() != one_page);
    CHECK(fresh.data() != two_pages);
    fresh.data()[page - 1] = 3;
  }
  HugePageArray<double> tiny(least - 1);  // below 64 KiB: never from the kept ones
  CHECK(tiny.data() != plain);
  CHECK(tiny.data() != one_page);
  sparseglm::release_kept_buffers();
}

TEST_CASE("huge pages: a buffer allocated in one thread is freed and kept in another", "[huge_pages]") {
  HugePageArray<float> moved(huge_page_bytes);
  moved.data()[huge_page_bytes - 1] = 1.0f;
  std::thread([array = std::move(moved)]() mutable {
    CHECK(array.data()[huge_page_bytes - 1] == 1.0f);
    HugePageArray<float> gone = std::move(array);  // kept by this thread, deleted at its exit
  }).join();
  HugePageArray<float> next(huge_page_bytes);
  next.data()[0] = 2.0f;
  CHECK(next.data()[0] == 2.0f);
}

TEST_CASE("huge pages: a size past the address space is refused with bad_alloc", "[huge_pages]") {
  CHECK_THROWS_AS(HugePageArray<double>(std::size_t(-1) / 4), std::bad_alloc);
}

TEST_CASE("huge pages: resize_keeping keeps the top-left entries, row- and column-major", "[huge_pages]") {
  check_resize_keeping<double, Eigen::ColMajor>();
  check_resize_keeping<double, Eigen::RowMajor>();
  check_resize_keeping<float, Eigen::RowMajor>();
}

TEST_CASE("design: row_major_copy equals Eigen's row-major storage, empty rows and columns included",
          "[design][huge_pages]") {
  check_row_major_copy<double, int>();
  check_row_major_copy<float, std::int64_t>();
}
