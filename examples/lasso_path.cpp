// A Lasso regularisation path on simulated data with correlated features.
//
//   min_{w, b} ||y - Xw - b||^2 / (2n) + alpha ||w||_1
//
// solved for 50 alphas from alpha_max (where w = 0) down to alpha_max / 1000, each fit
// warm-started from the previous one. For a few alphas the example prints the number of
// non-zero coefficients, the objective, and how much of the true support was found.

#include <cmath>
#include <cstdio>
#include <random>
#include <sparseglm/sparseglm.hpp>

int main() {
  // Data: X_ij with corr(X_j, X_k) = 0.5^|j - k| (each column is an AR(1) step from the
  // previous one), 10 true features with coefficients +-2, Gaussian noise of std 0.5.
  const Eigen::Index n = 200, p = 500, n_true = 10;
  const double rho = 0.5, noise = 0.5;
  const unsigned seed = 42;
  std::mt19937 rng(seed);
  std::normal_distribution<double> gaussian(0.0, 1.0);

  Eigen::MatrixXd X(n, p);
  for (Eigen::Index i = 0; i < n; ++i) {
    X(i, 0) = gaussian(rng);
    for (Eigen::Index j = 1; j < p; ++j)
      X(i, j) = rho * X(i, j - 1) + std::sqrt(1 - rho * rho) * gaussian(rng);
  }
  Eigen::VectorXd w_true = Eigen::VectorXd::Zero(p);
  for (Eigen::Index k = 0; k < n_true; ++k) w_true[k * (p / n_true)] = k % 2 == 0 ? 2.0 : -2.0;
  Eigen::VectorXd y = X * w_true;
  for (Eigen::Index i = 0; i < n; ++i) y[i] += 3.0 + noise * gaussian(rng);  // intercept 3

  // alpha_max only reads the penalty's form (L1), not its alpha.
  const sparseglm::datafits::Quadratic datafit;
  const sparseglm::penalties::L1 l1(1.0);
  const double alpha_max = sparseglm::alpha_max(X, y, datafit, l1);
  const Eigen::VectorXd alphas = sparseglm::alpha_grid(alpha_max, 50, 1e-3);

  sparseglm::SolverOptions options;
  options.tol = 1e-6;
  const auto path = sparseglm::path(X, y, datafit, l1, alphas, options);

  std::printf("n = %ld, p = %ld, seed = %u, alpha_max = %.4f\n\n", long(n), long(p), seed, alpha_max);
  std::printf("%9s %10s %5s %11s %11s %6s\n", "alpha", "alpha/max", "nnz", "objective", "true found",
              "exact");
  for (Eigen::Index k = 0; k < alphas.size(); k += 7) {
    const auto coef = path.coefs.col(k);
    const auto selected = (coef.array() != 0);
    const long nnz = selected.count();
    const long true_found = (selected && (w_true.array() != 0)).count();
    const bool exact = true_found == n_true && nnz == n_true;
    std::printf("%9.5f %10.4f %5ld %11.5f %8ld/%ld %6s\n", alphas[k], alphas[k] / alpha_max, nnz,
                path.objectives[k], true_found, long(n_true), exact ? "yes" : "no");
  }
  std::printf("\nall %ld fits converged: %s (largest stop_crit %.2e, tol %.0e)\n", long(alphas.size()),
              path.all_converged() ? "yes" : "no", path.stop_crits.maxCoeff(), options.tol);
  return path.all_converged() ? 0 : 1;
}
