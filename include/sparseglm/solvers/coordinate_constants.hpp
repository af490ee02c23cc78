#pragma once
// Per-design constants of the coordinate updates, computed once per design (solve, path).
//
// Plain update of w_j: step 1/L_j along e_j, L_j = datafit.lipschitz(j).
// Centred update (dense designs with an intercept): move (w_j, b) together along
// (1, -mean_j), so that the prediction changes by delta * (X_j - mean_j 1). The derivative along
// that direction is grad_j - mean_j * dF/db and its curvature is bounded by
//   L~_j = L_j * ||X_j - mean_j||^2 / ||X_j||^2
// for datafits whose L_j = kappa ||X_j||^2 / n (kappa a bound on f''; the datafit declares it
// with lipschitz_is_column_norm). This is coordinate
// descent on centred columns without forming them (as scikit-learn and glmnet centre X): with
// uncentred columns each plain update is fought by the intercept and CD crawls. Sparse designs
// keep plain updates: the shift by mean_j would cost O(n) per update instead of O(nnz(X_j)).

#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

template <class Scalar>
struct CoordinateConstants {
  Vector<Scalar> lipschitz;     ///< curvature bound of each coordinate's update direction
  bool centered = false;        ///< updates move (w_j, b) along (1, -mean_j)
  Vector<Scalar> column_means;  ///< mean_j, when centered
};

template <class Design, class DatafitType>
CoordinateConstants<typename Design::ScalarType> coordinate_constants(const Design& X,
                                                                      const DatafitType& datafit,
                                                                      bool fit_intercept) {
  using Scalar = typename Design::ScalarType;
  CoordinateConstants<Scalar> constants;
  const Index p = X.cols();
  constants.lipschitz.resize(p);
  for (Index j = 0; j < p; ++j) constants.lipschitz[j] = Scalar(datafit.lipschitz(j));
  constexpr bool column_norm_lipschitz = requires { requires DatafitType::lipschitz_is_column_norm; };
  if constexpr (!Design::is_sparse && column_norm_lipschitz) {
    constants.centered = fit_intercept;
    if (!constants.centered) return constants;
    constants.column_means.resize(p);
    for (Index j = 0; j < p; ++j) {
      const Scalar mean = X.col_mean(j);
      const Scalar norm = X.col_sq_norm(j);
      constants.column_means[j] = mean;
      if (norm > Scalar(0)) constants.lipschitz[j] *= (X.col(j).array() - mean).square().sum() / norm;
    }
  }
  return constants;
}

}  // namespace sparseglm::detail
