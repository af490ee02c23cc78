#pragma once
// The full gradient of least squares from covariances, for the checks of a path on a sparse X
// (working_set_solver.hpp's refresh_gradient). With grad f = (Xw + b 1 - y) / n and S the
// features with w_k != 0,
//   X_j^T grad f = (sum_{k in S} G_jk w_k + b s_j - X_j^T y) / n,   G = X^T X_S,  s_j = sum_i x_ij
// (glmnet's covariance updates, Friedman, Hastie & Tibshirani, JSS 2010, section 2.2, kept for
// every feature): |S| contiguous multiply-adds per feature instead of nnz(X_j) gathers from
// grad f. A column of G costs O(sum of the lengths of the rows where X_k is non-zero), from a
// row-major copy of X made once (O(nnz(X)) memory); a column is formed when its feature first
// becomes non-zero and kept for the rest of the path.
//
// Tracking stops (prepare returns false) once G would hold more entries than X (p |S| > nnz(X)),
// past which a product with X^T is no dearer than one with G, or more than max_entries. It is
// not started (worthwhile) when that leaves room for fewer than min_tracked features: the copy
// of X cost about 8 products X^T v (most of it first touches of fresh 4 KiB pages, before the copy
// moved to huge pages: core/huge_pages.hpp), which checks on so small a support do not repay
// before it outgrows G (measured on bench/compare's text 20000x50000 path, with room for 20).

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "sparseglm/core/huge_pages.hpp"
#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

template <class Design>
class CovarianceGradient {
 public:
  using Scalar = typename Design::ScalarType;
  static constexpr Index max_entries = Index(1) << 24;  // 128 MiB in double
  static constexpr Index min_tracked = 64;

  static bool worthwhile(const Design& X) { return max_tracked(X) >= min_tracked; }

  /// From X^T y, s (which may be 0 when b stays 0) and ||y||. Copies X by rows.
  CovarianceGradient(const Design& X, Vector<Scalar> target_products, Vector<Scalar> column_sums,
                     Scalar target_norm)
      : rows_(X.row_major_copy()),
        n_(Scalar(X.rows())),
        max_tracked_(max_tracked(X)),
        slot_(std::size_t(X.cols()), -1),
        target_products_(std::move(target_products)),
        column_sums_(std::move(column_sums)),
        target_norm_(target_norm) {}

  /// Forms the columns of the non-zero coefficients not tracked yet, then gathers w and b for
  /// gradient(j). Returns false, forming nothing, when G would outgrow its budget.
  bool prepare(const Design& X, const Vector<Scalar>& w, Scalar b) {
    const Index p = X.cols();
    std::vector<Index> fresh;
    for (Index k = 0; k < p; ++k)
      if (w[k] != Scalar(0) && slot_[std::size_t(k)] < 0) fresh.push_back(k);
    const Index tracked = Index(tracked_.size()), size = tracked + Index(fresh.size());
    if (size > max_tracked_) return false;
    if (size > covariances_.cols()) {  // room for twice as many: a path adds a few per alpha
      const Index capacity = std::min(max_tracked_, std::max(size, 2 * Index(covariances_.cols())));
      covariances_.resize_keeping(p, capacity);
    }
    Vector<Scalar> column(p);
    for (const Index k : fresh) {
      column.setZero();
      X.add_col_cross_products(k, rows_, column);
      slot_[std::size_t(k)] = Index(tracked_.size());
      covariances_.map().col(Index(tracked_.size())) = column;
      tracked_.push_back(k);
    }
    tracked_coef_.resize(size);
    for (Index s = 0; s < size; ++s) tracked_coef_[s] = w[tracked_[std::size_t(s)]];
    intercept_ = b;
    return true;
  }

  /// X_j^T grad f at the (w, b) of the last prepare.
  Scalar gradient(Index j) const {
    const Index size = tracked_coef_.size();
    return (covariances_.map().row(j).head(size).dot(tracked_coef_) + intercept_ * column_sums_[j] -
            target_products_[j]) /
           n_;
  }

  /// A bound on gradient(j)'s rounding error, divided by ||X_j|| (column_norms: every ||X_k||):
  /// every entry of G, X^T y and s sums at most n products (error <= n eps ||X_j|| ||X_k||,
  /// ||X_j|| ||y||, ||X_j|| sqrt(n)), and the product with w adds |S| more terms.
  Scalar rounding(const Vector<Scalar>& column_norms) const {
    const Index size = tracked_coef_.size();
    Scalar magnitude = target_norm_ + std::abs(intercept_) * std::sqrt(n_);
    for (Index s = 0; s < size; ++s)
      magnitude += column_norms[tracked_[std::size_t(s)]] * std::abs(tracked_coef_[s]);
    return (n_ + Scalar(size + 3)) * std::numeric_limits<Scalar>::epsilon() * magnitude / n_;
  }

 private:
  static Index max_tracked(const Design& X) {
    return std::min(max_entries, X.nnz()) / std::max<Index>(X.cols(), 1);
  }

  typename Design::RowMajorCopy rows_;
  Scalar n_;
  Index max_tracked_;
  std::vector<Index> slot_;     // per feature: its column in covariances_, or -1
  std::vector<Index> tracked_;  // the tracked features, in column order
  // p x capacity, row-major: gradient(j) reads one contiguous row
  HugePageMatrix<Scalar, Eigen::RowMajor> covariances_;
  Vector<Scalar> target_products_;  // X^T y
  Vector<Scalar> column_sums_;
  Scalar target_norm_;
  Vector<Scalar> tracked_coef_;  // w over the tracked features, at the last prepare
  Scalar intercept_ = 0;
};

}  // namespace sparseglm::detail
