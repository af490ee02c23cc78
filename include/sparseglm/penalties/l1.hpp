#pragma once
// The Lasso penalty g_j(t) = alpha |t|.
//   prox_1d(x, s) = ST(x, s alpha);  distance: max(0, |g| - alpha) at 0, |g + alpha sign(w_j)|
//   otherwise;  alpha_max = ||grad0||_inf.

#include <cmath>
#include <utility>

#include "sparseglm/core/math.hpp"
#include "sparseglm/core/types.hpp"
#include "sparseglm/core/validation.hpp"

namespace sparseglm::penalties {

class L1 {
 public:
  explicit L1(double alpha) : alpha_(alpha) { detail::check_alpha(alpha); }

  double alpha() const { return alpha_; }
  L1 with_alpha(double alpha) const { return L1(alpha); }

  template <class Scalar>
  Scalar value(const Vector<Scalar>& w) const {
    return Scalar(alpha_) * w.template lpNorm<1>();
  }
  template <class Scalar>
  Scalar value_1d(Scalar x, Index) const {
    return Scalar(alpha_) * std::abs(x);
  }
  template <class Scalar>
  std::pair<Scalar, Scalar> derivatives_1d(Scalar x, Index) const {
    return {Scalar(alpha_) * detail::sign(x), Scalar(0)};
  }
  template <class Scalar>
  Scalar prox_1d(Scalar x, Scalar step, Index) const {
    return detail::soft_threshold(x, step * Scalar(alpha_));
  }
  template <class Scalar>
  Scalar subdiff_distance(Scalar w_j, Scalar grad_j, Index) const {
    if (w_j == Scalar(0)) return std::max(Scalar(0), std::abs(grad_j) - Scalar(alpha_));
    return std::abs(grad_j + Scalar(alpha_) * detail::sign(w_j));
  }
  bool is_penalized(Index) const { return true; }

  /// For duality gaps: the largest s <= 1 with s v in the domain of G^* (||s v||_inf <= alpha),
  /// and G^*(v) there (0).
  template <class Scalar>
  Scalar dual_scaling(const Vector<Scalar>& v) const {
    const Scalar norm = v.template lpNorm<Eigen::Infinity>();
    return norm > Scalar(alpha_) ? Scalar(alpha_) / norm : Scalar(1);
  }
  template <class Scalar>
  Scalar conjugate(const Vector<Scalar>&) const {
    return Scalar(0);
  }
  template <class Scalar>
  double alpha_max(const Vector<Scalar>& grad0) const {
    return double(grad0.template lpNorm<Eigen::Infinity>());
  }

 private:
  double alpha_;
};

}  // namespace sparseglm::penalties
