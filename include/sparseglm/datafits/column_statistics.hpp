#pragma once
// ||X_j||^2 and mean_j of every column, as a datafit whose L_j is a column norm takes them at
// initialize, in the pass over X_j it makes anyway (Quadratic: with X_j^T y, Design::col_sums).
// The solver's centred updates take their curvatures from them (solvers/coordinate_constants.hpp)
// instead of another pass over X.

#include <Eigen/Core>

#include "sparseglm/core/types.hpp"

namespace sparseglm::datafits {

struct ColumnStatistics {
  Eigen::VectorXd sq_norms;  ///< ||X_j||^2, in the design's precision
  Eigen::VectorXd means;     ///< sum_i X_ij / n, in the design's precision

  void resize(Index p) {
    sq_norms.resize(p);
    means.resize(p);
  }
};

}  // namespace sparseglm::datafits
