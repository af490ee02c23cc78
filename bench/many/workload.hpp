#pragma once
// The sparseglm-many workload: one ElasticNet AR(lags) forecasting model per simulated station
// (examples/seasonal_series.hpp), station i's series seeded by seed + i.

#include <Eigen/Core>
#include <cstdint>

#include "seasonal_series.hpp"
#include "sparseglm/sparseglm.hpp"

namespace sparseglm_many {

struct Workload {
  std::uint64_t count = 200000;  ///< problems
  Eigen::Index rows = 1000;      ///< samples per fit
  Eigen::Index lags = 50;        ///< features per fit
  double alpha = 0.01;
  double l1_ratio = 0.5;
  double tol = 1e-6;
  std::uint64_t seed = 1;

  Eigen::Index series_length() const { return rows + lags; }
  Eigen::VectorXd series(std::uint64_t i) const { return seasonal::load_series(series_length(), seed + i); }

  sparseglm::SolverOptions options() const {
    sparseglm::SolverOptions options;
    options.tol = tol;
    return options;
  }

  /// Problem i as fit_many takes it: the lagged design and the targets after the first `lags`.
  auto problem(std::uint64_t i) const {
    const Eigen::VectorXd s = series(i);
    return sparseglm::make_problem(seasonal::lagged_design(s, lags, rows, lags),
                                   Eigen::VectorXd(s.tail(rows)), sparseglm::datafits::Quadratic{},
                                   sparseglm::penalties::ElasticNet(alpha, l1_ratio), options());
  }
};

}  // namespace sparseglm_many
