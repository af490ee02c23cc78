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
  /// How far the step goes along delta: to the first penalised coordinate that reaches 0, or to
  /// P's minimiser on [0, 1] (minimise_along).
  enum class Length { first_zero, line_minimum };

  /// `features` are S's features, `values` their coefficients, `hessian` F's Hessian on S (its
  /// lower triangle is read; it is overwritten) and `gradient` F's gradient on S, F quadratic
  /// along the step. Computes the step: false when there is none (a singular system, no step
  /// length).
  template <class PenaltyType>
  bool solve(const PenaltyType& penalty, const std::vector<Index>& features, const Vector<Scalar>& values,
             Matrix<Scalar>& hessian, const Vector<Scalar>& gradient, Length rule = Length::first_zero) {
    const Index size = values.size();
    rhs_.resize(size);
    penalty_curvature_.setZero(size);
    for (Index k = 0; k < size; ++k) {
      const Index j = features[std::size_t(k)];
      rhs_[k] = -gradient[k];
      if (!penalty.is_penalized(j)) continue;
      const auto [slope, curvature] = penalty.derivatives_1d(values[k], j);
      rhs_[k] -= Scalar(slope);
      penalty_curvature_[k] = Scalar(curvature);
      hessian(k, k) += Scalar(curvature);
    }
    if (!factor_damped_if_singular(hessian)) return false;
    delta_ = factor_.solve(rhs_);
    if (!delta_.allFinite()) return false;
    // The longest step in [0, 1] that keeps every penalised coordinate in its orthant.
    length_ = 1;
    for (Index k = 0; k < size; ++k)
      if (crosses_zero(penalty, features, values, k)) length_ = std::min(length_, -values[k] / delta_[k]);
    if (rule == Length::line_minimum && length_ < Scalar(1))
      length_ = minimise_along(penalty, features, values, gradient);
    if (!(length_ > Scalar(0))) return false;
    moved_.resize(size);
    for (Index k = 0; k < size; ++k) {
      // A coordinate whose 0 the length lands on takes it exactly, not its rounding.
      const bool lands_on_zero =
          crosses_zero(penalty, features, values, k) && length_ == -values[k] / delta_[k];
      moved_[k] = lands_on_zero ? Scalar(0) : values[k] + length_ * delta_[k];
    }
    return true;
  }

  Scalar length() const { return length_; }
  /// Whether H_S was singular and H_S + mu I was factored instead (factor_damped_if_singular).
  bool damped() const { return damping_ > Scalar(0); }
  const Vector<Scalar>& delta() const { return delta_; }
  /// The coefficients of S after the step.
  const Vector<Scalar>& moved() const { return moved_; }

 private:
  // Below this fraction of the largest pivot of its LDLT factor, H_S is singular: more features
  // in S than X has independent rows (p > n, near-interpolating fits), where every step of
  // coordinate descent crawls along H_S's null space, on which F is flat and G linear (eyedata
  // Lasso at alpha_max / 1000 without intercept, y centred: 875451 epochs on supports of 200
  // features shrinking to 111, n = 120). Then H_S + mu I with mu = null_damping max_k (H_S)_kk
  // is factored instead: delta is about -(1/mu) times G's slope projected on the null space, and
  // the step along it stops at a 0 (line_minimum: where P stops decreasing), which removes that
  // feature from S.
  static constexpr double singular_pivot = 1e-12;
  static constexpr double null_damping = 1e-8;

  // Factors H_S (singular) or H_S + mu I; sets damping_ to mu (0 without). False when even that
  // fails.
  bool factor_damped_if_singular(Matrix<Scalar>& hessian) {
    damping_ = 0;
    factor_.compute(hessian);
    const auto pivots = factor_.vectorD();
    if (factor_.info() == Eigen::Success &&
        pivots.minCoeff() > Scalar(singular_pivot) * pivots.cwiseAbs().maxCoeff())
      return true;
    damping_ = Scalar(null_damping) * hessian.diagonal().cwiseAbs().maxCoeff();
    if (!(damping_ > Scalar(0))) return false;
    hessian.diagonal().array() += damping_;
    factor_.compute(hessian);
    return factor_.info() == Eigen::Success && factor_.isPositive();
  }

  template <class PenaltyType>
  bool crosses_zero(const PenaltyType& penalty, const std::vector<Index>& features,
                    const Vector<Scalar>& values, Index k) const {
    return penalty.is_penalized(features[std::size_t(k)]) && values[k] * delta_[k] < Scalar(0);
  }

  // The minimiser of P(t) = F(values + t delta) + sum_k g_k(values_k + t delta_k) on [0, 1]. The
  // coordinates that cross 0 split [0, 1] into pieces on which each g_k is smooth; for L1,
  // ElasticNet and weighted L1 P is quadratic on each and convex, so its slope
  //   P'(t) = gradient^T delta + t delta^T H_F delta + sum_k delta_k g_k'(values_k + t delta_k)
  // is linear on each piece and jumps up at each 0 crossed (by 2 alpha_k |delta_k| for L1): the
  // minimiser is where it first turns >= 0, at a crossing or inside a piece. H_F delta is
  // rhs - (diag(g'') + mu I) delta. A step may so cross every 0 that lowers P, where first_zero
  // changes one sign per step. Each g_k' and g_k'' is taken at its piece's middle: exact on
  // quadratic pieces; for other penalties the callers' check that P decreases judges the step.
  // O(|S|) per piece crossed.
  template <class PenaltyType>
  Scalar minimise_along(const PenaltyType& penalty, const std::vector<Index>& features,
                        const Vector<Scalar>& values, const Vector<Scalar>& gradient) {
    const Index size = values.size();
    crossings_.clear();
    for (Index k = 0; k < size; ++k)
      if (crosses_zero(penalty, features, values, k) && -values[k] / delta_[k] < Scalar(1))
        crossings_.push_back(-values[k] / delta_[k]);
    std::sort(crossings_.begin(), crossings_.end());
    crossings_.push_back(Scalar(1));
    const Scalar initial_slope = gradient.dot(delta_);
    const Scalar datafit_curvature =
        delta_.dot(rhs_) - ((penalty_curvature_.array() + damping_) * delta_.array().square()).sum();
    Scalar start = 0;
    for (const Scalar end : crossings_) {
      if (end <= start) continue;
      const Scalar middle = (start + end) / Scalar(2);
      Scalar slope = initial_slope + middle * datafit_curvature, curvature = datafit_curvature;
      for (Index k = 0; k < size; ++k) {
        const Index j = features[std::size_t(k)];
        if (!penalty.is_penalized(j) || delta_[k] == Scalar(0)) continue;
        const auto [penalty_slope, penalty_curvature] =
            penalty.derivatives_1d(values[k] + middle * delta_[k], j);
        slope += delta_[k] * Scalar(penalty_slope);
        curvature += delta_[k] * delta_[k] * Scalar(penalty_curvature);
      }
      const Scalar at_start = slope - (middle - start) * curvature;
      const Scalar at_end = slope + (end - middle) * curvature;
      if (at_start >= Scalar(0)) return start;
      if (at_end > Scalar(0)) return start + (end - start) * (-at_start / (at_end - at_start));
      start = end;
    }
    return Scalar(1);
  }

  Eigen::LDLT<Matrix<Scalar>> factor_;
  Vector<Scalar> rhs_, delta_, moved_, penalty_curvature_;
  std::vector<Scalar> crossings_;
  Scalar length_ = 0;
  Scalar damping_ = 0;  // mu (factor_damped_if_singular)
};

