#pragma once
// Design-matrix kernels: the only code in the library that knows dense from sparse storage.
//
// The solvers reach X only through these few operations, each O(nnz) of what it touches:
//   col_dot(j, v)         X_j^T v
//   col_axpy(j, a, v)     v += a * X_j
//   col_sq_norm(j)        ||X_j||^2
//   col_weighted_sum(j,f) sum_i X_ij f(i) over the stored entries of column j (for datafits
//                         whose per-sample gradient is computed on the fly)
//   col_mean(j)           mean_i X_ij
//   col_nnz(j)            stored entries of column j
//   col_all_finite(j)     no NaN or Inf in column j (all_finite(): in X)
//   col_model_dots(j, g, h)     (X_j^T g, X_j^T h, sum_i h_i X_ij^2) in one pass  (second-order
//   col_weighted_dot(j, h, v)   sum_i h_i X_ij v_i             models, solvers/prox_newton.hpp)
//   col_max_abs(j, v)           max |v_i| over the rows of column j's stored entries
// (on sparse designs, col_axpy, col_model_dots and col_weighted_dot also take the rows of a
// SamplePairs, two per-sample vectors stored as pairs, which they gather from one cache line)
// and the O(n) kernels of centred coordinate descent (solvers/coordinate_constants.hpp):
//   col_moments(j)                    (mean_j, ||X_j||^2, ||X_j - mean_j||^2), reading X_j once
//   col_centered_axpy(j, a, m, v)     v += a * (X_j - m)
//   col_weighted_sum_and_total(j, f)  (sum_i X_ij f(i), sum over all rows i of f(i))
// and the Gram kernel of least-squares inner solves (solvers/gram_cd.hpp), with its work estimate
// (core/cross_gram.hpp):
//   centered_cross_gram(A, m_A, B, m_B, out)  (X_A - 1 m_A^T)^T (X_B - 1 m_B^T) for column subsets
//   gram_work(size, entries)                  its work on `size` columns with themselves
// and, sparse designs only, the covariance kernels of least-squares paths
// (solvers/covariance_gradient.hpp):
//   row_major_copy()                         X stored by rows, O(nnz) time and memory
//   add_col_cross_products(k, rows, out)     out += X^T X_k from that copy
// `make_design(X)` wraps a user's matrix without copying it whenever its storage allows
// (column-major dense with unit inner stride, `Eigen::Map` included; compressed column-major
// sparse); any other expression is evaluated once into storage owned by the view.
// The views are public because user-defined datafits receive them (datafits/datafit.hpp); a
// datafit written against the DesignMatrix concept works for dense and sparse designs alike.

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <memory>
#include <numeric>
#include <type_traits>
#include <utility>
#include <vector>

#include "sparseglm/core/cross_gram.hpp"
#include "sparseglm/core/huge_pages.hpp"
#include "sparseglm/core/parallel.hpp"
#include "sparseglm/core/types.hpp"

namespace sparseglm {

/// The sums over column j that a second-order model of the datafit needs at one point, with g and
/// h its per-sample first and second derivatives (col_model_dots).
template <class Scalar>
struct ColumnModelDots {
  Scalar gradient;          ///< X_j^T g
  Scalar weighted_sum;      ///< sum_i h_i X_ij
  Scalar weighted_sq_norm;  ///< sum_i h_i X_ij^2
};

/// X_j^T v with column j's squared norm and sum (col_sums): what a least-squares datafit takes
/// of each column at initialize (v = y).
template <class Scalar>
struct ColumnSums {
  Scalar dot;      ///< X_j^T v
  Scalar sq_norm;  ///< ||X_j||^2, as col_sq_norm
  Scalar sum;      ///< sum_i X_ij, col_mean times n
};

/// Column j's mean and squared norms, uncentred and centred (col_moments).
template <class Scalar>
struct ColumnMoments {
  Scalar mean;              ///< sum_i X_ij / n
  Scalar sq_norm;           ///< ||X_j||^2
  Scalar centered_sq_norm;  ///< ||X_j - mean 1||^2 (a sparse column's implicit zeros included)
};

namespace detail {
// A thread of X^T v gets at least this many entries of X: starting a thread costs about as much
// as 10^4 multiply-adds.
inline constexpr Index min_entries_per_thread = Index(1) << 16;
// Dense X^T v splits its columns at multiples of this: Eigen's matrix-vector kernel treats the
// rows of X^T in groups of up to 8 (16 with AVX-512 floats), so each dot product is then computed
// by the same instructions, whatever the split.
inline constexpr Index transpose_times_alignment = 16;
}  // namespace detail

template <class Scalar>
class DenseDesign {
 public:
  using ScalarType = Scalar;
  static constexpr bool is_sparse = false;

