#pragma once
// Duality gaps, to certify a solution independently of the solver's own criterion
// (Massias, Gramfort & Salmon, "Celer", ICML 2018; JMLR 2020 for GLMs).
//
// For P(w, b) = sum_i f_i((Xw + b)_i) + G(w) the Fenchel dual is
//   D(theta) = -sum_i f_i^*(-theta_i) - G^*(X^T theta),  subject to sum_i theta_i = 0 with an
// intercept. The dual point is built from the residual: theta = -grad f(Xw + b), centred when
// an intercept is fitted, then scaled by the largest s <= 1 that makes G^*(X^T theta) finite.
// gap = P(w, b) - D(theta) >= 0, and it is 0 exactly at the optimum. Available for datafits
// with dual_value (Quadratic, Logistic) and penalties with dual_scaling and conjugate (L1,
// ElasticNet). scikit-learn's Lasso stops when gap <= tol * ||y - mean(y)||^2 / n.

#include "sparseglm/core/design.hpp"
#include "sparseglm/solvers/solve.hpp"

namespace sparseglm {

struct DualityGap {
  double primal;  ///< P(w, b)
  double dual;    ///< D(theta) at the rescaled residual
  double gap;     ///< primal - dual
};

template <class XDerived, class YDerived, class DatafitType, class PenaltyType, class WDerived>
DualityGap duality_gap(const Eigen::EigenBase<XDerived>& X, const Eigen::MatrixBase<YDerived>& y,
                       const DatafitType& datafit, const PenaltyType& penalty,
                       const Eigen::MatrixBase<WDerived>& coef, double intercept, bool fit_intercept = true) {
  const auto design = make_design(X.derived());
  using Scalar = typename std::remove_const_t<decltype(design)>::ScalarType;
  static_assert(
      requires(const Vector<Scalar>& v) {
        datafit.dual_value(v, v);
        penalty.dual_scaling(v);
        penalty.conjugate(v);
      },
      "sparseglm::duality_gap: the datafit needs dual_value and the penalty dual_scaling and conjugate");
  const Vector<Scalar> target = detail::checked_target(design, y, datafit, /*constants_follow=*/false);
  detail::check_length("coef", coef.size(), design.cols(), "the number of columns of X");
  const Vector<Scalar> w = coef.template cast<Scalar>();

  Vector<Scalar> Xw;
  design.times(w, Xw);
  Xw.array() += Scalar(intercept);
  Vector<Scalar> theta;
  datafit.raw_gradient(target, Xw, theta);
  theta = -theta;
  if (fit_intercept) theta.array() -= theta.mean();
  Vector<Scalar> Xt_theta;
  design.transpose_times(theta, Xt_theta);
  const Scalar scale = penalty.dual_scaling(Xt_theta);
  theta *= scale;
  Xt_theta *= scale;

  DualityGap result{};
  result.primal = double(datafit.value(target, Xw) + penalty.value(w));
  result.dual = double(datafit.dual_value(target, theta) - penalty.conjugate(Xt_theta));
  result.gap = result.primal - result.dual;
  return result;
}

}  // namespace sparseglm
