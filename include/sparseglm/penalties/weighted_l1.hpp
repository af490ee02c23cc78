#pragma once
// The weighted Lasso penalty g_j(t) = alpha w_j |t|, with weights w_j >= 0; a weight of 0
// leaves feature j unpenalised (it is always in the working set).
//   prox_1d(x, s) = ST(x, s alpha w_j);  distance: max(0, |g| - alpha w_j) at 0,
//   |g + alpha w_j sign(w_j)| otherwise;  alpha_max = max over w_j > 0 of |grad0_j| / w_j.

#include <Eigen/Core>
#include <cmath>
#include <string>
#include <utility>

#include "sparseglm/core/math.hpp"
#include "sparseglm/core/types.hpp"
#include "sparseglm/core/validation.hpp"

namespace sparseglm::penalties {

class WeightedL1 {
 public:
  WeightedL1(double alpha, Eigen::VectorXd weights) : alpha_(alpha), weights_(std::move(weights)) {
    detail::check_alpha(alpha);
    detail::check_finite("weights", weights_);
    for (Index j = 0; j < weights_.size(); ++j)
      if (weights_[j] < 0)
        detail::throw_invalid("weights", "must be >= 0, got a negative weight at index " + std::to_string(j));
  }

  double alpha() const { return alpha_; }
  WeightedL1 with_alpha(double alpha) const { return WeightedL1(alpha, weights_); }
  const Eigen::VectorXd& weights() const { return weights_; }

  void validate(Index n_features) const {
    detail::check_length("weights", weights_.size(), n_features, "the number of features");
  }

  template <class Scalar>
  Scalar value(const Vector<Scalar>& w) const {
    // sum_j (alpha omega_j) |w_j| over the non-zero w_j: finite for any finite weight when
    // alpha = 0 or w_j = 0 (alpha (omega . |w|) is 0 * inf once the dot product overflows).
    double sum = 0;
    for (Index j = 0; j < w.size(); ++j)
      if (w[j] != Scalar(0)) sum += alpha_ * weights_[j] * std::abs(double(w[j]));
    return Scalar(sum);
  }
  template <class Scalar>
  Scalar value_1d(Scalar x, Index j) const {
    return threshold<Scalar>(j) * std::abs(x);
  }
  template <class Scalar>
  std::pair<Scalar, Scalar> derivatives_1d(Scalar x, Index j) const {
    return {threshold<Scalar>(j) * detail::sign(x), Scalar(0)};
  }
  template <class Scalar>
  Scalar prox_1d(Scalar x, Scalar step, Index j) const {
    return detail::soft_threshold(x, step * threshold<Scalar>(j));
  }
  template <class Scalar>
  Scalar subdiff_distance(Scalar w_j, Scalar grad_j, Index j) const {
    if (w_j == Scalar(0)) return std::max(Scalar(0), std::abs(grad_j) - threshold<Scalar>(j));
    return std::abs(grad_j + threshold<Scalar>(j) * detail::sign(w_j));
  }
  bool is_penalized(Index j) const { return weights_[j] != 0; }
  template <class Scalar>
  double alpha_max(const Vector<Scalar>& grad0) const {
    double result = 0;
    for (Index j = 0; j < grad0.size(); ++j)
      if (weights_[j] > 0) result = std::max(result, std::abs(double(grad0[j])) / weights_[j]);
    return result;
  }

 private:
  template <class Scalar>
  Scalar threshold(Index j) const {
    return Scalar(alpha_ * weights_[j]);
  }

  double alpha_;
  Eigen::VectorXd weights_;
};

}  // namespace sparseglm::penalties
