#pragma once
// The heavy columns of a prox-Newton working set and their block of the model's Hessian
// (prox_newton.hpp, heavy-block steps).
//
// A heavy column is stored in at least heavy_fraction of the rows: on bag-of-words and tf-idf
// designs, the stop words. Without an intercept these columns stand in for one; they are nearly
// collinear in the h-weighted metric, and cyclic CD on the model crawls along their differences.
// Their block H_K = X_K^T diag(h) X_K is small (at most max_heavy columns): each column scattered
// into a zeroed vector, then a weighted dot with each column, O(n |K| + nnz(X_K) |K|) per model.
// Cyclic CD on a quadratic converges at a rate set by the smallest eigenvalue of its Jacobi-scaled
// Hessian D^-1/2 H D^-1/2 (D its diagonal); where that of H_K is not small, the epochs need no
// block step (crawls()).

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <vector>

#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

template <class Scalar>
class HeavyColumns {
 public:
  // A quarter of the rows and at most 64 columns, the densest kept. L1-logistic /1000 without
  // intercept to tol 1e-8, epochs on text 20000x50000 and farm-ads: 143 and 564; with a half of
  // the rows 147 and 650, with a tenth 159 and 455 (for blocks up to the cap), with at most 16
  // columns 138 and 716.
  static constexpr double heavy_fraction = 0.25;
  static constexpr std::size_t max_heavy = 64;
  // Below this smallest eigenvalue of the Jacobi-scaled H_K, CD crawls on the block. L1-logistic
  // /1000 without intercept to tol 1e-8 (epochs with and without block steps): the generated
  // term-like designs of tests/support whose blocks had 0.08 to 0.27 took 1427 against 1818,
  // 1993 against 2994 and 2611 against 2716 epochs; those with 0.42 to 0.67, 2188 against 1883
  // and 1189 against 1136. bench/compare's text cells and farm-ads: 0.07 to 0.35.
  static constexpr double crawl_eigenvalue = 0.35;

  /// Picks the heavy positions of `working_set` among those with a non-zero model curvature,
  /// and marks the block as not formed.
  template <class Design>
  void select(const Design& X, const std::vector<Index>& working_set, const Vector<Scalar>& curvature) {
    positions_.clear();
    is_heavy_.assign(working_set.size(), 0);
    formed_ = false;
    const double threshold = heavy_fraction * double(X.rows());
    for (std::size_t k = 0; k < working_set.size(); ++k)
      if (curvature[Index(k)] != Scalar(0) && double(X.col_nnz(working_set[k])) >= threshold)
        positions_.push_back(Index(k));
    if (positions_.size() > max_heavy) {
      const auto nnz = [&](Index k) { return X.col_nnz(working_set[std::size_t(k)]); };
      std::nth_element(positions_.begin(), positions_.begin() + std::ptrdiff_t(max_heavy), positions_.end(),
                       [&](Index a, Index b) { return nnz(a) > nnz(b); });
      positions_.resize(max_heavy);
      std::sort(positions_.begin(), positions_.end());
    }
    for (const Index k : positions_) is_heavy_[std::size_t(k)] = 1;
  }

  void clear() {
    positions_.clear();
    is_heavy_.clear();
  }
  bool empty() const { return positions_.empty(); }
  /// Working-set positions, ascending.
  const std::vector<Index>& positions() const { return positions_; }
  bool is_heavy(Index k) const { return !is_heavy_.empty() && is_heavy_[std::size_t(k)]; }

  /// H_K in the order of positions(), formed at the first call after select() from the model's h.
  template <class Design>
  const Matrix<Scalar>& hessian(const Design& X, const std::vector<Index>& working_set,
                                const Vector<Scalar>& h) {
    if (formed_) return hessian_;
    formed_ = true;
    const Index size = Index(positions_.size());
    hessian_.resize(size, size);
    for (Index b = 0; b < size; ++b) {
      column_.setZero(X.rows());
      X.col_axpy(working_set[std::size_t(positions_[std::size_t(b)])], Scalar(1), column_);
      for (Index a = b; a < size; ++a) {
        hessian_(a, b) = X.col_weighted_dot(working_set[std::size_t(positions_[std::size_t(a)])], h, column_);
        hessian_(b, a) = hessian_(a, b);
      }
    }
    // A column without curvature (every h_i of its rows underflowed) leaves the block singular.
    const Vector<Scalar> scale = hessian_.diagonal().cwiseSqrt();
    crawls_ = (scale.array() == Scalar(0)).any();
    if (!crawls_) {
      const Matrix<Scalar> scaled =
          scale.cwiseInverse().asDiagonal() * hessian_ * scale.cwiseInverse().asDiagonal();
      const Eigen::SelfAdjointEigenSolver<Matrix<Scalar>> eigen(scaled, Eigen::EigenvaluesOnly);
      crawls_ = eigen.info() != Eigen::Success || eigen.eigenvalues()[0] < Scalar(crawl_eigenvalue);
    }
    return hessian_;
  }
  /// Whether CD crawls on the block (crawl_eigenvalue), as of the last hessian().
  bool crawls() const { return crawls_; }

 private:
  std::vector<Index> positions_;
  std::vector<char> is_heavy_;
  bool formed_ = false;
  bool crawls_ = false;
  Matrix<Scalar> hessian_;
  Vector<Scalar> column_;  // one column of X_K, dense
};

}  // namespace sparseglm::detail
