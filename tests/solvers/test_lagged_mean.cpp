// Lagged-mean epochs (solvers/anderson_cd.hpp): least squares without an intercept on columns
// that share a large mean (non-negative counts or frequencies), where plain cyclic coordinate
// descent crawls along the mean. The fits are certified by the independent KKT check, dense and
// sparse storage agree, and the epochs stay few; when the epochs' relaxation is far off, the
// objective test hands the working set to plain epochs and the fit is still certified.

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <utility>

#include "../support/checks.hpp"
#include "../support/problems.hpp"
#include "../support/reference.hpp"
#include "sparseglm/sparseglm.hpp"

namespace {

using namespace test_support;
using sparseglm::GramMode;
using sparseglm::Index;
using sparseglm::SolverOptions;
using Kind = ref::Penalty::Kind;

/// Term-frequency-like columns of densities 0.4 / (1 + j / 50) (no column is dominated by its
/// mean), and a target with a mean of 1 that the features must carry without an intercept.
Problem<double> term_problem(Index n, Index p, std::uint64_t seed) {
  Problem<double> problem;
  problem.X = text_like_design(n, p, seed, 0.4, 50);
  problem.w_true = sparse_coef(p, 100, seed + 1);
  problem.y = regression_target(problem.X, problem.w_true, 0.5, 1.0, seed + 2);
  return problem;
}

ref::Penalty unit_penalty(Kind kind, Index p) {
  if (kind == Kind::l1) return ref::Penalty::l1(1.0);
  if (kind == Kind::elastic_net) return ref::Penalty::elastic_net(1.0, 0.5);
  Eigen::VectorXd weights = Eigen::VectorXd::Ones(p);
  for (Index j = 1; j < p; j += 3) weights[j] = 2;
  return ref::Penalty::weighted_l1(1.0, weights);
}

/// Least-squares fits without an intercept of the dense and the sparse storage, each checked to
/// converge with an independently computed KKT violation <= tol, and equal to each other.
/// Returns their epochs and the solver's log.
struct CheckedFits {
  int dense_epochs = 0, sparse_epochs = 0;
  std::string log;
};

CheckedFits fit_and_certify(Problem<double> problem, const ref::Penalty& penalty, GramMode gram, double tol) {
  problem.X_sparse = to_sparse<double>(problem.X);
  std::ostringstream log;
  SolverOptions options;
  options.tol = tol;
  options.fit_intercept = false;
  options.gram = gram;
  options.verbosity = 2;
  options.log = &log;
  const auto [dense, sparse] = with_penalty(penalty, [&](const auto& library_penalty) {
    const sparseglm::datafits::Quadratic datafit;
    return std::pair(sparseglm::solve(problem.X, problem.y, datafit, library_penalty, options),
                     sparseglm::solve(problem.X_sparse, problem.y, datafit, library_penalty, options));
  });
  CAPTURE(to_string(dense.status), dense.n_epochs, to_string(sparse.status), sparse.n_epochs);
  for (const auto* result : {&dense, &sparse}) {
    const Certificate cert =
        certify(problem.X, problem.y, ref::Loss::quadratic, penalty, result->coef, 0.0, false);
    CHECK(result->converged());
    CHECK(cert.kkt.violation <= tol);
  }
  CHECK(relative_max_difference(dense.coef, sparse.coef) <= 1e-6);
  return {dense.n_epochs, sparse.n_epochs, log.str()};
}

}  // namespace

TEST_CASE(
    "lagged-mean epochs: least squares without an intercept on term-like columns, certified, few epochs",
    "[lagged_mean][solve][certify]") {
  // On X, these 24 fits took 2628 epochs with plain cyclic epochs only (lagged-mean epochs
  // switched off), 901 with them.
  const double tol = 1e-8;
  int epochs_on_x = 0, lagged_solves = 0;
  for (std::uint64_t seed = 0; seed < 4; ++seed)
    for (const Kind kind : {Kind::l1, Kind::elastic_net, Kind::weighted_l1})
      for (const GramMode gram : {GramMode::never, GramMode::automatic}) {
        const Problem<double> problem = term_problem(1000, 1000, seed);
        const ref::Penalty unit = unit_penalty(kind, 1000);
        const double amax = ref::alpha_max(problem.X, problem.y, ref::Loss::quadratic, unit, false);
        INFO(to_string(kind) << ", seed " << seed << ", gram mode " << int(gram));
        const CheckedFits fits = fit_and_certify(problem, unit.with_alpha(amax / 100), gram, tol);
        if (gram == GramMode::never) epochs_on_x += fits.dense_epochs + fits.sparse_epochs;
        lagged_solves += count_occurrences(fits.log, "lagged-mean epochs");
      }
  CAPTURE(epochs_on_x, lagged_solves);
  CHECK(lagged_solves > 0);
  CHECK(epochs_on_x <= 24 * 50);
}

TEST_CASE("lagged-mean epochs: when they go astray, plain epochs take over and the fit is certified",
          "[lagged_mean][solve][certify]") {
  // Term-like columns and three nearly constant ones (1 plus noise of 0.15: centring leaves them
  // 2% of their curvature, within what lagged-mean epochs accept), which make the estimate of
  // beta poor. Without the objective test the fits of seed 0 ran to max_epochs (50000 epochs);
  // with it, that working set goes back to where its lagged-mean epochs started and plain epochs
  // solve it.
  const double tol = 1e-8;
  int handovers = 0;
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    Problem<double> problem = term_problem(1000, 1000, seed);
    Rng rng(seed + 7);
    for (const Index j : {5, 300, 700})
      for (Index i = 0; i < problem.X.rows(); ++i) problem.X(i, j) = 1 + 0.15 * rng.normal();
    const double amax =
        ref::alpha_max(problem.X, problem.y, ref::Loss::quadratic, ref::Penalty::l1(1.0), false);
    INFO("seed " << seed);
    const CheckedFits fits = fit_and_certify(problem, ref::Penalty::l1(amax / 100), GramMode::never, tol);
    handovers += count_occurrences(fits.log, "plain epochs from here");
  }
  CAPTURE(handovers);
  CHECK(handovers > 0);
}

TEST_CASE("lagged-mean epochs: a least-squares datafit without column-norm constants keeps plain epochs",
          "[lagged_mean][solve][certify]") {
  // Without lipschitz_is_column_norm the solver has no centred curvatures: plain epochs, certified.
  const Problem<double> problem = term_problem(1000, 1000, 0);
  const double amax =
      ref::alpha_max(problem.X, problem.y, ref::Loss::quadratic, ref::Penalty::l1(1.0), false);
  const ref::Penalty penalty = ref::Penalty::l1(amax / 100);
  std::ostringstream log;
  SolverOptions options;
  options.tol = 1e-8;
  options.fit_intercept = false;
  options.gram = GramMode::never;
  options.verbosity = 2;
  options.log = &log;
  const auto result = sparseglm::solve(problem.X, problem.y, QuadraticWithoutColumnNorms{},
                                       sparseglm::penalties::L1(penalty.alpha), options);
  const Certificate cert =
      certify(problem.X, problem.y, ref::Loss::quadratic, penalty, result.coef, 0.0, false);
  CAPTURE(to_string(result.status), result.n_epochs, cert.kkt.violation);
  CHECK(result.converged());
  CHECK(cert.kkt.violation <= options.tol);
  CHECK(count_occurrences(log.str(), "lagged-mean epochs") == 0);
}