/// The step on X for the design-based solver: forms X~_S^T X~_S from X.
template <class Scalar>
class SupportNewton {
 public:
  static constexpr Index max_support = 4096;  // as GramCD's working sets: 128 MiB in double
  // Steps in a row while a step stops short of its Newton point (length < 1): the next one
  // starts from the support and signs it left.
  static constexpr int max_rounds = 16;

  /// The support of w within the working set: its non-zero and its unpenalised features.
  template <class PenaltyType>
  const std::vector<Index>& find_support(const PenaltyType& penalty, const std::vector<Index>& working_set,
                                         const Vector<Scalar>& w) {
    support_.clear();
    for (const Index j : working_set)
      if (in_support(penalty, j, w[j])) support_.push_back(j);
    return support_;
  }

  /// The length of the last step along its Newton direction (1: the minimiser on its orthant).
  Scalar length() const { return orthant_.length(); }
  /// Whether the last step's X~_S^T X~_S was singular (OrthantNewton::damped).
  bool damped() const { return orthant_.damped(); }
  /// How much the last step that was taken lowered P.
  Scalar decrease() const { return decrease_; }

  /// One step on the support that find_support found last. Xw is the prediction (intercept
  /// included). Moves w, b and Xw and returns true when P decreases; else leaves them.
  template <class Design, class PenaltyType>
  bool step(const Design& X, const Vector<Scalar>& y, const PenaltyType& penalty, bool fit_intercept,
            Vector<Scalar>& w, Scalar& b, Vector<Scalar>& Xw) {
    const Index size = Index(support_.size());
    const Scalar n = Scalar(y.size());
    // Above max_support, X~_S^T X~_S would not fit in memory.
    if (size == 0 || size > max_support) return false;
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
    if (!orthant_.solve(penalty, support_, values_, hessian_, gradient_,
                        OrthantNewton<Scalar>::Length::line_minimum))
      return false;

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
    decrease_ = -change;
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
  Scalar decrease_ = 0;  // decrease()
};

}  // namespace sparseglm::detail
