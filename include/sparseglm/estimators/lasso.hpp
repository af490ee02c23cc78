#pragma once
// Lasso: min_{w, b} ||y - Xw - b||^2 / (2n) + alpha ||w||_1 (scikit-learn's scaling).

#include "sparseglm/datafits/quadratic.hpp"
#include "sparseglm/estimators/generalized_linear_estimator.hpp"
#include "sparseglm/penalties/l1.hpp"

namespace sparseglm {

class Lasso : public LinearRegressor<datafits::Quadratic, penalties::L1> {
 public:
  explicit Lasso(double alpha = 1.0, SolverOptions options = {})
      : LinearRegressor(datafits::Quadratic{}, penalties::L1{alpha}, std::move(options)) {}

  double alpha() const { return penalty().alpha(); }
  void set_alpha(double alpha) { set_penalty(penalties::L1{alpha}); }
};

}  // namespace sparseglm
