// alpha_grid and path: the grid's endpoints and geometric spacing; along a path every column is
// certified by an independently recomputed KKT violation, starts at exactly 0 from alpha_max,
// and matches a cold solve at the same alpha.

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

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

ref::Penalty unit_penalty(Kind kind, Index p) {
  switch (kind) {
    case Kind::weighted_l1:
      return ref::Penalty::weighted_l1(1.0, test_weights(p));
    case Kind::elastic_net:
      return ref::Penalty::elastic_net(1.0, 0.7);
    case Kind::l1:
      break;
  }
  return ref::Penalty::l1(1.0);
}

}  // namespace

TEST_CASE("alpha_grid: endpoints and geometric spacing", "[path][grid]") {
  SECTION("10 alphas from 2.5 down to 2.5e-2") {
    const Eigen::VectorXd alphas = sparseglm::alpha_grid(2.5, 10, 1e-2);
    REQUIRE(alphas.size() == 10);
    CHECK(alphas[0] == 2.5);
    CHECK(relative_difference(alphas[9], 2.5e-2) <= 1e-14);
    const double ratio = std::pow(1e-2, 1.0 / 9.0);
    for (Index k = 0; k + 1 < alphas.size(); ++k) {
      CAPTURE(k, alphas[k], alphas[k + 1]);
      CHECK(alphas[k + 1] < alphas[k]);
      CHECK(relative_difference(alphas[k + 1] / alphas[k], ratio) <= 1e-13);
    }
  }
  SECTION("defaults: 100 alphas down to 1e-3 alpha_max") {
    const Eigen::VectorXd alphas = sparseglm::alpha_grid(0.37);
    REQUIRE(alphas.size() == 100);
    CHECK(alphas[0] == 0.37);
    CHECK(relative_difference(alphas[99], 0.37e-3) <= 1e-14);
    CHECK(relative_difference(alphas[50] / alphas[49], std::pow(1e-3, 1.0 / 99.0)) <= 1e-13);
  }
  SECTION("one alpha, and eps = 1") {
    const Eigen::VectorXd one = sparseglm::alpha_grid(4.0, 1);
    REQUIRE(one.size() == 1);
    CHECK(one[0] == 4.0);
    const Eigen::VectorXd flat = sparseglm::alpha_grid(4.0, 5, 1.0);
    REQUIRE(flat.size() == 5);
    CHECK((flat.array() == 4.0).all());
  }
}

