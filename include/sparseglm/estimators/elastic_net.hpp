#pragma once
// ElasticNet: min_{w, b} ||y - Xw - b||^2 / (2n) + alpha (r ||w||_1 + (1 - r) ||w||^2 / 2),
// r = l1_ratio in (0, 1] (scikit-learn's scaling).

#include "sparseglm/datafits/quadratic.hpp"
#include "sparseglm/estimators/generalized_linear_estimator.hpp"
#include "sparseglm/penalties/elastic_net.hpp"

namespace sparseglm {

class ElasticNet : public GeneralizedLinearEstimator<datafits::Quadratic, penalties::ElasticNet> {
 public:
  explicit ElasticNet(double alpha = 1.0, double l1_ratio = 0.5, SolverOptions options = {})
      : GeneralizedLinearEstimator(datafits::Quadratic{}, penalties::ElasticNet{alpha, l1_ratio},
                                   std::move(options)) {}

  double l1_ratio() const { return penalty().l1_ratio(); }
};

}  // namespace sparseglm