  template <class Derived>
  explicit DenseDesign(const Eigen::MatrixBase<Derived>& X) : X_(X.derived()) {}
  // A copied Ref would point into the original's evaluated temporary: views stay where made.
  DenseDesign(const DenseDesign&) = delete;
  DenseDesign& operator=(const DenseDesign&) = delete;

  Index rows() const { return X_.rows(); }
  Index cols() const { return X_.cols(); }
  Index nnz() const { return X_.size(); }

  auto col(Index j) const { return X_.col(j); }
  Scalar col_dot(Index j, const Vector<Scalar>& v) const { return X_.col(j).dot(v); }
  void col_axpy(Index j, Scalar a, Vector<Scalar>& v) const { v.noalias() += a * X_.col(j); }
  Scalar col_sq_norm(Index j) const { return X_.col(j).squaredNorm(); }
  Scalar col_mean(Index j) const { return X_.col(j).mean(); }
  bool col_all_finite(Index j) const { return X_.col(j).allFinite(); }
  ColumnSums<Scalar> col_sums(Index j, const Vector<Scalar>& v) const {
    return {X_.col(j).dot(v), X_.col(j).squaredNorm(), X_.col(j).sum()};
  }
  ColumnModelDots<Scalar> col_model_dots(Index j, const Vector<Scalar>& g, const Vector<Scalar>& h) const {
    return {X_.col(j).dot(g), X_.col(j).dot(h), (X_.col(j).array().square() * h.array()).sum()};
  }
  Scalar col_weighted_dot(Index j, const Vector<Scalar>& weights, const Vector<Scalar>& v) const {
    return (X_.col(j).array() * weights.array() * v.array()).sum();
  }
  Index col_nnz(Index) const { return X_.rows(); }
  Scalar col_max_abs(Index, const Vector<Scalar>& v) const {
    return v.size() == 0 ? Scalar(0) : v.cwiseAbs().maxCoeff();
  }
  ColumnMoments<Scalar> col_moments(Index j) const {
    const auto column = X_.col(j);
    const Scalar mean = column.mean();
    return {mean, column.squaredNorm(), (column.array() - mean).square().sum()};
  }
  void col_centered_axpy(Index j, Scalar a, Scalar mean, Vector<Scalar>& v) const {
    v.array() += a * (X_.col(j).array() - mean);
  }
  template <class RowFunction>
  Scalar col_weighted_sum(Index j, RowFunction&& f) const {
    const auto column = X_.col(j);
    Scalar sum = 0;
    for (Index i = 0; i < column.size(); ++i) sum += column[i] * f(i);
    return sum;
  }
  template <class RowFunction>
  std::pair<Scalar, Scalar> col_weighted_sum_and_total(Index j, RowFunction&& f) const {
    const auto column = X_.col(j);
    Scalar sum = 0, total = 0;
    for (Index i = 0; i < column.size(); ++i) {
      const Scalar value = f(i);
      sum += column[i] * value;
      total += value;
    }
    return {sum, total};
  }
  /// out = X^T v, on up to n_threads threads (0: all cores); the same result for any n_threads.
  void transpose_times(const Vector<Scalar>& v, Vector<Scalar>& out, int n_threads = 1) const {
    out.resize(X_.cols());
    detail::parallel_ranges(
        X_.cols(), n_threads,
        std::max<Index>(1, detail::min_entries_per_thread / std::max<Index>(X_.rows(), 1)),
        detail::transpose_times_alignment, [&](Index begin, Index end) {
          out.segment(begin, end - begin).noalias() = X_.middleCols(begin, end - begin).transpose() * v;
        });
  }
  void times(const Vector<Scalar>& w, Vector<Scalar>& out) const { out.noalias() = X_ * w; }
  // x * 0 is 0 for every finite x and NaN for NaN and +-Inf: one vectorised sum finds them all.
  bool all_finite() const { return (X_.array() * Scalar(0)).sum() == Scalar(0); }

