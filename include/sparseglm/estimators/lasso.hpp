#pragma once
// Lasso: min_{w, b} ||y - Xw - b||^2 / (2n) + alpha ||w||_1 (scikit-learn's scaling).

#include "sparseglm/datafits/quadratic.hpp"
#include "sparseglm/estimators/generalized_linear_estimator.hpp"
#include "sparseglm/penalties/l1.hpp"

namespace sparseglm {

class Lasso : public GeneralizedLinearEstimator<datafits::Quadratic, penalties::L1> {
 public:
  explicit Lasso(double alpha = 1.0, SolverOptions options = {})
      : GeneralizedLinearEstimator(datafits::Quadratic{}, penalties::L1{alpha}, std::move(options)) {}
};

}  // namespace sparseglm
