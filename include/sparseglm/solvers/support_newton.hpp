#pragma once
// Newton steps of least-squares fits on their support, the signs held: what the inner solvers
// (anderson_cd.hpp on X, gram_cd.hpp on the Gram matrix) do when their epochs crawl.
//
// Let S be the working set's features that are non-zero or unpenalised. On the orthant of the
// current w, P restricted to S is smooth: F(w, b) = ||y - Xw - b||^2 / (2n) is quadratic and
// each g_j is twice differentiable away from 0 (the penalty's optional derivatives_1d). The step
//   (X~_S^T X~_S / n + diag(g''_S)) delta = -(grad_S F + g'_S),   X~_j = X_j - m_j 1,
// eliminates the intercept exactly (m_j = mean_j with an intercept, else 0; then
// delta_b = -dF/db - m_S^T delta). For L1, ElasticNet and weighted L1, P is quadratic on the
// orthant and delta reaches its minimiser in one step whenever S and the signs are the
// solution's. Coordinate descent converges there at a rate set by the conditioning of X_S, and
// uncentred columns of raw data (microarray intensities) make it crawl: thousands of epochs for
// a support of five features. The step stops where a penalised coordinate first reaches 0
// (there its sign would flip; it is set to exactly 0), and the callers keep it only if P
// decreases.

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

template <class Penalty, class Scalar>
concept HasDerivatives1d = requires(const Penalty& penalty, Scalar x, Index j) {
  {penalty.derivatives_1d(x, j)};
  {penalty.value_1d(x, j)};
};

/// Whether feature j, at `value`, belongs to the support S: non-zero or unpenalised.
template <class PenaltyType, class Scalar>
bool in_support(const PenaltyType& penalty, Index j, Scalar value) {
  return value != Scalar(0) || !penalty.is_penalized(j);
}

/// The step on the orthant, given F's Hessian and gradient on S.
template <class Scalar>
class OrthantNewton {
 public:
  /// `features` are S's features, `values` their coefficients, `hessian` F's Hessian on S (its
  /// lower triangle is read; it is overwritten) and `gradient` F's gradient on S. Computes the
  /// clipped step: false when there is none (a singular system, no step length).
  template <class PenaltyType>
  bool solve(const PenaltyType& penalty, const std::vector<Index>& features, const Vector<Scalar>& values,
             Matrix<Scalar>& hessian, const Vector<Scalar>& gradient) {
    const Index size = values.size();
    rhs_.resize(size);
    for (Index k = 0; k < size; ++k) {
      const Index j = features[std::size_t(k)];
      rhs_[k] = -gradient[k];
      if (!penalty.is_penalized(j)) continue;
      const auto [slope, curvature] = penalty.derivatives_1d(values[k], j);
      rhs_[k] -= Scalar(slope);
      hessian(k, k) += Scalar(curvature);
    }
    const Eigen::LDLT<Matrix<Scalar>> factor(hessian);
    if (factor.info() != Eigen::Success) return false;
    delta_ = factor.solve(rhs_);
    if (!delta_.allFinite()) return false;
    // The longest step in [0, 1] that keeps every penalised coordinate in its orthant.
    length_ = 1;
    for (Index k = 0; k < size; ++k)
      if (crosses_zero(penalty, features, values, k)) length_ = std::min(length_, -values[k] / delta_[k]);
    if (!(length_ > Scalar(0))) return false;
    moved_.resize(size);
    for (Index k = 0; k < size; ++k) {
      // The coordinate that sets the length lands on 0 exactly, not on its rounding.
      const bool lands_on_zero =
          crosses_zero(penalty, features, values, k) && length_ == -values[k] / delta_[k];
      moved_[k] = lands_on_zero ? Scalar(0) : values[k] + length_ * delta_[k];
    }
    return true;
  }

  Scalar length() const { return length_; }
  const Vector<Scalar>& delta() const { return delta_; }
  /// The coefficients of S after the step.
  const Vector<Scalar>& moved() const { return moved_; }

