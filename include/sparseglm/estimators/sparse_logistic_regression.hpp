#pragma once
// SparseLogisticRegression: min_{w, b} (1/n) sum_i log(1 + exp(-y_i (x_i^T w + b))) + alpha ||w||_1,
// labels {-1, 1} or {0, 1}; predict returns labels in the encoding that fit was given,
// predict_proba the probability of the positive class.

#include "sparseglm/datafits/logistic.hpp"
#include "sparseglm/estimators/generalized_linear_estimator.hpp"
#include "sparseglm/penalties/l1.hpp"

namespace sparseglm {

class SparseLogisticRegression : public GeneralizedLinearEstimator<datafits::Logistic, penalties::L1> {
 public:
  explicit SparseLogisticRegression(double alpha = 1.0, SolverOptions options = {})
      : GeneralizedLinearEstimator(datafits::Logistic{}, penalties::L1{alpha}, std::move(options)) {}
};

}  // namespace sparseglm