  /// out = (X_A - 1 m_A^T)^T (X_B - 1 m_B^T) for column subsets A and B (zero means: X_A^T X_B),
  /// from centred blocks of rows (cross_gram.hpp). O(n |A| |B|).
  void centered_cross_gram(const std::vector<Index>& a_columns, const Vector<Scalar>& a_means,
                           const std::vector<Index>& b_columns, const Vector<Scalar>& b_means,
                           Matrix<Scalar>& out) const {
    detail::blocked_cross_gram<Scalar>(
        X_.rows(), Index(a_columns.size()), Index(b_columns.size()), a_columns == b_columns,
        [&](Index start, Index rows, Matrix<Scalar>& block) {
          gather_centered(a_columns, a_means, start, rows, block);
        },
        [&](Index start, Index rows, Matrix<Scalar>& block) {
          gather_centered(b_columns, b_means, start, rows, block);
        },
        out);
  }
  /// The work of centered_cross_gram on `size` columns with themselves (cross_gram.hpp).
  double gram_work(double size, double) const {
    return detail::dense_gram_work(double(X_.rows()), size, size, true);
  }

 private:
  void gather_centered(const std::vector<Index>& columns, const Vector<Scalar>& means, Index start,
                       Index rows, Matrix<Scalar>& block) const {
    block.resize(rows, Index(columns.size()));
    for (Index a = 0; a < block.cols(); ++a)
      block.col(a) = X_.col(columns[a]).segment(start, rows).array() - means[a];
  }

  // A const Ref binds to compatible storage without a copy and evaluates anything else once.
  Eigen::Ref<const Matrix<Scalar>, 0, Eigen::OuterStride<>> X_;
};

template <class Scalar, class StorageIndex>
class SparseDesign {
 public:
  using ScalarType = Scalar;
  using Storage = Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex>;
  static constexpr bool is_sparse = true;

  template <class Derived>
  explicit SparseDesign(const Eigen::SparseMatrixBase<Derived>& X) {
    if constexpr (is_compressed_col_major<Derived>()) {
      if (X.derived().isCompressed()) {
        bind(X.derived());
        return;
      }
    }
    owned_ = std::make_shared<Storage>(X.derived());
    owned_->makeCompressed();
    bind(*owned_);
  }

  Index rows() const { return rows_; }
  Index cols() const { return cols_; }
  Index nnz() const { return static_cast<Index>(outer_[cols_]); }

