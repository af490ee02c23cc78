#pragma once
// ||X_j||^2 and mean_j of every column, as datafits whose L_j is a column norm take them at
// initialize, column by column with whatever else they read X_j for (X_j is then in cache). The
// solver's centred updates take their curvatures from them (solvers/coordinate_constants.hpp)
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

  template <class Design>
  void record(const Design& X, Index j) {
    sq_norms[j] = double(X.col_sq_norm(j));
    means[j] = double(X.col_mean(j));
  }
};

}  // namespace sparseglm::datafits
