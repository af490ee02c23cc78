// Newton steps of least-squares fits on their support (solvers/support_newton.hpp): one step
// lands on the orthant's minimiser, a step that would flip signs stops at P's minimiser along it
// (or at the first 0), a singular support gets a damped step, and fits on ill-conditioned
// uncentred designs (raw microarray-like columns), where coordinate descent crawls on X and on
// the Gram matrix alike, converge in few epochs, certified, with more features than rows too.

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

/// unit's penalty at alpha_max / divisor, without an intercept.
ref::Penalty below_alpha_max(const RawProblem& problem, const ref::Penalty& unit, double divisor) {
  return unit.with_alpha(ref::alpha_max(problem.X, problem.y, ref::Loss::quadratic, unit, false) / divisor);
}

/// A fit without an intercept to tol, on the given inner solver.
SolverOptions without_intercept(double tol, GramMode gram) {
  SolverOptions options;
  options.tol = tol;
  options.fit_intercept = false;
  options.gram = gram;
  return options;
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

TEST_CASE("support Newton: a step that would flip signs stops at P's minimiser along it, or at the first 0",
          "[support_newton]") {
  const Solved solved = solved_lasso(false);
  // Coordinates of the solution with their signs reversed: the Newton direction crosses 0.
  std::vector<Index> features;
  Eigen::VectorXd values;
  for (Index j = 0; j < solved.w.size(); ++j)
    if (solved.w[j] != 0) features.push_back(j);
  values = solved.w(features);
  for (Index k = 0; k < values.size(); k += 2) values[k] = -values[k];
  const Index n = solved.X.rows();
  const Eigen::MatrixXd X_S = solved.X(Eigen::all, features);
  const Eigen::VectorXd gradient = X_S.transpose() * (X_S * values - solved.y) / double(n);
  const sparseglm::penalties::L1 penalty(solved.alpha);
  // P along values + t delta, with the other coordinates at 0.
  const auto objective_at = [&](const Eigen::VectorXd& coef) {
    Eigen::VectorXd w = Eigen::VectorXd::Zero(solved.w.size());
    w(features) = coef;
    return ref::objective(solved.X, solved.y, ref::Loss::quadratic, ref::Penalty::l1(solved.alpha), w, 0);
  };
  using Length = sparseglm::detail::OrthantNewton<double>::Length;
  for (const Length rule : {Length::first_zero, Length::line_minimum}) {
    CAPTURE(int(rule));
    sparseglm::detail::OrthantNewton<double> newton;
    Eigen::MatrixXd hessian = X_S.transpose() * X_S / double(n);
    REQUIRE(newton.solve(penalty, features, values, hessian, gradient, rule));
    REQUIRE(newton.length() > 0);
    REQUIRE(newton.length() <= 1);
    CHECK_FALSE(newton.damped());
    const double moved = objective_at(newton.moved());
    CHECK(moved < objective_at(values));
    Index zeros = 0, flips = 0;
    for (Index k = 0; k < values.size(); ++k) {
      zeros += newton.moved()[k] == 0;
      flips += newton.moved()[k] * values[k] < 0;
    }
    if (rule == Length::first_zero) {
      CHECK(zeros >= 1);
      CHECK(flips == 0);  // every coordinate keeps its sign or lands on exactly 0
    } else {
      // No length on a grid of [0, 1] does better, and crossing 0s was worth it here.
      for (int step = 0; step <= 1000; ++step)
        CHECK(moved <= objective_at(values + (step / 1000.0) * newton.delta()) + 1e-14);
      CHECK(flips >= 1);
    }
  }
}

TEST_CASE("support Newton: a singular support (more features than rows) gets a damped step that lowers P",
          "[support_newton]") {
  const RawProblem problem = raw_levels_problem(20, 50, 3);
  const double alpha =
      ref::alpha_max(problem.X, problem.y, ref::Loss::quadratic, ref::Penalty::l1(1), false) / 1000;
  Eigen::VectorXd w = Eigen::VectorXd::Constant(50, 0.01);  // 50 features on 20 rows
  double b = 0;
  Eigen::VectorXd Xw = problem.X * w;
  const auto design = sparseglm::make_design(problem.X);
  const sparseglm::penalties::L1 penalty(alpha);
  const double before =
      ref::objective(problem.X, problem.y, ref::Loss::quadratic, ref::Penalty::l1(alpha), w, 0);
  sparseglm::detail::SupportNewton<double> newton;
  REQUIRE(newton.find_support(penalty, all_features(50), w).size() == 50);
  REQUIRE(newton.step(design, problem.y, penalty, false, w, b, Xw));
  CHECK(newton.damped());
  const double after =
      ref::objective(problem.X, problem.y, ref::Loss::quadratic, ref::Penalty::l1(alpha), w, 0);
  CHECK(after < before);
  CHECK(newton.decrease() == Approx(before - after).epsilon(1e-9));
  CHECK(count_nonzero(w) < 50);  // the step stopped on 0s
  CHECK(relative_max_difference(Xw, Eigen::VectorXd(problem.X * w)) <= 1e-12);
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
        const ref::Penalty penalty = below_alpha_max(problem, unit, 100);
        SolverOptions options = without_intercept(tol, gram);
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

TEST_CASE("support Newton: near-interpolating fits (supports of more features than rows) converge, certified",
          "[support_newton][solve][certify]") {
  // alpha_max / 1000 without an intercept on 30 rows and 60 raw-level columns, y centred: the
  // supports on the way hold more features than rows (X_S^T X_S singular) and shrink back to
  // about n. Without the steps on those supports no Lasso fit here had converged after 2 * 10^6
  // epochs; with them they take 3642 to 6819 epochs on X and 535 to 639 on the Gram matrix
  // (20391 epochs for the 12 fits).
  const double tol = 1e-8;
  int total_epochs = 0;
  for (std::uint64_t seed = 0; seed < 3; ++seed)
    for (const Kind kind : {Kind::l1, Kind::elastic_net})
      for (const GramMode gram : {GramMode::automatic, GramMode::always}) {
        RawProblem problem = raw_levels_problem(30, 60, seed);
        problem.y.array() -= problem.y.mean();
        const ref::Penalty unit =
            kind == Kind::l1 ? ref::Penalty::l1(1.0) : ref::Penalty::elastic_net(1.0, 0.5);
        const ref::Penalty penalty = below_alpha_max(problem, unit, 1000);
        SolverOptions options = without_intercept(tol, gram);
        options.max_epochs = 200000;
        const auto result = with_penalty(penalty, [&](const auto& library_penalty) {
          return sparseglm::solve(problem.X, problem.y, sparseglm::datafits::Quadratic{}, library_penalty,
                                  options);
        });
        INFO(to_string(kind) << ", seed " << seed << ", gram mode " << int(gram));
        CAPTURE(to_string(result.status), result.n_epochs);
        const Certificate cert =
            certify(problem.X, problem.y, ref::Loss::quadratic, penalty, result.coef, 0.0, false);
        CHECK(result.converged());
        CHECK(cert.kkt.violation <= tol);
        total_epochs += result.n_epochs;
      }
  CAPTURE(total_epochs);
  CHECK(total_epochs <= 12 * 3000);
}
