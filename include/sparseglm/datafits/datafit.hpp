#pragma once
// The Datafit concept: the smooth part F of P(w, b) = F(Xw + b*1) + G(w).
//
// F(w) = (1/n) sum_i f(y_i, (Xw)_i). The solver keeps Xw (the intercept included) up to date
// and asks a datafit for:
//   initialize(X, y)              precompute the per-feature Lipschitz constants L_j (and any
//                                 per-design cache); called once per design, reused by warm
//                                 starts and paths. Cost: one pass over X.
//   value(y, Xw)                  F. Cost O(n).
//   gradient_j(X, y, Xw, j)       dF/dw_j = X_j^T grad f(Xw). Cost O(nnz(X_j)).
//   raw_gradient(y, Xw, out)      the n-vector grad f(Xw), so that the full gradient is the one
//                                 product X^T out. Cost O(n).
//   lipschitz(j)                  L_j, a bound on d2F/dw_j^2 (0 for an all-zero column).
//   intercept_step(y, Xw)         the step that moves the intercept towards its optimum given
//                                 the rest: b <- b - step. Cost O(n).
// Optional:
//   prepare_target(y)             checks the targets and returns them in the form the datafit
//                                 computes with (Logistic maps {0, 1} labels to {-1, +1}).
//   static constexpr bool lipschitz_is_column_norm = true
//                                 declares L_j = kappa ||X_j||^2 / n with kappa >= sup f'':
//                                 the solver may then rescale L_j to centred columns and use
//                                 centred updates (solvers/coordinate_constants.hpp), and it
//                                 finds NaN and Inf in X from the L_j instead of a pass over X
//                                 (initialize may meet them first, and must not mind them).
//   gradient_j_and_intercept(X, y, Xw, j)
//                                 (dF/dw_j, dF/db) together, for centred updates; without it
//                                 the solver sums raw_gradient. O(n).
//   static constexpr bool is_least_squares = true
//                                 declares F(z) = ||y - z||^2 / (2n) exactly: the solver may then
//                                 solve working sets on their Gram matrix (solvers/gram_cd.hpp).
//   target_correlations()         X^T y (an Eigen::VectorXd) as computed at initialize, for
//                                 least-squares datafits: with column_statistics' means m, the
//                                 full gradient at w = 0 is then b m - X^T y / n without a
//                                 product with X (while y is not close to a constant).
//   column_statistics()           ||X_j||^2 and mean_j (datafits/column_statistics.hpp) as
//                                 computed at initialize, for datafits with
//                                 lipschitz_is_column_norm: centred updates then need no pass
//                                 over X of their own (solvers/coordinate_constants.hpp).
//   static constexpr bool is_classifier = true
//                                 estimators predict labels and probabilities.
//   raw_hessian(y, Xw, out)       the n-vector of second derivatives f''(y_i, (Xw)_i) (with the
//                                 1/n), so that d2F/dw_j dw_k = X_j^T diag(out) X_k. O(n).
//                                 A datafit with it is a SecondOrderDatafit and is fitted by the
//                                 prox-Newton solver (solvers/prox_newton.hpp).
//
// Datafits are plain classes whose members are templates on the design, so one object works
// for float and double designs, dense or sparse; their state (L_j) is kept in double.

#include <concepts>

#include "sparseglm/core/design.hpp"

namespace sparseglm {

template <class F, class Design>
concept Datafit = DesignMatrix<Design> &&
    requires(F datafit, const F& const_datafit, const Design& X, const Vector<typename Design::ScalarType>& y,
             const Vector<typename Design::ScalarType>& Xw, Vector<typename Design::ScalarType>& out,
             Index j) {
  datafit.initialize(X, y);
  { const_datafit.value(y, Xw) } -> std::convertible_to<typename Design::ScalarType>;
  { const_datafit.gradient_j(X, y, Xw, j) } -> std::convertible_to<typename Design::ScalarType>;
  const_datafit.raw_gradient(y, Xw, out);
  { const_datafit.lipschitz(j) } -> std::convertible_to<double>;
  { const_datafit.intercept_step(y, Xw) } -> std::convertible_to<typename Design::ScalarType>;
};

/// A datafit that also gives its per-sample second derivatives (raw_hessian).
template <class F, class Design>
concept SecondOrderDatafit = Datafit<F, Design> &&
    requires(const F& datafit, const Vector<typename Design::ScalarType>& y,
             const Vector<typename Design::ScalarType>& Xw, Vector<typename Design::ScalarType>& out) {
  datafit.raw_hessian(y, Xw, out);
};

namespace detail {

/// The targets as the datafit computes with them: prepare_target(y) when the datafit has one.
template <class F, class Scalar>
Vector<Scalar> prepare_target(const F& datafit, const Vector<Scalar>& y) {
  if constexpr (requires { datafit.prepare_target(y); }) {
    return datafit.prepare_target(y);
  } else {
    return y;
  }
}

}  // namespace detail
}  // namespace sparseglm
