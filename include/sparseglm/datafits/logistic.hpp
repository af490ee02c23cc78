#pragma once
// Logistic loss for labels y in {-1, +1}: F(w) = (1/n) sum_i log(1 + exp(-y_i z_i)), z = Xw + b.
//   grad f_i = -y_i sigma(-y_i z_i) / n,   hess f_i = sigma(z_i) sigma(-z_i) / n <= 1/(4n),
//   L_j = ||X_j||^2 / (4n).
// The intercept moves by a Newton step sum_i grad f_i / sum_i hess f_i: a plain gradient step
// (Lipschitz 1/4) crawls when the classes are imbalanced and the optimal b is large.
// Labels given as {0, 1} are mapped to {-1, +1} by prepare_target; anything else is refused.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "sparseglm/core/error.hpp"
#include "sparseglm/core/math.hpp"
#include "sparseglm/core/types.hpp"

namespace sparseglm::datafits {

class Logistic {
 public:
  static constexpr bool is_classifier = true;             // estimators predict labels
  static constexpr bool lipschitz_is_column_norm = true;  // L_j = ||X_j||^2 / (4n)

  template <class Scalar>
  Vector<Scalar> prepare_target(const Vector<Scalar>& y) const {
    bool has_minus_one = false, has_zero = false, has_one = false;
    for (Index i = 0; i < y.size(); ++i) {
      if (y[i] == Scalar(1)) {
        has_one = true;
      } else if (y[i] == Scalar(-1)) {
        has_minus_one = true;
      } else if (y[i] == Scalar(0)) {
        has_zero = true;
      } else {
        detail::throw_invalid("y", "logistic labels must be {-1, 1} or {0, 1}, found " +
                                       std::to_string(double(y[i])) + " at index " + std::to_string(i));
      }
    }
    if (has_minus_one && has_zero)
      detail::throw_invalid("y", "logistic labels mix -1 and 0; use {-1, 1} or {0, 1}");
    if (!has_one || !(has_minus_one || has_zero))
      detail::throw_invalid("y", "a logistic fit needs both classes, found only one");
    if (!has_zero) return y;
    return y.unaryExpr([](Scalar label) { return label == Scalar(0) ? Scalar(-1) : label; });
  }

  template <class Design, class Scalar>
  void initialize(const Design& X, const Vector<Scalar>&) {
    lipschitz_.resize(X.cols());
    for (Index j = 0; j < X.cols(); ++j) lipschitz_[j] = double(X.col_sq_norm(j)) / (4.0 * double(X.rows()));
  }

  /// (1/n) sum_i log(1 + e^{t_i}), t_i = -y_i z_i, as max(t, 0) + log1p(e) with e = e^{-|z|}, in
  /// blocks so that exp and log run on SIMD packets and each exp is taken once. log1p(e) is
  /// log(u) + (e - (u - 1)) / u with u = 1 + e: u - 1 is e rounded, and the second term restores
  /// what the rounding of u lost (so terms with e below machine epsilon keep their value e).
  template <class Scalar>
  Scalar value(const Vector<Scalar>& y, const Vector<Scalar>& Xw) const {
    Scalar sum = 0;
    for_each_block<Scalar>(y.size(), [&](Index start, Index size, Block<Scalar>& e) {
      const auto z = Xw.segment(start, size).array();
      const auto label = y.segment(start, size).array();
      e = (-z.abs()).exp();
      const auto u = Scalar(1) + e;
      sum += ((-label * z).max(Scalar(0)) + u.log() + (e - (u - Scalar(1))) / u).sum();
    });
    return sum / Scalar(y.size());
  }

  template <class Design, class Scalar>
  Scalar gradient_j(const Design& X, const Vector<Scalar>& y, const Vector<Scalar>& Xw, Index j) const {
    const Scalar sum = X.col_weighted_sum(j, [&](Index i) { return -y[i] * detail::sigmoid(-y[i] * Xw[i]); });
    return sum / Scalar(y.size());
  }

  /// (dF/dw_j, dF/db) in one pass over the rows, for dense designs.
  template <class Design, class Scalar>
  std::pair<Scalar, Scalar> gradient_j_and_intercept(const Design& X, const Vector<Scalar>& y,
                                                     const Vector<Scalar>& Xw, Index j) const {
    const auto [sum, total] =
        X.col_weighted_sum_and_total(j, [&](Index i) { return -y[i] * detail::sigmoid(-y[i] * Xw[i]); });
    return {sum / Scalar(y.size()), total / Scalar(y.size())};
  }