namespace {

template <class Scalar, class XType>
void check_path(Loss loss, Kind kind, bool intercept, const XType& X, const Problem<Scalar>& problem,
                const std::string& what) {
  constexpr bool single = std::is_same_v<Scalar, float>;
  const double tol = single ? 1e-4 : 1e-9;
  const Eigen::MatrixXd Xd = problem.X_double();
  const Eigen::VectorXd yd = problem.y_double();
  const Index p = Xd.cols();
  const ref::Penalty unit = unit_penalty(kind, p);
  INFO(what << ": " << to_string(loss) << " + " << to_string(kind)
            << (intercept ? ", intercept" : ", no intercept"));

  SolverOptions options;
  options.tol = tol;
  options.fit_intercept = intercept;
  const Index n_alphas = 8;
  std::vector<double> first_criteria;  // what iteration 1 of each alpha reports
  SolverOptions path_options = options;
  path_options.callback = [&](const sparseglm::IterationInfo& info) {
    if (info.iteration == 1) first_criteria.push_back(info.stop_crit);
    return true;
  };
  const auto [amax, path] = with_datafit(loss, [&](auto datafit) {
    return with_penalty(unit, [&](const auto& penalty) {
      const double a = sparseglm::alpha_max(X, problem.y, datafit, penalty, intercept);
      return std::pair(a, sparseglm::path(X, problem.y, datafit, penalty,
                                          sparseglm::alpha_grid(a, n_alphas, 1e-2), path_options));
    });
  });
  CAPTURE(amax);
  CHECK(relative_difference(amax, ref::alpha_max(Xd, yd, loss, unit, intercept)) <= (single ? 1e-5 : 1e-9));

  // Shapes (scikit-learn's lasso_path: p x n_alphas).
  REQUIRE(path.alphas.size() == n_alphas);
  REQUIRE(path.coefs.rows() == p);
  REQUIRE(path.coefs.cols() == n_alphas);
  REQUIRE(path.intercepts.size() == n_alphas);
  REQUIRE(path.objectives.size() == n_alphas);
  REQUIRE(path.stop_crits.size() == n_alphas);
  REQUIRE(path.n_iter.size() == std::size_t(n_alphas));
  REQUIRE(path.n_epochs.size() == std::size_t(n_alphas));
  REQUIRE(path.statuses.size() == std::size_t(n_alphas));
  CHECK(path.alphas[0] == amax);
  CHECK(path.all_converged());

  // The first column is the null model: exact zeros for every penalised feature.
  for (Index j = 0; j < p; ++j)
    if (unit.penalized(j)) CHECK(path.coefs(j, 0) == Scalar(0));
  if (!intercept) CHECK(path.intercepts[0] == Scalar(0));
  // ... and the path goes somewhere.
  CHECK(count_nonzero(path.coefs.col(n_alphas - 1)) > count_nonzero(path.coefs.col(0)));

  for (Index k = 0; k < n_alphas; ++k) {
    const ref::Penalty penalty = unit.with_alpha(path.alphas[k]);
    const Certificate cert =
        certify(Xd, yd, loss, penalty, path.coefs.col(k), double(path.intercepts[k]), intercept);
    const auto cold = with_datafit(loss, [&](auto datafit) {
      return with_penalty(penalty, [&](const auto& library_penalty) {
        return sparseglm::solve(X, problem.y, datafit, library_penalty, options);
      });
    });
    const Certificate cold_cert =
        certify(Xd, yd, loss, penalty, cold.coef, double(cold.intercept), intercept);
    const double slack = kkt_slack<Scalar>(Xd, yd, loss, path.coefs.col(k), double(path.intercepts[k]));
    INFO("column " << k << ", alpha = " << path.alphas[k]);
    CAPTURE(cert.kkt.violation, slack, path.stop_crits[k], cold_cert.kkt.violation, cert.objective,
            cold_cert.objective, path.n_iter[k], path.n_epochs[k], count_nonzero(path.coefs.col(k)),
            count_nonzero(cold.coef));
    CHECK(path.statuses[k] == sparseglm::SolverStatus::converged);
    CHECK(cert.kkt.violation <= tol + slack);
    // The outer checks skip the products that bounds prove irrelevant (working_set_solver.hpp):
    // the reported criterion must still be the exact one.
    if (!single) CHECK(std::abs(cert.kkt.violation - double(path.stop_crits[k])) <= 1e-12);
    CHECK(cold.converged());
    // Two tol-certified points: objectives within 1e-8 relative in double (tol = 1e-9); in float
    // the KKT tolerance 1e-4 allows a suboptimality of ~tol * ||w||_1, hence 1e-4.
    CHECK(relative_difference(cert.objective, cold_cert.objective) <= (single ? 1e-4 : 1e-8));
    CHECK(std::abs(double(path.objectives[k]) - cert.objective) <=
          objective_slack<Scalar>(Xd, yd, loss, penalty, path.coefs.col(k), double(path.intercepts[k])));
  }

  // Iteration 1 at alpha_k reports the criterion at the previous solution, or, when the check there
  // is skipped, a lower bound of it above tol (working_set_solver.hpp, run_next).
  REQUIRE(first_criteria.size() == std::size_t(n_alphas));
  for (Index k = 1; k < n_alphas; ++k) {
    const Certificate at_previous = certify(Xd, yd, loss, unit.with_alpha(path.alphas[k]),
                                            path.coefs.col(k - 1), double(path.intercepts[k - 1]), intercept);
    const double slack =
        kkt_slack<Scalar>(Xd, yd, loss, path.coefs.col(k - 1), double(path.intercepts[k - 1])) + 1e-12;
    INFO("iteration 1 at column " << k);
    CAPTURE(first_criteria[std::size_t(k)], at_previous.kkt.violation, slack);
    CHECK(first_criteria[std::size_t(k)] <= at_previous.kkt.violation + slack);
    CHECK((first_criteria[std::size_t(k)] > tol ||
           std::abs(first_criteria[std::size_t(k)] - at_previous.kkt.violation) <= slack));
  }
}

}  // namespace

TEST_CASE("path: every column certified, first column zero, equal to cold solves", "[path]") {
  std::uint64_t seed = 300;
  for (const Loss loss : {Loss::quadratic, Loss::logistic})
    for (const Kind kind : {Kind::l1, Kind::weighted_l1, Kind::elastic_net}) {
      ProblemSpec spec;
      spec.n = 50;
      spec.p = 80;
      spec.target = loss == Loss::quadratic ? TargetKind::regression : TargetKind::classification;
      spec.intercept = 0.5;
      spec.seed = ++seed;
      const auto problem = make_problem<double>(spec);
      INFO(describe(spec));
      check_path(loss, kind, true, problem.X, problem, "dense double");
    }
}