 private:
  template <class PenaltyType>
  bool crosses_zero(const PenaltyType& penalty, const std::vector<Index>& features,
                    const Vector<Scalar>& values, Index k) const {
    return penalty.is_penalized(features[std::size_t(k)]) && values[k] * delta_[k] < Scalar(0);
  }

  Vector<Scalar> rhs_, delta_, moved_;
  Scalar length_ = 0;
};

/// The step on X for the design-based solver: forms X~_S^T X~_S from X.
template <class Scalar>
class SupportNewton {
 public:
  static constexpr Index max_support = 4096;  // as GramCD's working sets: 128 MiB in double

  /// The support of w within the working set: its non-zero and its unpenalised features.
  template <class PenaltyType>
  const std::vector<Index>& find_support(const PenaltyType& penalty, const std::vector<Index>& working_set,
                                         const Vector<Scalar>& w) {
    support_.clear();
    for (const Index j : working_set)
      if (in_support(penalty, j, w[j])) support_.push_back(j);
    return support_;
  }

  /// One step on the support that find_support found last. Xw is the prediction (intercept
  /// included). Moves w, b and Xw and returns true when P decreases; else leaves them.
  template <class Design, class PenaltyType>
  bool step(const Design& X, const Vector<Scalar>& y, const PenaltyType& penalty, bool fit_intercept,
            Vector<Scalar>& w, Scalar& b, Vector<Scalar>& Xw) {
    const Index size = Index(support_.size());
    const Scalar n = Scalar(y.size());
    // X~_S^T X~_S is singular when |S| >= n; above max_support, it would not fit in memory.
    if (size == 0 || size >= y.size() || size > max_support) return false;
    residual_ = Xw - y;
    const Scalar intercept_gradient = fit_intercept ? residual_.mean() : Scalar(0);
    means_.setZero(size);
    values_.resize(size);
    gradient_.resize(size);
    for (Index k = 0; k < size; ++k) {
      const Index j = support_[std::size_t(k)];
      if (fit_intercept) means_[k] = X.col_mean(j);
      values_[k] = w[j];
      gradient_[k] = X.col_dot(j, residual_) / n - means_[k] * intercept_gradient;
    }
    X.centered_cross_gram(support_, means_, support_, means_, hessian_);
    hessian_ /= n;
    if (!orthant_.solve(penalty, support_, values_, hessian_, gradient_)) return false;

    const Vector<Scalar>& moved = orthant_.moved();
    trial_Xw_ = Xw;
    for (Index k = 0; k < size; ++k)
      if (moved[k] != values_[k]) X.col_axpy(support_[std::size_t(k)], moved[k] - values_[k], trial_Xw_);
    const Scalar b_change =
        fit_intercept ? orthant_.length() * (-intercept_gradient - means_.dot(orthant_.delta())) : Scalar(0);
    trial_Xw_.array() += b_change;

    // P's change: F's as (r' - r)^T (r' + r) / 2n, which keeps its digits; G's coordinate by
    // coordinate. Kept only if it exceeds the rounding of P (as Anderson's proposals): a step
    // inside it would reset the solver's extrapolation and stall detection for nothing.
    Scalar change = (trial_Xw_ - Xw).dot(trial_Xw_ - y + residual_) / (Scalar(2) * n);
    Scalar magnitude = residual_.squaredNorm() / (Scalar(2) * n);
    for (Index k = 0; k < size; ++k) {
      const Index j = support_[std::size_t(k)];
      const Scalar before = penalty.value_1d(values_[k], j);
      change += penalty.value_1d(moved[k], j) - before;
      magnitude += before;
    }
    if (!(change < -Scalar(100) * std::numeric_limits<Scalar>::epsilon() * magnitude)) return false;
    for (Index k = 0; k < size; ++k) w[support_[std::size_t(k)]] = moved[k];
    b += b_change;
    Xw.swap(trial_Xw_);
    return true;
  }

 private:
  OrthantNewton<Scalar> orthant_;
  std::vector<Index> support_;
  Vector<Scalar> residual_, means_, values_, gradient_, trial_Xw_;
  Matrix<Scalar> hessian_;
};

}  // namespace sparseglm::detail
