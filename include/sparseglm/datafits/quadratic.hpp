#pragma once
// Least squares: F(w) = ||y - Xw||^2 / (2n).
//   grad f_i = (z_i - y_i) / n,  L_j = ||X_j||^2 / n,  intercept step = mean(Xw - y).
// X_j^T y is cached at initialize so that one CD update costs one column dot product:
//   dF/dw_j = (X_j^T Xw - X_j^T y) / n.

#include <Eigen/Core>

#include "sparseglm/core/design.hpp"
#include "sparseglm/core/types.hpp"
#include "sparseglm/datafits/column_statistics.hpp"

namespace sparseglm::datafits {

class Quadratic {
 public:
  static constexpr bool lipschitz_is_column_norm = true;  // L_j = ||X_j||^2 / n
  static constexpr bool is_least_squares = true;          // working sets may be solved on X^T X

  template <class Design, class Scalar>
  void initialize(const Design& X, const Vector<Scalar>& y) {
    n_ = double(X.rows());
    Xty_.resize(X.cols());
    columns_.resize(X.cols());
    for (Index j = 0; j < X.cols(); ++j) {
      const ColumnSums<Scalar> sums = X.col_sums(j, y);
      Xty_[j] = double(sums.dot);
      columns_.sq_norms[j] = double(sums.sq_norm);
      columns_.means[j] = double(sums.sum / Scalar(X.rows()));
    }
  }

  template <class Scalar>
  Scalar value(const Vector<Scalar>& y, const Vector<Scalar>& Xw) const {
    return (y - Xw).squaredNorm() / Scalar(2 * y.size());
  }

  template <class Design, class Scalar>
  Scalar gradient_j(const Design& X, const Vector<Scalar>&, const Vector<Scalar>& Xw, Index j) const {
    return (X.col_dot(j, Xw) - Scalar(Xty_[j])) / Scalar(Xw.size());
  }

  template <class Scalar>
  void raw_gradient(const Vector<Scalar>& y, const Vector<Scalar>& Xw, Vector<Scalar>& out) const {
    out = (Xw - y) / Scalar(y.size());
  }

  double lipschitz(Index j) const { return columns_.sq_norms[j] / n_; }

  /// X^T y, computed (in the design's precision) at initialize.
  const Eigen::VectorXd& target_correlations() const { return Xty_; }

  /// ||X_j||^2 and mean_j, computed at initialize.
  const ColumnStatistics& column_statistics() const { return columns_; }

  /// Dual objective term -sum_i f_i^*(-theta_i) = sum_i (theta_i y_i - n theta_i^2 / 2), for
  /// duality gaps (duality_gap.hpp).
  template <class Scalar>
  Scalar dual_value(const Vector<Scalar>& y, const Vector<Scalar>& theta) const {
    return theta.dot(y) - Scalar(y.size()) * theta.squaredNorm() / Scalar(2);
  }

  template <class Scalar>
  Scalar intercept_step(const Vector<Scalar>& y, const Vector<Scalar>& Xw) const {
    return (Xw - y).mean();
  }

 private:
  double n_ = 1;  // rows of X
  Eigen::VectorXd Xty_;
  ColumnStatistics columns_;
};

}  // namespace sparseglm::datafits
