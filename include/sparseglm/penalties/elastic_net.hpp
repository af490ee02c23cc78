#pragma once
// The ElasticNet penalty g_j(t) = alpha (r |t| + (1 - r) t^2 / 2), l1_ratio r in (0, 1].
//   prox_1d(x, s) = ST(x, s alpha r) / (1 + s alpha (1 - r));
//   distance: max(0, |g| - alpha r) at 0, |g + alpha r sign(w_j) + alpha (1 - r) w_j| otherwise;
//   alpha_max = ||grad0||_inf / r.

#include <cmath>
#include <string>
#include <utility>

#include "sparseglm/core/math.hpp"
#include "sparseglm/core/types.hpp"
#include "sparseglm/core/validation.hpp"

namespace sparseglm::penalties {

class ElasticNet {
 public:
  ElasticNet(double alpha, double l1_ratio) : alpha_(alpha), l1_ratio_(l1_ratio) {
    detail::check_alpha(alpha);
    if (!(l1_ratio > 0 && l1_ratio <= 1))
      detail::throw_invalid("l1_ratio", "must be in (0, 1], got " + std::to_string(l1_ratio));
  }

  double alpha() const { return alpha_; }
  double l1_ratio() const { return l1_ratio_; }
  ElasticNet with_alpha(double alpha) const { return ElasticNet(alpha, l1_ratio_); }

  template <class Scalar>
  Scalar value(const Vector<Scalar>& w) const {
    return Scalar(alpha_) *
           (Scalar(l1_ratio_) * w.template lpNorm<1>() + Scalar(1 - l1_ratio_) * w.squaredNorm() / Scalar(2));
  }
  template <class Scalar>
  Scalar value_1d(Scalar x, Index) const {
    return l1_strength<Scalar>() * std::abs(x) + l2_strength<Scalar>() * x * x / Scalar(2);
  }
  template <class Scalar>
  std::pair<Scalar, Scalar> derivatives_1d(Scalar x, Index) const {
    return {l1_strength<Scalar>() * detail::sign(x) + l2_strength<Scalar>() * x, l2_strength<Scalar>()};
  }
  template <class Scalar>
  Scalar prox_1d(Scalar x, Scalar step, Index) const {
    return detail::soft_threshold(x, step * l1_strength<Scalar>()) /
           (Scalar(1) + step * l2_strength<Scalar>());
  }
  template <class Scalar>
  Scalar subdiff_distance(Scalar w_j, Scalar grad_j, Index) const {
    if (w_j == Scalar(0)) return std::max(Scalar(0), std::abs(grad_j) - l1_strength<Scalar>());
    return std::abs(grad_j + l1_strength<Scalar>() * detail::sign(w_j) + l2_strength<Scalar>() * w_j);
  }
  bool is_penalized(Index) const { return true; }

  /// For duality gaps: G^*(v) = sum_j ST(v_j, alpha r)^2 / (2 alpha (1 - r)), finite everywhere
  /// when r < 1; when r = 1 it is the L1 indicator and v must be scaled into ||v||_inf <= alpha.
  template <class Scalar>
  Scalar dual_scaling(const Vector<Scalar>& v) const {
    const Scalar norm = v.template lpNorm<Eigen::Infinity>();
    return (l1_ratio_ == 1 && norm > l1_strength<Scalar>()) ? l1_strength<Scalar>() / norm : Scalar(1);
  }
  template <class Scalar>
  Scalar conjugate(const Vector<Scalar>& v) const {
    if (l1_ratio_ == 1 || alpha_ == 0) return Scalar(0);
    Scalar sum = 0;
    for (Index j = 0; j < v.size(); ++j) {
      const Scalar excess = detail::soft_threshold(v[j], l1_strength<Scalar>());
      sum += excess * excess;
    }
    return sum / (Scalar(2) * l2_strength<Scalar>());
  }
  template <class Scalar>
  double alpha_max(const Vector<Scalar>& grad0) const {
    return double(grad0.template lpNorm<Eigen::Infinity>()) / l1_ratio_;
  }

 private:
  template <class Scalar>
  Scalar l1_strength() const {
    return Scalar(alpha_ * l1_ratio_);
  }
  template <class Scalar>
  Scalar l2_strength() const {
    return Scalar(alpha_ * (1 - l1_ratio_));
  }

  double alpha_;
  double l1_ratio_;
};

}  // namespace sparseglm::penalties
