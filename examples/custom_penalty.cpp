// A penalty written by the user, outside the library, plugged into sparseglm::solve.
//
// BoxL1: the Lasso penalty restricted to a box [lower, upper] that contains 0,
//
//   g_j(t) = alpha |t|   if lower <= t <= upper,   +inf otherwise.
//
// What the solver needs from a penalty (the sparseglm::Penalty concept, penalties/penalty.hpp):
//
// * value(w) = sum_j g_j(w_j): +inf outside the box. The solver compares objectives before
//   keeping an Anderson extrapolation, so an extrapolated point outside the box is rejected.
//
// * prox_1d(x, s, j) = argmin_u (u - x)^2 / (2 s) + g_j(u). In one dimension the minimiser of a
//   convex function over an interval is its unconstrained minimiser clipped to the interval:
//       prox_1d(x, s) = clip(ST(x, s alpha), lower, upper),   ST(x, t) = sign(x) max(|x| - t, 0).
//
// * subdiff_distance(w_j, grad_j, j) = dist(-grad_j, dg_j(w_j)), 0 exactly at the optimum.
//   With lower < upper, dg_j(t) = alpha d|t| + N(t), N the normal cone of the box:
//       N(t) = {0} inside, (-inf, 0] at t = lower, [0, +inf) at t = upper.
//   - lower < t < upper: the L1 case, max(0, |g| - alpha) at t = 0, |g + alpha sign(t)| otherwise.
//   - t = upper: dg = [a, +inf) with a = +alpha if upper > 0 (and -alpha if upper = 0), the
//     left derivative of alpha |.|. dist(-g, [a, +inf)) = max(0, a + g): at the upper bound any
//     gradient pushing further up (g <= -a) is optimal.
//   - t = lower: dg = (-inf, c] with c = -alpha if lower < 0 (and +alpha if lower = 0), the
//     right derivative. dist(-g, (-inf, c]) = max(0, -g - c).
//   - lower = upper (= 0): dg = R, the distance is 0.
//   - t outside the box: dg is empty, the distance +inf. The solver starts at 0 and every update
//     is a prox, which lands in the box; only a warm start outside the box meets this case.
//
// * alpha_max(grad0): the smallest alpha with w = 0 optimal, i.e. -grad0_j in dg_j(0) for all j.
//   dg_j(0) = [-alpha if lower < 0 else -inf, +alpha if upper > 0 else +inf], so alpha must be
//   >= -grad0_j when upper > 0 and >= grad0_j when lower < 0: ||grad0||_inf, as for L1, when 0
//   is inside the box.
//
// * is_penalized(j): true (a penalty may leave some features free, like WeightedL1 with a 0 weight).
//
// alpha() and with_alpha(a) are optional: they let sparseglm::path run this penalty along a grid.
//
// A user-defined datafit is possible the same way (the sparseglm::Datafit concept,
// datafits/datafit.hpp): initialize(X, y), value(y, Xw), gradient_j(X, y, Xw, j),
// raw_gradient(y, Xw, out), lipschitz(j), intercept_step(y, Xw), and optionally
// prepare_target(y). X there is the library's view of the design, not the Eigen matrix: it
// offers col_dot, col_axpy, col_sq_norm, col_weighted_sum, transpose_times and times
// (core/design.hpp); datafits/quadratic.hpp is a 50-line model to copy.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <sparseglm/sparseglm.hpp>
#include <string>
#include <utility>

class BoxL1 {
 public:
  BoxL1(double alpha, double lower, double upper) : alpha_(alpha), lower_(lower), upper_(upper) {
    if (!(alpha >= 0) || !std::isfinite(alpha))
      throw sparseglm::invalid_argument("alpha: must be finite and >= 0");
    if (!(lower <= 0 && 0 <= upper))
      throw sparseglm::invalid_argument("box: must contain 0 (lower <= 0 <= upper)");
  }

  double alpha() const { return alpha_; }
  BoxL1 with_alpha(double alpha) const { return BoxL1(alpha, lower_, upper_); }

  double value(const Eigen::VectorXd& w) const {
    if ((w.array() < lower_).any() || (w.array() > upper_).any()) return infinity;
    return alpha_ * w.lpNorm<1>();
  }

  double prox_1d(double x, double step, Eigen::Index) const {
    const double shrunk = std::copysign(std::max(std::abs(x) - step * alpha_, 0.0), x);
    return std::clamp(shrunk, lower_, upper_);
  }

