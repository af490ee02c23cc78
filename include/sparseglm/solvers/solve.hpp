#pragma once
// sparseglm::solve — fit min_{w, b} F(Xw + b) + G(w) for any Datafit F and Penalty G.
//
//   auto result = sparseglm::solve(X, y, datafits::Quadratic{}, penalties::L1{alpha}, options);
//   auto warm = sparseglm::solve(X, y, datafits::Quadratic{}, penalties::L1{alpha / 2}, options,
//                                result.coef, result.intercept);
//
// X: a dense column-major Eigen matrix (or Map of a caller's buffer: not copied) or a sparse
// CSC matrix (fitted on a dense copy when at least half full: SolverOptions::dense_copy); its
// scalar (float or double) is the scalar of the whole fit. y: a vector of n targets (labels
// {-1, 1} or {0, 1} for Logistic), converted to X's scalar.
// Bad input throws sparseglm::invalid_argument; not converging is reported in result.status.

#include <string>

#include "sparseglm/core/design.hpp"
#include "sparseglm/core/fit_design.hpp"
#include "sparseglm/core/validation.hpp"
#include "sparseglm/datafits/datafit.hpp"
#include "sparseglm/penalties/penalty.hpp"
#include "sparseglm/solvers/coordinate_constants.hpp"
#include "sparseglm/solvers/options.hpp"
#include "sparseglm/solvers/result.hpp"
#include "sparseglm/solvers/run_solver.hpp"

namespace sparseglm {
namespace detail {

/// Validates X and y and returns y as the datafit computes with it, in X's scalar. With
/// `constants_follow` (the caller computes coordinate_constants next) and a datafit whose L_j is
/// a column norm, NaN and Inf in X are left to coordinate_constants, which finds them from the
/// L_j without a pass over X of its own.
template <class Design, class YDerived, class DatafitType>
Vector<typename Design::ScalarType> checked_target(const Design& X, const Eigen::MatrixBase<YDerived>& y,
                                                   const DatafitType& datafit, bool constants_follow) {
  using Scalar = typename Design::ScalarType;
  check_design(X, /*check_entries=*/!(constants_follow && lipschitz_is_column_norm<DatafitType>));
  if (y.cols() != 1) throw_invalid("y", "must be a vector, got " + std::to_string(y.cols()) + " columns");
  check_length("y", y.rows(), X.rows(), "the number of rows of X");
  const Vector<Scalar> target = y.template cast<Scalar>();
  check_finite("y", target);
  return prepare_target(datafit, target);
}

template <class Design, class DatafitType, class PenaltyType>
void check_models() {
  using Scalar = typename Design::ScalarType;
  static_assert(Datafit<DatafitType, Design>,
                "sparseglm: the datafit does not satisfy the Datafit concept (see datafits/datafit.hpp)");
  static_assert(Penalty<PenaltyType, Scalar>,
                "sparseglm: the penalty does not satisfy the Penalty concept (see penalties/penalty.hpp)");
}

template <class Design, class YDerived, class DatafitType, class PenaltyType, class WDerived>
SolverResult<typename Design::ScalarType> solve_design(const Design& X, const Eigen::MatrixBase<YDerived>& y,
                                                       DatafitType datafit, const PenaltyType& penalty,
                                                       const SolverOptions& options,
                                                       const Eigen::MatrixBase<WDerived>* coef0,
                                                       double intercept0) {
  using Scalar = typename Design::ScalarType;
  check_models<Design, DatafitType, PenaltyType>();
  options.validate();
  const Vector<Scalar> target = checked_target(X, y, datafit, /*constants_follow=*/true);
  validate_penalty(penalty, X.cols());
  Vector<Scalar> w = Vector<Scalar>::Zero(X.cols());
  if (coef0) {
    if (coef0->cols() != 1) throw_invalid("warm start coef", "must be a vector");
    check_length("warm start coef", coef0->rows(), X.cols(), "the number of columns of X");
    w = coef0->template cast<Scalar>();
    check_finite("warm start coef", w);
  }
  if (!std::isfinite(intercept0)) throw_invalid("warm start intercept", "must be finite");
  datafit.initialize(X, target);
  const auto constants = coordinate_constants(X, datafit, options.fit_intercept);
  return run_solver(X, target, datafit, penalty, options, constants, w, Scalar(intercept0));
}

}  // namespace detail

/// Solves from w = 0, b = 0.
template <class XDerived, class YDerived, class DatafitType, class PenaltyType>
auto solve(const Eigen::EigenBase<XDerived>& X, const Eigen::MatrixBase<YDerived>& y,
           const DatafitType& datafit, const PenaltyType& penalty, const SolverOptions& options = {}) {
  return detail::with_fit_design(X, options.dense_copy, [&](const auto& design) {
    return detail::solve_design(design, y, datafit, penalty, options,
                                static_cast<const Eigen::MatrixBase<YDerived>*>(nullptr), 0.0);
  });
}

/// Solves from the warm start (coef0, intercept0), e.g. the solution at a nearby alpha.
template <class XDerived, class YDerived, class DatafitType, class PenaltyType, class WDerived>
auto solve(const Eigen::EigenBase<XDerived>& X, const Eigen::MatrixBase<YDerived>& y,
           const DatafitType& datafit, const PenaltyType& penalty, const SolverOptions& options,
           const Eigen::MatrixBase<WDerived>& coef0, double intercept0 = 0.0) {
  return detail::with_fit_design(X, options.dense_copy, [&](const auto& design) {
    return detail::solve_design(design, y, datafit, penalty, options, &coef0, intercept0);
  });
}

}  // namespace sparseglm
