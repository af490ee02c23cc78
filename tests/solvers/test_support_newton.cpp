// Newton steps of least-squares fits on their support (solvers/support_newton.hpp): one step
// lands on the orthant's minimiser, a step that would flip a sign stops at 0, and fits on
// ill-conditioned uncentred designs (raw microarray-like columns), where coordinate descent
// crawls on X and on the Gram matrix alike, converge in few epochs, certified.

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "../support/checks.hpp"
#include "../support/problems.hpp"
#include "../support/reference.hpp"
#include "sparseglm/solvers/support_newton.hpp"
#include "sparseglm/sparseglm.hpp"

namespace {

using namespace test_support;
using sparseglm::GramMode;
using sparseglm::Index;
using sparseglm::SolverOptions;
using Kind = ref::Penalty::Kind;

/// Columns of raw expression levels: a level in [6, 12] per feature, a shared factor and noise,
/// so that every column is nearly the constant vector. y depends on features 0 and 3.
struct RawProblem {
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
};

RawProblem raw_levels_problem(Index n, Index p, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> level(6, 12);
  RawProblem problem{Eigen::MatrixXd(n, p), Eigen::VectorXd(n)};
  Eigen::VectorXd factor(n);
  for (Index i = 0; i < n; ++i) factor[i] = normal(rng);
  for (Index j = 0; j < p; ++j) {
    const double mean = level(rng), loading = 0.3 * normal(rng);
    for (Index i = 0; i < n; ++i) problem.X(i, j) = mean + loading * factor[i] + 0.2 * normal(rng);
  }
  for (Index i = 0; i < n; ++i)
    problem.y[i] = -8 + 0.5 * problem.X(i, 0) - 0.5 * problem.X(i, 3) + 0.3 * normal(rng);
  return problem;
}

/// The solution of a Lasso on a small well-conditioned problem, by the library at tol 1e-13.
struct Solved {
  Eigen::MatrixXd X;
  Eigen::VectorXd y, w;
  double b = 0;
  double alpha = 0;
};

Solved solved_lasso(bool fit_intercept) {
  Solved solved;
  solved.X = correlated_design(60, 30, 0.3, 5);
  solved.y = regression_target(solved.X, sparse_coef(30, 5, 6), 0.5, 3.0, 7);
  solved.alpha =
      0.05 * ref::alpha_max(solved.X, solved.y, ref::Loss::quadratic, ref::Penalty::l1(1), fit_intercept);
  SolverOptions options;
  options.tol = 1e-13;
  options.fit_intercept = fit_intercept;
  const auto result = sparseglm::solve(solved.X, solved.y, sparseglm::datafits::Quadratic{},
                                       sparseglm::penalties::L1(solved.alpha), options);
  REQUIRE(result.converged());
  solved.w = result.coef;
  solved.b = result.intercept;
  return solved;
}

/// Weights 2 at j = 1 mod 3 and 1 elsewhere: every feature penalised. (With unpenalised
/// near-constant columns, which act as an intercept, alpha_max / 100 has a support larger than n.)
Eigen::VectorXd positive_weights(Index p) {
  Eigen::VectorXd weights = Eigen::VectorXd::Ones(p);
  for (Index j = 1; j < p; j += 3) weights[j] = 2;
  return weights;
}

std::vector<Index> all_features(Index p) {
  std::vector<Index> features(static_cast<std::size_t>(p));
  for (Index j = 0; j < p; ++j) features[std::size_t(j)] = j;
  return features;
}

}  // namespace

TEST_CASE("support Newton: one step from a point of the solution's orthant lands on the solution",
          "[support_newton]") {
  for (const bool fit_intercept : {false, true}) {
    CAPTURE(fit_intercept);
    const Solved solved = solved_lasso(fit_intercept);
    REQUIRE(count_nonzero(solved.w) >= 3);
    // Move every non-zero coefficient by a tenth of itself (signs kept) and the intercept by 1.
    Eigen::VectorXd w = solved.w;
    for (Index j = 0; j < w.size(); ++j) w[j] *= (j % 2 == 0) ? 1.1 : 0.9;
    double b = fit_intercept ? solved.b + 1 : 0;
    Eigen::VectorXd Xw = (solved.X * w).array() + b;
    const auto design = sparseglm::make_design(solved.X);
    const sparseglm::penalties::L1 penalty(solved.alpha);
    sparseglm::detail::SupportNewton<double> newton;
    newton.find_support(penalty, all_features(w.size()), w);
    REQUIRE(newton.step(design, solved.y, penalty, fit_intercept, w, b, Xw));
    CHECK(relative_max_difference(w, solved.w) <= 1e-9);
    CHECK(std::abs(b - solved.b) <= 1e-9 * std::max(1.0, std::abs(solved.b)));
    CHECK(relative_max_difference(Xw, Eigen::VectorXd((solved.X * w).array() + b)) <= 1e-12);
  }
}