  Scalar col_dot(Index j, const Vector<Scalar>& v) const {
    return sum_over_column<1>(j, [&](auto& sums, Index k) { sums[0] += values_[k] * v[inner_[k]]; })[0];
  }
  template <class Target>  // Vector<Scalar>, or a row of SamplePairs<Scalar>
  void col_axpy(Index j, Scalar a, Target&& v) const {
    for (Index k = outer_[j]; k < outer_[j + 1]; ++k) v[inner_[k]] += a * values_[k];
  }
  template <class RowFunction>
  Scalar col_weighted_sum(Index j, RowFunction&& f) const {
    return sum_over_column<1>(j,
                              [&](auto& sums, Index k) { sums[0] += values_[k] * f(Index(inner_[k])); })[0];
  }
  Scalar col_sq_norm(Index j) const {
    return sum_over_values(j, [](Scalar value) { return value * value; });
  }
  Scalar col_mean(Index j) const {
    return sum_over_values(j, [](Scalar value) { return value; }) / Scalar(rows_);
  }
  bool col_all_finite(Index j) const { return col_values(j).allFinite(); }
  // One pass in sum_over_entries' partial sums (sq_norm and sum equal col_sq_norm and col_mean
  // times n to the bit): as three passes, the short columns of text data paid each loop's setup
  // and reduction three times (1.3 to 1.45 times slower).
  ColumnSums<Scalar> col_sums(Index j, const Vector<Scalar>& v) const {
    const auto sums = sum_over_entries<3>(j, [&](Index k) {
      const Scalar value = values_[k];
      return std::array<Scalar, 3>{value * v[inner_[k]], value * value, value};
    });
    return {sums[0], sums[1], sums[2]};
  }
  template <class G, class H>  // Vector<Scalar>s, or the rows of a SamplePairs<Scalar>
  ColumnModelDots<Scalar> col_model_dots(Index j, const G& g, const H& h) const {
    const auto sums = sum_over_column<3>(j, [&](auto& partial, Index k) {
      const Index i = inner_[k];
      const Scalar value = values_[k], weighted = h[i] * value;
      partial[0] += value * g[i];
      partial[1] += weighted;
      partial[2] += weighted * value;
    });
    return {sums[0], sums[1], sums[2]};
  }
  template <class Weights, class V>  // Vector<Scalar>s, or the rows of a SamplePairs<Scalar>
  Scalar col_weighted_dot(Index j, const Weights& weights, const V& v) const {
    return sum_over_column<1>(j, [&](auto& sums, Index k) {
      const Index i = inner_[k];
      sums[0] += values_[k] * weights[i] * v[i];
    })[0];
  }
  Index col_nnz(Index j) const { return Index(outer_[j + 1] - outer_[j]); }
  Scalar col_max_abs(Index j, const Vector<Scalar>& v) const {
    Scalar largest = 0;
    for (Index k = outer_[j]; k < outer_[j + 1]; ++k) largest = std::max(largest, std::abs(v[inner_[k]]));
    return largest;
  }
  // The second and third passes read the column's entries from cache: X is read from memory once.
  ColumnMoments<Scalar> col_moments(Index j) const {
    const Scalar mean = col_mean(j);
    const Scalar implicit_zeros = Scalar(rows_ - col_nnz(j)) * mean * mean;
    const Scalar stored_part =
        sum_over_values(j, [mean](Scalar value) { return (value - mean) * (value - mean); });
    return {mean, col_sq_norm(j), implicit_zeros + stored_part};
  }
  void col_centered_axpy(Index j, Scalar a, Scalar mean, Vector<Scalar>& v) const {
    v.array() -= a * mean;
    col_axpy(j, a, v);
  }
  template <class RowFunction>
  std::pair<Scalar, Scalar> col_weighted_sum_and_total(Index j, RowFunction&& f) const {
    Scalar total = 0;
    for (Index i = 0; i < rows_; ++i) total += f(i);
    return {col_weighted_sum(j, f), total};
  }
  /// out = X^T v, on up to n_threads threads (0: all cores); the same result for any n_threads.
  void transpose_times(const Vector<Scalar>& v, Vector<Scalar>& out, int n_threads = 1) const {
    out.resize(cols_);
    const Index min_columns =
        std::max<Index>(1, detail::min_entries_per_thread * cols_ / std::max<Index>(nnz(), 1));
    detail::parallel_ranges(cols_, n_threads, min_columns, 1, [&](Index begin, Index end) {
      for (Index j = begin; j < end; ++j) out[j] = col_dot(j, v);
    });
  }
  void times(const Vector<Scalar>& w, Vector<Scalar>& out) const {
    out.setZero(rows_);
    for (Index j = 0; j < cols_; ++j)
      if (w[j] != Scalar(0)) col_axpy(j, w[j], out);
  }
  bool all_finite() const {  // as DenseDesign::all_finite, over the stored values
    return (Eigen::Map<const Vector<Scalar>>(values_, nnz()).array() * Scalar(0)).sum() == Scalar(0);
  }