  double subdiff_distance(double w_j, double grad_j, Eigen::Index) const {
    if (w_j < lower_ || w_j > upper_) return infinity;
    if (lower_ == upper_) return 0.0;
    if (w_j == upper_) return std::max(0.0, grad_j + (upper_ > 0 ? alpha_ : -alpha_));
    if (w_j == lower_) return std::max(0.0, -grad_j - (lower_ < 0 ? -alpha_ : alpha_));
    if (w_j == 0) return std::max(0.0, std::abs(grad_j) - alpha_);
    return std::abs(grad_j + std::copysign(alpha_, w_j));
  }

  bool is_penalized(Eigen::Index) const { return true; }

  double alpha_max(const Eigen::VectorXd& grad0) const {
    double result = 0;
    for (const double g : grad0) {
      if (upper_ > 0) result = std::max(result, -g);
      if (lower_ < 0) result = std::max(result, g);
    }
    return result;
  }

 private:
  static constexpr double infinity = std::numeric_limits<double>::infinity();
  double alpha_, lower_, upper_;
};

// The compile-time check: a missing or mistyped member fails here, with the concept's name,
// instead of deep inside the solver.
static_assert(sparseglm::Penalty<BoxL1, double>);

int main() {
  // Least squares with three true coefficients outside the box [-1, 1].
  const Eigen::Index n = 200, p = 50;
  const unsigned seed = 3;
  std::mt19937 rng(seed);
  std::normal_distribution<double> gaussian(0.0, 1.0);
  Eigen::MatrixXd X(n, p);
  for (double& x : X.reshaped()) x = gaussian(rng);
  Eigen::VectorXd w_true = Eigen::VectorXd::Zero(p);
  w_true.head(6) << 3.0, -2.5, 2.0, 0.8, -0.6, 0.4;
  Eigen::VectorXd y = X * w_true;
  for (double& v : y) v += 0.3 * gaussian(rng);

  const double lower = -1.0, upper = 1.0;
  const sparseglm::datafits::Quadratic quadratic;
  const double alpha_max = sparseglm::alpha_max(X, y, quadratic, BoxL1(1.0, lower, upper));
  const double alpha = 0.01 * alpha_max;

  sparseglm::SolverOptions options;
  options.tol = 1e-8;
  const auto box = sparseglm::solve(X, y, quadratic, BoxL1(alpha, lower, upper), options);
  const auto l1 = sparseglm::solve(X, y, quadratic, sparseglm::penalties::L1(alpha), options);

  std::printf("n = %ld, p = %ld, seed = %u, box [%g, %g], alpha = 0.01 * alpha_max = %.5f\n\n", long(n),
              long(p), seed, lower, upper, alpha);
  std::printf("%8s %8s %8s %8s\n", "feature", "true", "L1", "BoxL1");
  for (Eigen::Index j = 0; j < 8; ++j)
    std::printf("%8ld %8.3f %8.3f %8.3f\n", long(j), w_true[j], l1.coef[j], box.coef[j]);

  const auto inside = [&](const Eigen::VectorXd& w) {
    return (w.array() >= lower).all() && (w.array() <= upper).all() ? "yes" : "no";
  };
  std::printf("\n%-6s %7s %10s %10s %6s %6s %8s\n", "", "in box", "objective", "stop_crit", "iter", "epochs",
              "status");
  for (const auto& [name, fit] : {std::pair{"L1", &l1}, std::pair{"BoxL1", &box}})
    std::printf("%-6s %7s %10.6f %10.2e %6d %6d %8s\n", name, inside(fit->coef), fit->objective,
                fit->stop_crit, fit->n_iter, fit->n_epochs,
                std::string(sparseglm::to_string(fit->status)).c_str());

  // An independent optimality check that does not use subdiff_distance: at the optimum every
  // coordinate is a fixed point of its proximal-gradient step, w_j = prox(w_j - grad_j / L_j, 1 / L_j).
  const BoxL1 penalty(alpha, lower, upper);
  const Eigen::VectorXd residual = X * box.coef - y + Eigen::VectorXd::Constant(n, box.intercept);
  const Eigen::VectorXd gradient = X.transpose() * residual / double(n);
  double fixed_point_violation = 0;
  for (Eigen::Index j = 0; j < p; ++j) {
    const double lipschitz = X.col(j).squaredNorm() / double(n);
    const double step =
        penalty.prox_1d(box.coef[j] - gradient[j] / lipschitz, 1 / lipschitz, j) - box.coef[j];
    fixed_point_violation = std::max(fixed_point_violation, lipschitz * std::abs(step));
  }
  std::printf("\nBoxL1 fixed-point violation max_j L_j |prox step|: %.2e (stop_crit bounds it)\n",
              fixed_point_violation);
  return box.converged() && l1.converged() ? 0 : 1;
}