TEST_CASE("support Newton: a step that would flip a sign stops where the coordinate reaches 0",
          "[support_newton]") {
  const Solved solved = solved_lasso(false);
  // A coordinate of the solution with its sign reversed: the step towards the solution crosses 0.
  Index flipped = 0;
  while (solved.w[flipped] == 0) ++flipped;
  Eigen::VectorXd w = solved.w;
  w[flipped] = -solved.w[flipped];
  double b = 0;
  Eigen::VectorXd Xw = solved.X * w;
  const auto design = sparseglm::make_design(solved.X);
  const sparseglm::penalties::L1 penalty(solved.alpha);
  const double before =
      ref::objective(solved.X, solved.y, ref::Loss::quadratic, ref::Penalty::l1(solved.alpha), w, 0);
  sparseglm::detail::SupportNewton<double> newton;
  newton.find_support(penalty, all_features(w.size()), w);
  REQUIRE(newton.step(design, solved.y, penalty, false, w, b, Xw));
  // Every coordinate keeps its sign or lands on exactly 0, and at least one lands on 0.
  Index zeros = 0;
  for (Index j = 0; j < w.size(); ++j) {
    const double start = j == flipped ? -solved.w[j] : solved.w[j];
    CHECK(w[j] * start >= 0);
    if (start != 0 && w[j] == 0) ++zeros;
  }
  CHECK(zeros >= 1);
  const double after =
      ref::objective(solved.X, solved.y, ref::Loss::quadratic, ref::Penalty::l1(solved.alpha), w, 0);
  CHECK(after < before);
  CHECK(relative_max_difference(Xw, Eigen::VectorXd(solved.X * w)) <= 1e-12);
}

TEST_CASE("support Newton: fits on raw-level designs without an intercept converge in few epochs, certified",
          "[support_newton][solve][certify]") {
  // Coordinate descent alone took 3444 to 18418 epochs per fit here (and one fit stopped with
  // precision_limit at a criterion of 5e-8); with the Newton steps 127 to 726.
  const double tol = 1e-8;
  int total_epochs = 0;
  for (std::uint64_t seed = 0; seed < 6; ++seed)
    for (const Kind kind : {Kind::l1, Kind::elastic_net, Kind::weighted_l1})
      for (const GramMode gram : {GramMode::automatic, GramMode::always}) {
        const RawProblem problem = raw_levels_problem(71, 400, seed);
        const ref::Penalty unit = kind == Kind::l1 ? ref::Penalty::l1(1.0)
                                  : kind == Kind::elastic_net
                                      ? ref::Penalty::elastic_net(1.0, 0.5)
                                      : ref::Penalty::weighted_l1(1.0, positive_weights(400));
        const double amax = ref::alpha_max(problem.X, problem.y, ref::Loss::quadratic, unit, false);
        const ref::Penalty penalty = unit.with_alpha(amax / 100);
        SolverOptions options;
        options.tol = tol;
        options.fit_intercept = false;
        options.gram = gram;
        options.dense_copy = false;  // X_sparse (raw levels: every entry stored) stays sparse
        const Eigen::SparseMatrix<double> X_sparse = problem.X.sparseView();
        const auto [dense, sparse] = with_penalty(penalty, [&](const auto& library_penalty) {
          const sparseglm::datafits::Quadratic datafit;
          return std::pair(sparseglm::solve(problem.X, problem.y, datafit, library_penalty, options),
                           sparseglm::solve(X_sparse, problem.y, datafit, library_penalty, options));
        });
        INFO(to_string(kind) << ", seed " << seed << ", gram mode " << int(gram));
        CAPTURE(to_string(dense.status), dense.n_epochs, to_string(sparse.status), sparse.n_epochs);
        for (const auto* result : {&dense, &sparse}) {
          const Certificate cert =
              certify(problem.X, problem.y, ref::Loss::quadratic, penalty, result->coef, 0.0, false);
          CHECK(result->converged());
          CHECK(cert.kkt.violation <= tol);
          total_epochs += result->n_epochs;
        }
        CHECK(relative_max_difference(dense.coef, sparse.coef) <= 1e-6);
      }
  // 72 fits: without the steps, more than 10^6 epochs in all.
  CAPTURE(total_epochs);
  CHECK(total_epochs <= 72 * 1500);
}
