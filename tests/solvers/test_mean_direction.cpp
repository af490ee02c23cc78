// Mean-direction steps of prox-Newton's model epochs (solvers/prox_newton.hpp): L1-logistic
// regression without an intercept on columns that share a large mean (non-negative counts or
// frequencies), where the model's cyclic epochs crawl along that mean. The fits are certified by
// the independent KKT check, dense and sparse storage agree, and the epochs stay few.

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
using sparseglm::Index;
using sparseglm::SolverOptions;
using Kind = ref::Penalty::Kind;

/// Term-frequency-like columns of densities 0.4 / (1 + j / 50) and labels of a sparse logistic
/// model with a positive offset, which the features must carry without an intercept.
Problem<double> term_classification(Index n, Index p, std::uint64_t seed) {
  Problem<double> problem;
  problem.X = text_like_design(n, p, seed, 0.4, 50);
  problem.w_true = sparse_coef(p, 50, seed + 1);
  problem.y = logistic_labels(problem.X, problem.w_true, 1.0, seed + 2);
  problem.X_sparse = to_sparse<double>(problem.X);
  return problem;
}

ref::Penalty unit_penalty(Kind kind, Index p) {
  if (kind == Kind::l1) return ref::Penalty::l1(1.0);
  if (kind == Kind::elastic_net) return ref::Penalty::elastic_net(1.0, 0.5);
  return ref::Penalty::weighted_l1(1.0, test_weights(p));  // two unpenalised features
}

}  // namespace

TEST_CASE(
    "mean-direction steps: L1-logistic without an intercept on term-like columns, certified, few epochs",
    "[prox_newton][mean_direction][certify]") {
  // These 18 fits took 6298 epochs with the steps switched off (detail::min_mean_coupling 1e30), 3965
  // with them.
  const double tol = 1e-8;
  int epochs = 0, stepped_models = 0;
  for (std::uint64_t seed = 0; seed < 3; ++seed)
    for (const Kind kind : {Kind::l1, Kind::elastic_net, Kind::weighted_l1}) {
      const Problem<double> problem = term_classification(2000, 500, seed);
      const ref::Penalty unit = unit_penalty(kind, problem.X.cols());
      const double amax = ref::alpha_max(problem.X, problem.y, ref::Loss::logistic, unit, false);
      const ref::Penalty penalty = unit.with_alpha(amax / 1000);
      std::ostringstream log;
      SolverOptions options;
      options.tol = tol;
      options.fit_intercept = false;
      options.verbosity = 2;
      options.log = &log;
      const auto [dense, sparse] = with_penalty(penalty, [&](const auto& library_penalty) {
        const sparseglm::datafits::Logistic datafit;
        return std::pair(sparseglm::solve(problem.X, problem.y, datafit, library_penalty, options),
                         sparseglm::solve(problem.X_sparse, problem.y, datafit, library_penalty, options));
      });
      INFO(to_string(kind) << ", seed " << seed);
      CAPTURE(to_string(dense.status), dense.n_epochs, to_string(sparse.status), sparse.n_epochs);
      for (const auto* result : {&dense, &sparse}) {
        const Certificate cert =
            certify(problem.X, problem.y, ref::Loss::logistic, penalty, result->coef, 0.0, false);
        CAPTURE(cert.kkt.violation);
        CHECK(result->converged());
        CHECK(cert.kkt.violation <= tol);
      }
      // Ill-conditioned along the mean: at KKT <= 1e-8 the two points are up to 2.4e-6 apart.
      CHECK(relative_max_difference(dense.coef, sparse.coef) <= 1e-5);
      epochs += dense.n_epochs + sparse.n_epochs;
      stepped_models += count_occurrences(log.str(), "with mean-direction steps");
    }
  CAPTURE(epochs, stepped_models);
  CHECK(stepped_models > 0);
  CHECK(epochs <= 4500);
}