TEST_CASE("path: sparse storage, float and no intercept", "[path]") {
  ProblemSpec spec;
  spec.n = 120;
  spec.p = 60;
  spec.design = DesignKind::sparse;
  spec.seed = 401;
  const auto sparse = make_problem<double>(spec);
  INFO(describe(spec));
  check_path(Loss::quadratic, Kind::l1, false, sparse.X_sparse, sparse, "sparse double");

  spec.target = TargetKind::classification;
  spec.seed = 402;
  const auto labels = make_problem<double>(spec);
  check_path(Loss::logistic, Kind::l1, true, labels.X_sparse, labels, "sparse double");

  spec.design = DesignKind::correlated;
  spec.target = TargetKind::regression;
  spec.seed = 403;
  const auto single = make_problem<float>(spec);
  check_path(Loss::quadratic, Kind::l1, true, single.X, single, "dense float");
  check_path(Loss::quadratic, Kind::elastic_net, false, single.X_sparse, single, "sparse float");
}

TEST_CASE("alpha_max with an intercept keeps its digits when y is far from its mean", "[path]") {
  // y = offset + k / 1024 (k integers) on 64 rows: its mean and y - mean are exact in double, so
  // X^T (mean - y) / n is exact up to one product's rounding. A cold start with an intercept takes
  // that gradient from X^T y and the column means while y's mean is at most its spread (offset 0);
  // with offset 2^30 that form would cancel about 2^30 eps of it, and the product is taken.
  const Index n = 64, p = 30;
  std::mt19937 rng(405);
  std::uniform_int_distribution<int> level(-2048, 2048);
  std::uniform_real_distribution<double> entry(0.0, 1.0);
  Eigen::MatrixXd X(n, p);
  for (Index j = 0; j < p; ++j)
    for (Index i = 0; i < n; ++i)
      X(i, j) = entry(rng) < 0.3 ? entry(rng) : 0.0;  // non-negative: means far from 0
  Eigen::VectorXd noise(n);
  for (Index i = 0; i < n; ++i) noise[i] = level(rng) / 1024.0;
  const Eigen::SparseMatrix<double> X_sparse = X.sparseView();
  for (const double offset : {0.0, std::ldexp(1.0, 30)}) {
    const Eigen::VectorXd y = noise.array() + offset;
    const double expected =
        (X.transpose() * (y.array() - y.mean()).matrix()).cwiseAbs().maxCoeff() / double(n);
    const sparseglm::penalties::L1 unit(1);
    CAPTURE(offset);
    CHECK(relative_difference(sparseglm::alpha_max(X, y, sparseglm::datafits::Quadratic{}, unit), expected) <=
          1e-12);
    CHECK(relative_difference(sparseglm::alpha_max(X_sparse, y, sparseglm::datafits::Quadratic{}, unit),
                              expected) <= 1e-12);
  }
}

TEST_CASE("path: the columns follow the given alphas in any order", "[path]") {
  ProblemSpec spec;
  spec.n = 40;
  spec.p = 70;
  spec.seed = 404;
  const auto problem = make_problem<double>(spec);
  const double amax = sparseglm::alpha_max(problem.X, problem.y, sparseglm::datafits::Quadratic{},
                                           sparseglm::penalties::L1(1));
  const Eigen::VectorXd alphas = sparseglm::alpha_grid(amax, 5, 1e-2).reverse();  // increasing
  SolverOptions options;
  options.tol = 1e-9;
  const auto path = sparseglm::path(problem.X, problem.y, sparseglm::datafits::Quadratic{},
                                    sparseglm::penalties::L1(1), alphas, options);
  REQUIRE(path.all_converged());
  CHECK(path.alphas == alphas);
  CHECK(path.coefs.col(4) == Eigen::VectorXd::Zero(spec.p));
  CHECK(relative_difference(path.intercepts[4], problem.y.mean()) <= 1e-12);
  for (Index k = 0; k < alphas.size(); ++k) {
    const Certificate cert = certify(problem.X, problem.y, Loss::quadratic, ref::Penalty::l1(alphas[k]),
                                     path.coefs.col(k), path.intercepts[k], true);
    CAPTURE(k, alphas[k], cert.kkt.violation);
    CHECK(cert.kkt.violation <= 1e-9);
  }
}