  /// grad f_i = -y_i sigma(-y_i z_i) / n, sigma(-y z) = 1 / (1 + e^{y z}): where e^{y z} overflows
  /// (Eigen's exp saturates near the largest double) the quotient is still about 0, as it should be.
  template <class Scalar>
  void raw_gradient(const Vector<Scalar>& y, const Vector<Scalar>& Xw, Vector<Scalar>& out) const {
    const Scalar inv_n = Scalar(1) / Scalar(y.size());
    out.resize(y.size());
    out.array() = -y.array() * inv_n / (Scalar(1) + (y.array() * Xw.array()).exp());
  }

  /// hess f_i = sigma(z_i) sigma(-z_i) / n = e / (1 + e)^2 / n with e = exp(-|z_i|) (no overflow).
  template <class Scalar>
  void raw_hessian(const Vector<Scalar>&, const Vector<Scalar>& Xw, Vector<Scalar>& out) const {
    const Scalar inv_n = Scalar(1) / Scalar(Xw.size());
    out.resize(Xw.size());
    out.array() = (-Xw.array().abs()).exp();
    out.array() = out.array() * inv_n / (Scalar(1) + out.array()).square();
  }

  double lipschitz(Index j) const { return lipschitz_[j]; }

  /// Dual objective term -sum_i f_i^*(-theta_i) = -(1/n) sum_i H(t_i), t_i = n y_i theta_i in
  /// [0, 1], H(t) = t log t + (1 - t) log(1 - t) (for duality_gap.hpp; t is clipped to [0, 1]).
  template <class Scalar>
  Scalar dual_value(const Vector<Scalar>& y, const Vector<Scalar>& theta) const {
    const auto x_log_x = [](Scalar x) { return x > Scalar(0) ? x * std::log(x) : Scalar(0); };
    Scalar sum = 0;
    for (Index i = 0; i < y.size(); ++i) {
      const Scalar t = std::clamp(Scalar(y.size()) * y[i] * theta[i], Scalar(0), Scalar(1));
      sum += x_log_x(t) + x_log_x(Scalar(1) - t);
    }
    return -sum / Scalar(y.size());
  }

  /// The intercept's Newton step sum_i grad f_i / sum_i hess f_i. With E = e^{y z}, sigma(-y z) =
  /// s = 1 / (1 + E) and sigma(y z) sigma(-y z) = (E s) s, so one exp per sample gives both (E is
  /// capped at the largest finite value, where E s is still 1, so that inf * 0 never occurs).
  template <class Scalar>
  Scalar intercept_step(const Vector<Scalar>& y, const Vector<Scalar>& Xw) const {
    Scalar gradient = 0, hessian = 0;
    for_each_block<Scalar>(y.size(), [&](Index start, Index size, Block<Scalar>& s) {
      const auto label = y.segment(start, size).array();
      const auto E = (label * Xw.segment(start, size).array()).exp().min(std::numeric_limits<Scalar>::max());
      s = Scalar(1) / (Scalar(1) + E);
      gradient -= (label * s).sum();
      hessian += (E * s * s).sum();
    });
    // Near-separable data drive the curvature to 0: never step further than max_newton_step,
    // and fall back to the gradient step 4*g (curvature bound 1/4) when the curvature vanishes.
    constexpr Scalar max_newton_step = 4;
    if (!(hessian > std::numeric_limits<Scalar>::min() * Scalar(y.size())))
      return Scalar(4) * gradient / Scalar(y.size());
    return std::clamp(gradient / hessian, -max_newton_step, max_newton_step);
  }

 private:
  // Per-sample kernels run over blocks of at most block_size samples, with a stack buffer for the
  // one intermediate they reuse (Eigen evaluates an expression's subexpressions once per use).
  static constexpr Index block_size = 512;
  template <class Scalar>
  using Block = Eigen::Array<Scalar, Eigen::Dynamic, 1, Eigen::ColMajor, block_size, 1>;

  template <class Scalar, class Body>
  static void for_each_block(Index n, Body&& body) {
    Block<Scalar> buffer;
    for (Index start = 0; start < n; start += block_size) {
      const Index size = std::min(block_size, n - start);
      buffer.resize(size);
      body(start, size, buffer);
    }
  }

  Eigen::VectorXd lipschitz_;
};

}  // namespace sparseglm::datafits
