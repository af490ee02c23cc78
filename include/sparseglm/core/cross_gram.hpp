#pragma once
// The Gram kernel of both designs (design.hpp, centered_cross_gram) and what it costs.
//
// (X_A - 1 m_A^T)^T (X_B - 1 m_B^T) is formed from blocks of rows of the centred columns, gathered
// into dense storage and multiplied: a matrix product, which keeps the digits that
// X_A^T X_B - n m_A m_B^T would cancel. A sparse design uses it when its columns are dense enough
// (data read from svmlight files is stored sparse whatever its density), a sparse product
// otherwise; the work estimates below decide, and the least-squares solver uses the same ones to
// choose between epochs on X and on the Gram matrix (anderson_cd.hpp).

#include <algorithm>
#include <cstddef>

#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

// Rows per gathered block: the block(s) stay within 64 KiB, so they and Eigen's packed copies of
// them (kept on the stack up to EIGEN_STACK_ALLOCATION_LIMIT, 128 KiB) stay in L2 cache and
// never reach the allocator's mmap threshold, whose page faults would dominate a small fit.
template <class Scalar>
Index gram_block_rows(std::size_t gathered_columns) {
  constexpr std::size_t budget = std::size_t(64) << 10;
  const std::size_t rows = budget / (sizeof(Scalar) * std::max<std::size_t>(gathered_columns, 1));
  return Index(std::clamp<std::size_t>(rows, 32, 1024));
}

/// out = A^T B for n-row matrices A (a_count columns) and B given by blocks of rows:
/// gather_a(start, rows, block) sets block to rows [start, start + rows) of A, in increasing
/// start; likewise gather_b. When `symmetric` (A = B), gather_b is not called and only the lower
/// half is multiplied, then mirrored.
template <class Scalar, class GatherA, class GatherB>
void blocked_cross_gram(Index n, Index a_count, Index b_count, bool symmetric, GatherA&& gather_a,
                        GatherB&& gather_b, Matrix<Scalar>& out) {
  const Index block_rows = gram_block_rows<Scalar>(std::size_t(a_count + (symmetric ? 0 : b_count)));
  out.setZero(a_count, b_count);
  Matrix<Scalar> a_block, b_block;
  for (Index start = 0; start < n; start += block_rows) {
    const Index rows = std::min(block_rows, n - start);
    gather_a(start, rows, a_block);
    if (symmetric) {
      out.template selfadjointView<Eigen::Lower>().rankUpdate(a_block.transpose());
    } else {
      gather_b(start, rows, b_block);
      out.noalias() += a_block.transpose() * b_block;
    }
  }
  if (symmetric) out.template triangularView<Eigen::StrictlyUpper>() = out.transpose();
}

// Work estimates, in the multiply-adds of coordinate descent's dot products (one per stored
// entry read): the unit of the least-squares solver's cost model.

/// Dense blocks: n |A| |B| multiply-adds at the speed of a matrix product, about 4 times that of
/// coordinate descent's dot products; half of them when A = B.
inline double dense_gram_work(double n, double a_count, double b_count, bool symmetric) {
  return n * a_count * b_count / (symmetric ? 8 : 4);
}

/// A sparse product: nnz(X_A) nnz(X_B) / n multiply-adds when the entries are spread evenly over
/// the rows, plus |A| |B| dense entries, both about 8 times dearer than coordinate descent's (it
/// accumulates and sorts; measured on bench/compare's text problems, where factors 8 and 64 ran
/// the same and 1 up to 6 times slower).
inline double sparse_gram_work(double n, double a_count, double a_entries, double b_count, double b_entries) {
  return 8 * (a_entries * b_entries / n + a_count * b_count);
}

}  // namespace sparseglm::detail