  /// X by rows: row i's entries are columns[k] and values[k] for k in [starts[i], starts[i + 1]),
  /// columns increasing.
  struct RowMajorCopy {
    std::vector<StorageIndex> starts;
    detail::HugePageArray<StorageIndex> columns;
    detail::HugePageArray<Scalar> values;
  };
  /// A counting sort of the entries by row (its arrays on huge pages where the system has them:
  /// core/huge_pages.hpp).
  RowMajorCopy row_major_copy() const {
    RowMajorCopy rows{std::vector<StorageIndex>(std::size_t(rows_) + 1, 0),
                      detail::HugePageArray<StorageIndex>(std::size_t(nnz())),
                      detail::HugePageArray<Scalar>(std::size_t(nnz()))};
    for (Index entry = 0; entry < nnz(); ++entry) ++rows.starts[std::size_t(inner_[entry]) + 1];
    std::partial_sum(rows.starts.begin(), rows.starts.end(), rows.starts.begin());
    std::vector<StorageIndex> next(rows.starts.begin(), rows.starts.end() - 1);  // each row's next slot
    for (Index j = 0; j < cols_; ++j) {
      for (Index entry = outer_[j]; entry < outer_[j + 1]; ++entry) {
        const StorageIndex slot = next[std::size_t(inner_[entry])]++;
        rows.columns.data()[slot] = StorageIndex(j);
        rows.values.data()[slot] = values_[entry];
      }
    }
    return rows;
  }
  /// out += X^T X_k = sum over the stored x_ik of x_ik X_i (X_i row i of X, read from `rows`, a
  /// row_major_copy()): O(sum of those rows' lengths).
  void add_col_cross_products(Index k, const RowMajorCopy& rows, Vector<Scalar>& out) const {
    const StorageIndex* row_starts = rows.starts.data();
    const StorageIndex* row_columns = rows.columns.data();
    const Scalar* row_values = rows.values.data();
    for (Index entry = outer_[k]; entry < outer_[k + 1]; ++entry) {
      const Index i = inner_[entry];
      const Scalar x_ik = values_[entry];
      for (Index e = row_starts[i]; e < row_starts[i + 1]; ++e) out[row_columns[e]] += x_ik * row_values[e];
    }
  }

  /// out = (X_A - 1 m_A^T)^T (X_B - 1 m_B^T) for column subsets A and B: from centred blocks of
  /// rows gathered dense (cross_gram.hpp) where that is less work, else X_A^T X_B - n m_A m_B^T by a
  /// sparse product of the gathered columns, O(sum over rows of nnz_A(row) nnz_B(row)).
  void centered_cross_gram(const std::vector<Index>& a_columns, const Vector<Scalar>& a_means,
                           const std::vector<Index>& b_columns, const Vector<Scalar>& b_means,
                           Matrix<Scalar>& out) const {
    const bool symmetric = a_columns == b_columns;
    const double n = double(rows_), a_count = double(a_columns.size()), b_count = double(b_columns.size());
    const bool dense_blocks =
        detail::dense_gram_work(n, a_count, b_count, symmetric) <=
            detail::sparse_gram_work(n, a_count, entries(a_columns), b_count, entries(b_columns)) &&
        rows_are_sorted(a_columns) && rows_are_sorted(b_columns);
    if (!dense_blocks) {
      out = Matrix<Scalar>(gather(a_columns).transpose() * gather(b_columns));
      out.noalias() -= Scalar(rows_) * a_means * b_means.transpose();
      return;
    }
    std::vector<Index> a_cursors = column_starts(a_columns), b_cursors = column_starts(b_columns);
    detail::blocked_cross_gram<Scalar>(
        rows_, Index(a_columns.size()), Index(b_columns.size()), symmetric,
        [&](Index start, Index rows, Matrix<Scalar>& block) {
          gather_centered_rows(a_columns, a_means, start, rows, a_cursors, block);
        },
        [&](Index start, Index rows, Matrix<Scalar>& block) {
          gather_centered_rows(b_columns, b_means, start, rows, b_cursors, block);
        },
        out);
  }
  /// The work of centered_cross_gram on `size` columns holding `entries` stored values with
  /// themselves: the cheaper of its two ways (cross_gram.hpp).
  double gram_work(double size, double entries) const {
    const double n = double(rows_);
    return std::min(detail::sparse_gram_work(n, size, entries, size, entries),
                    detail::dense_gram_work(n, size, size, true));
  }

