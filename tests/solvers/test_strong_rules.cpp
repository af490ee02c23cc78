// Paths screen with the sequential strong rule (working_set_solver.hpp): the solutions must be
// those of plain warm-started solves, every column certified over all features by the
// independent reference, and a feature that the rule wrongly discards must still enter.

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "sparseglm/sparseglm.hpp"
#include "support/checks.hpp"
#include "support/problems.hpp"
#include "support/reference.hpp"

namespace {

using namespace test_support;
using sparseglm::Index;
using sparseglm::SolverOptions;
using Kind = ref::Penalty::Kind;
using ref::Loss;

ref::Penalty unit_penalty(Kind kind) {
  return kind == Kind::elastic_net ? ref::Penalty::elastic_net(1.0, 0.6) : ref::Penalty::l1(1.0);
}

// The path against warm-started solves at the same alphas (no screening, a new solver each
// time): every column certified by the reference's KKT violation and objectives equal.
template <class XType>
void check_against_warm_solves(const XType& X, const Problem<double>& problem, Loss loss, Kind kind,
                               bool intercept) {
  const Eigen::MatrixXd Xd = problem.X_double();
  const Eigen::VectorXd& y = problem.y;
  const ref::Penalty unit = unit_penalty(kind);
  INFO(to_string(loss) << " + " << to_string(kind) << (intercept ? ", intercept" : ", no intercept"));
  SolverOptions options;
  options.tol = loss == Loss::quadratic ? 1e-11 : 1e-9;  // prox-Newton's rounding floor is near 1e-11
  options.fit_intercept = intercept;
  with_datafit(loss, [&](auto datafit) {
    with_penalty(unit, [&](const auto& penalty) {
      const double amax = sparseglm::alpha_max(X, y, datafit, penalty, intercept);
      const Eigen::VectorXd alphas = sparseglm::alpha_grid(amax, 20, 1e-2);
      const auto path = sparseglm::path(X, y, datafit, penalty, alphas, options);
      Eigen::VectorXd w = Eigen::VectorXd::Zero(Xd.cols());
      double b = 0;
      for (Index k = 0; k < alphas.size(); ++k) {
        const auto warm = sparseglm::solve(X, y, datafit, penalty.with_alpha(alphas[k]), options, w, b);
        w = warm.coef;
        b = warm.intercept;
        const ref::Penalty penalty_k = unit.with_alpha(alphas[k]);
        const Certificate screened =
            certify(Xd, y, loss, penalty_k, path.coefs.col(k), path.intercepts[k], intercept);
        const Certificate plain = certify(Xd, y, loss, penalty_k, w, b, intercept);
        INFO("column " << k << ", alpha " << alphas[k]);
        CAPTURE(screened.kkt.violation, plain.kkt.violation, screened.objective, plain.objective,
                path.n_iter[k]);
        CHECK(path.statuses[std::size_t(k)] == sparseglm::SolverStatus::converged);
        CHECK(warm.converged());
        CHECK(screened.kkt.violation <= options.tol);
        CHECK(relative_difference(screened.objective, plain.objective) <= 1e-9);
      }
    });
  });
}

}  // namespace

TEST_CASE("strong rules: paths equal warm-started solves, dense and sparse", "[path][strong]") {
  std::uint64_t seed = 700;
  for (const Loss loss : {Loss::quadratic, Loss::logistic})
    for (const Kind kind : {Kind::l1, Kind::elastic_net})
      for (const bool intercept : {true, false}) {
        ProblemSpec spec;
        spec.n = 40;
        spec.p = 150;  // more features than covariance mode takes (128): working sets are chosen
        spec.target = loss == Loss::quadratic ? TargetKind::regression : TargetKind::classification;
        spec.intercept = 0.7;
        spec.seed = ++seed;
        const auto dense = make_problem<double>(spec);
        INFO(describe(spec));
        check_against_warm_solves(dense.X, dense, loss, kind, intercept);
        spec.design = DesignKind::sparse;
        spec.density = 0.2;
        spec.seed = ++seed;
        const auto sparse = make_problem<double>(spec);
        INFO(describe(spec));
        check_against_warm_solves(sparse.X_sparse, sparse, loss, kind, intercept);
      }
}

// On correlated designs and a coarse grid the rule discards features that the solution needs.
// The test counts such features from the reference's gradients (so that it cannot pass without
// meeting one) and requires every column to be certified all the same.
TEST_CASE("strong rules: a feature wrongly discarded enters at the KKT check", "[path][strong]") {
  int wrongly_discarded = 0;
  for (std::uint64_t seed = 800; seed < 900; ++seed)
    for (const Kind kind : {Kind::l1, Kind::elastic_net}) {
      ProblemSpec spec;
      spec.n = 30;
      spec.p = 40;
      spec.rho = 0.95;
      spec.n_informative = 10;
      spec.seed = seed;
      const auto problem = make_problem<double>(spec);
      const ref::Penalty unit = unit_penalty(kind);
      const double l1_share = kind == Kind::elastic_net ? unit.l1_ratio : 1.0;
      INFO(describe(spec) << ", " << to_string(kind));
      SolverOptions options;
      options.tol = 1e-10;
      const auto [alphas, path] = with_penalty(unit, [&](const auto& penalty) {
        const double amax =
            sparseglm::alpha_max(problem.X, problem.y, sparseglm::datafits::Quadratic{}, penalty);
        const Eigen::VectorXd grid = sparseglm::alpha_grid(amax, 5, 0.1);  // ratio 0.56: 2 a_k - a_{k-1} > 0
        return std::pair(grid, sparseglm::path(problem.X, problem.y, sparseglm::datafits::Quadratic{},
                                               penalty, grid, options));
      });
      for (Index k = 0; k < alphas.size(); ++k) {
        const Certificate cert = certify(problem.X, problem.y, Loss::quadratic, unit.with_alpha(alphas[k]),
                                         path.coefs.col(k), path.intercepts[k], true);
        INFO("column " << k << ", alpha " << alphas[k]);
        CAPTURE(cert.kkt.violation, path.n_iter[k]);
        CHECK(path.statuses[std::size_t(k)] == sparseglm::SolverStatus::converged);
        CHECK(cert.kkt.violation <= options.tol);
        if (k == 0) continue;
        // The previous column's gradient, as the reference computes it.
        const Eigen::VectorXd residual =
            ((problem.X * path.coefs.col(k - 1)).array() + path.intercepts[k - 1]).matrix() - problem.y;
        const Eigen::VectorXd previous_gradient = problem.X.transpose() * residual / double(spec.n);
        const double threshold = l1_share * (2 * alphas[k] - alphas[k - 1]);
        for (Index j = 0; j < spec.p; ++j)
          if (std::abs(previous_gradient[j]) < threshold && path.coefs(j, k) != 0) {
            ++wrongly_discarded;
            CHECK(path.n_iter[k] >= 3);  // the check after the strong set found it
          }
      }
    }
  REQUIRE(wrongly_discarded > 0);
}
