#pragma once
// Per-design constants of the coordinate updates, computed once per design (solve, path).
//
// Plain update of w_j: step 1/L_j along e_j, L_j = datafit.lipschitz(j).
// Centred update (with an intercept): move (w_j, b) together along (1, -mean_j), so that the
// prediction changes by delta * (X_j - mean_j 1). The derivative along that direction is
// grad_j - mean_j * dF/db and its curvature is bounded by
//   L~_j = L_j * ||X_j - mean_j||^2 / ||X_j||^2
// for datafits whose L_j = kappa ||X_j||^2 / n (kappa a bound on f''; the datafit declares it
// with lipschitz_is_column_norm). This is coordinate descent on centred columns without forming
// them (as scikit-learn and glmnet centre X): with uncentred columns each plain update is fought
// by the intercept and CD crawls.
// For least-squares datafits every column's update is centred: the gradient is linear in the
// prediction, so the solver defers the constant part of X_j - mean_j 1 and an update costs
// O(nnz(X_j)) (anderson_cd.hpp). For other datafits a centred update costs O(n), so it is used
// for columns with nnz(X_j) >= n / 4 only, where it stays O(nnz(X_j)). Sparser columns lose
// little there: by Cauchy-Schwarz n mean_j^2 <= (nnz(X_j) / n) ||X_j||^2, so centring shrinks L_j
// by at most their density.
// Least squares without an intercept keep plain updates in L_j, and the means and centred
// curvatures L~_j for the lagged-mean epochs (anderson_cd.hpp), which update along centred
// columns as well and handle the mean of the prediction separately.
// For those datafits a NaN or Inf in X_j makes L_j NaN or Inf, so this is where such entries are
// found (solve.hpp, checked_target): a column with a non-finite L_j is read once more to tell them
// from a squared norm that overflows.

#include <cmath>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sparseglm/core/error.hpp"
#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

/// Whether the datafit declares L_j = kappa ||X_j||^2 / n (datafits/datafit.hpp): then a NaN or
/// Inf in X_j makes L_j NaN or Inf.
template <class DatafitType>
inline constexpr bool lipschitz_is_column_norm = requires {
  requires DatafitType::lipschitz_is_column_norm;
};

/// The coupling beta (Jacobi estimate of s c^T H~^-1 c, c the columns' means) from which solvers
/// without an intercept treat the mean apart: AndersonCD's lagged-mean epochs, ProxNewton's
/// mean-direction steps. The Gaussian designs of bench/compare give 1 to 2, text ones 7 to 65.
inline constexpr double min_mean_coupling = 4;

template <class Scalar>
struct CoordinateConstants {
  Vector<Scalar> lipschitz;     ///< curvature bound of each coordinate's update direction
  std::vector<bool> centered;   ///< per feature: updates move (w_j, b) along (1, -mean_j)
  Vector<Scalar> column_means;  ///< mean_j (used where centered, and by lagged-mean epochs)
  /// Least squares without an intercept: ||X_j - mean_j 1||^2 / n, the curvature of the
  /// lagged-mean epochs' centred updates (anderson_cd.hpp); empty otherwise.
  Vector<Scalar> centered_lipschitz;
};

// (||X_j||^2, mean_j): the datafit's, when it computed them at initialize (column_statistics),
// else from X_j (the second pass reads it from cache).
template <class Design, class DatafitType>
std::pair<double, double> column_sq_norm_and_mean(const Design& X, const DatafitType& datafit, Index j) {
  if constexpr (requires { datafit.column_statistics(); }) {
    return {datafit.column_statistics().sq_norms[j], datafit.column_statistics().means[j]};
  } else {
    return {double(X.col_sq_norm(j)), double(X.col_mean(j))};
  }
}

// (mean_j, L~_j): the column's mean and the curvature bound of its centred update,
// L~_j = L_j ||X_j - mean_j 1||^2 / ||X_j||^2. ||X_j - mean_j 1||^2 = ||X_j||^2 - n mean_j^2 where
// the difference loses at most one bit (n mean_j^2 <= ||X_j||^2 / 2); otherwise a second pass
// over X_j sums the centred squares.
template <class Design, class DatafitType>
std::pair<typename Design::ScalarType, typename Design::ScalarType> centered_curvature(
    const Design& X, const DatafitType& datafit, Index j) {
  using Scalar = typename Design::ScalarType;
  const double lipschitz = datafit.lipschitz(j);
  const auto [sq_norm, mean] = column_sq_norm_and_mean(X, datafit, j);
  const double offset = double(X.rows()) * mean * mean;
  if (offset <= sq_norm / 2)
    return {Scalar(mean), Scalar(sq_norm > 0 ? lipschitz * ((sq_norm - offset) / sq_norm) : lipschitz)};
  const auto moments = X.col_moments(j);
  const Scalar ratio = moments.sq_norm > Scalar(0) ? moments.centered_sq_norm / moments.sq_norm : Scalar(1);
  return {moments.mean, Scalar(lipschitz) * ratio};
}

template <class Design, class DatafitType>
CoordinateConstants<typename Design::ScalarType> coordinate_constants(const Design& X,
                                                                      const DatafitType& datafit,
                                                                      bool fit_intercept) {
  using Scalar = typename Design::ScalarType;
  constexpr bool least_squares = requires { requires DatafitType::is_least_squares; };
  const Index n = X.rows(), p = X.cols();
  CoordinateConstants<Scalar> constants;
  constants.lipschitz.resize(p);
  constants.centered.assign(p, false);
  constants.column_means.setZero(p);
  if (lipschitz_is_column_norm<DatafitType> && least_squares && !fit_intercept)
    constants.centered_lipschitz.setZero(p);
  for (Index j = 0; j < p; ++j) {
    constants.lipschitz[j] = Scalar(datafit.lipschitz(j));
    if (!std::isfinite(constants.lipschitz[j])) {
      if (!X.col_all_finite(j)) throw_invalid("X", "contains NaN or Inf (column " + std::to_string(j) + ")");
      throw_invalid("X", "column " + std::to_string(j) +
                             ": its squared norm overflows in this precision; rescale the column");
    }
    if (!lipschitz_is_column_norm<DatafitType>) continue;
    if (fit_intercept && (least_squares || 4 * X.col_nnz(j) >= n)) {
      constants.centered[j] = true;
      std::tie(constants.column_means[j], constants.lipschitz[j]) = centered_curvature(X, datafit, j);
    } else if (least_squares && !fit_intercept) {
      std::tie(constants.column_means[j], constants.centered_lipschitz[j]) =
          centered_curvature(X, datafit, j);
    }
  }
  return constants;
}

}  // namespace sparseglm::detail