 private:
  double entries(const std::vector<Index>& columns) const {
    double total = 0;
    for (const Index j : columns) total += double(col_nnz(j));
    return total;
  }

  // Whether each column's entries are stored by increasing row, as gather_centered_rows needs
  // (Eigen keeps them so; a Map of a user's arrays need not).
  bool rows_are_sorted(const std::vector<Index>& columns) const {
    for (const Index j : columns)
      for (Index k = outer_[j] + 1; k < outer_[j + 1]; ++k)
        if (inner_[k] <= inner_[k - 1]) return false;
    return true;
  }

  std::vector<Index> column_starts(const std::vector<Index>& columns) const {
    std::vector<Index> starts(columns.size());
    for (std::size_t a = 0; a < columns.size(); ++a) starts[a] = outer_[columns[a]];
    return starts;
  }

  // Rows [start, start + rows) of the centred columns into a dense block; cursors[a] is column
  // a's first entry at or below row `start`, and moves past the block.
  void gather_centered_rows(const std::vector<Index>& columns, const Vector<Scalar>& means, Index start,
                            Index rows, std::vector<Index>& cursors, Matrix<Scalar>& block) const {
    block.resize(rows, Index(columns.size()));
    for (Index a = 0; a < block.cols(); ++a) {
      auto column = block.col(a);
      column.setConstant(-means[a]);
      const Index end = outer_[columns[std::size_t(a)] + 1];
      Index& k = cursors[std::size_t(a)];
      for (; k < end && inner_[k] < start + rows; ++k) column[inner_[k] - start] += values_[k];
    }
  }

  Storage gather(const std::vector<Index>& columns) const {
    Index total = 0;
    for (const Index j : columns) total += col_nnz(j);
    Storage gathered(rows_, Index(columns.size()));
    gathered.resizeNonZeros(total);
    Index position = 0;
    for (Index a = 0; a < gathered.cols(); ++a) {
      gathered.outerIndexPtr()[a] = StorageIndex(position);
      for (Index entry = outer_[columns[a]]; entry < outer_[columns[a] + 1]; ++entry, ++position) {
        gathered.innerIndexPtr()[position] = inner_[entry];
        gathered.valuePtr()[position] = values_[entry];
      }
    }
    gathered.outerIndexPtr()[gathered.cols()] = StorageIndex(position);
    return gathered;
  }

  template <class Derived>
  static constexpr bool is_compressed_col_major() {
    return std::is_base_of_v<Eigen::SparseCompressedBase<Derived>, Derived> &&
           !(Derived::Flags & Eigen::RowMajorBit) &&
           std::is_same_v<typename Derived::StorageIndex, StorageIndex>;
  }

  template <class Compressed>
  void bind(const Compressed& X) {
    rows_ = X.rows();
    cols_ = X.cols();
    outer_ = X.outerIndexPtr();
    inner_ = X.innerIndexPtr();
    values_ = X.valuePtr();
  }

  // Sums over column j's stored entries k, add(sums, k) adding entry k's terms to `sums`.
  // Long columns keep four sets of partial sums: one serial sum makes a long column wait on the
  // latency of each addition (short ones overlap with the next column's). The order is fixed:
  // the result does not depend on the caller.
  template <int count, class Add>
  std::array<Scalar, count> sum_over_column(Index j, Add&& add) const {
    std::array<std::array<Scalar, count>, 4> lanes{};
    Index k = outer_[j];
    const Index end = outer_[j + 1];
    if (end - k >= long_column)
      for (; k + 4 <= end; k += 4)
        for (int lane = 0; lane < 4; ++lane) add(lanes[lane], k + lane);
    for (; k < end; ++k) add(lanes[0], k);
    std::array<Scalar, count> sums;
    for (int c = 0; c < count; ++c) sums[c] = (lanes[0][c] + lanes[1][c]) + (lanes[2][c] + lanes[3][c]);
    return sums;
  }

  // Sums of terms(k) (an array of `count` terms of stored entry k) over column j's entries, in
  // eight interleaved partial sums each that the compiler keeps in vector registers (one serial
  // sum waits on each addition's latency). The order of additions is fixed by the column alone:
  // Eigen's vectorised reductions over a Map start at its first aligned entry, so their rounding
  // would depend on where the caller's arrays happen to lie in memory.
  template <int count, class Terms>
  std::array<Scalar, count> sum_over_entries(Index j, Terms&& terms) const {
    constexpr Index lanes = 8;
    std::array<std::array<Scalar, lanes>, count> partial{};
    std::array<Scalar, count> sums{};  // the tail first, then the lanes added to it
    const Index start = outer_[j], end = outer_[j + 1];
    Index k = start;
    for (; k + lanes <= end; k += lanes)
      for (Index lane = 0; lane < lanes; ++lane) {
        const std::array<Scalar, count> term = terms(k + lane);
        for (int c = 0; c < count; ++c) partial[c][lane] += term[c];
      }
    for (; k < end; ++k) {
      const std::array<Scalar, count> term = terms(k);
      for (int c = 0; c < count; ++c) sums[c] += term[c];
    }
    for (int c = 0; c < count; ++c)
      sums[c] = ((partial[c][0] + partial[c][1]) + (partial[c][2] + partial[c][3])) +
                ((partial[c][4] + partial[c][5]) + (partial[c][6] + partial[c][7])) + sums[c];
    return sums;
  }
  template <class Term>
  Scalar sum_over_values(Index j, Term&& term) const {
    return sum_over_entries<1>(j, [&](Index k) { return std::array<Scalar, 1>{term(values_[k])}; })[0];
  }

  // Stored entries from which sum_over_column splits its sums. Measured on bench/compare's text
  // problems (sparseglm-bench --time-xtv): X^T v on text 100000x10000 (200 entries per column on
  // average) ran 15-20% faster; on text 20000x50000 (about 20) four partial sums on every column
  // ran 10-20% slower, and split from 128 entries on it runs as before.
  static constexpr Index long_column = 128;

  // Column j's stored values, contiguous: Eigen's reductions over them are vectorised.
  Eigen::Map<const Vector<Scalar>> col_values(Index j) const { return {values_ + outer_[j], col_nnz(j)}; }

  std::shared_ptr<Storage> owned_;  // set only when the input had to be converted
  Index rows_ = 0;
  Index cols_ = 0;
  const StorageIndex* outer_ = nullptr;
  const StorageIndex* inner_ = nullptr;
  const Scalar* values_ = nullptr;
};

template <class Derived>
auto make_design(const Eigen::MatrixBase<Derived>& X) {
  using Scalar = typename Derived::Scalar;
  static_assert(std::is_floating_point_v<Scalar>, "sparseglm: the design's scalar must be float or double");
  return DenseDesign<Scalar>(X);
}

template <class Derived>
auto make_design(const Eigen::SparseMatrixBase<Derived>& X) {
  using Scalar = typename Derived::Scalar;
  static_assert(std::is_floating_point_v<Scalar>, "sparseglm: the design's scalar must be float or double");
  return SparseDesign<Scalar, typename Derived::StorageIndex>(X);
}

template <class D>
concept DesignMatrix = requires(const D& X, const Vector<typename D::ScalarType>& v,
                                Vector<typename D::ScalarType>& out, Index j) {
  { X.rows() } -> std::convertible_to<Index>;
  { X.cols() } -> std::convertible_to<Index>;
  { X.col_dot(j, v) } -> std::convertible_to<typename D::ScalarType>;
  X.col_axpy(j, typename D::ScalarType(1), out);
  X.transpose_times(v, out);
  X.times(v, out);
};

}  // namespace sparseglm
