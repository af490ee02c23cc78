// Least-squares inner solves on the Gram matrix (solvers/gram_cd.hpp): the centred Gram kernel of
// both design views against its definition, and fits on X, on the Gram matrix and with the
// automatic choice reaching the same certified solution, including the columns the Gram matrix
// treats specially (zero, constant, duplicated) and tolerances below its rounding.

#include <catch2/catch.hpp>
#include <cmath>
#include <utility>
#include <vector>

#include "../support/checks.hpp"
#include "../support/problems.hpp"
#include "../support/reference.hpp"
#include "sparseglm/sparseglm.hpp"

namespace {

using namespace test_support;
using sparseglm::GramMode;
using sparseglm::Index;
using sparseglm::SolverOptions;

constexpr GramMode all_modes[] = {GramMode::automatic, GramMode::never, GramMode::always};

/// (X_A - 1 m_A^T)^T (X_B - 1 m_B^T) by its definition.
Eigen::MatrixXd gram_by_definition(const Eigen::MatrixXd& X, const std::vector<Index>& a,
                                   const Eigen::VectorXd& ma, const std::vector<Index>& b,
                                   const Eigen::VectorXd& mb) {
  Eigen::MatrixXd out(a.size(), b.size());
  for (std::size_t r = 0; r < a.size(); ++r)
    for (std::size_t c = 0; c < b.size(); ++c)
      out(Index(r), Index(c)) =
          ((X.col(a[r]).array() - ma[Index(r)]) * (X.col(b[c]).array() - mb[Index(c)])).sum();
  return out;
}

Eigen::VectorXd means_of(const Eigen::MatrixXd& X, const std::vector<Index>& columns) {
  Eigen::VectorXd means(columns.size());
  for (std::size_t k = 0; k < columns.size(); ++k) means[Index(k)] = X.col(columns[k]).mean();
  return means;
}

}  // namespace

TEST_CASE("centered_cross_gram: dense and sparse views match the definition", "[gram][design]") {
  // 2500 rows: the kernels accumulate blocks of at most 1024 rows, so three blocks are summed. A
  // sparse view forms these columns as a sparse product at density 0.02 and from dense blocks at
  // 0.3 (core/cross_gram.hpp's work estimates cross near 1/8), and by a sparse product whatever
  // the density when a column's rows are not stored in increasing order.
  const auto density = GENERATE(0.02, 0.3);
  const bool unsorted = GENERATE(false, true);
  INFO("density " << density << ", rows unsorted " << unsorted);
  ProblemSpec spec;
  spec.n = 2500;
  spec.p = 12;
  spec.design = DesignKind::sparse;
  spec.density = density;
  const auto problem = make_problem<double>(spec);
  const Eigen::MatrixXd X = problem.X;
  const auto dense = sparseglm::make_design(X);
  // The same matrix with each column's first and last entries swapped.
  Eigen::SparseMatrix<double> stored = problem.X_sparse;
  stored.makeCompressed();
  if (unsorted)
    for (Index j = 0; j < stored.cols(); ++j) {
      const Index first = stored.outerIndexPtr()[j], last = stored.outerIndexPtr()[j + 1] - 1;
      std::swap(stored.innerIndexPtr()[first], stored.innerIndexPtr()[last]);
      std::swap(stored.valuePtr()[first], stored.valuePtr()[last]);
    }
  const auto sparse = sparseglm::make_design(Eigen::Map<const Eigen::SparseMatrix<double>>(
      stored.rows(), stored.cols(), stored.nonZeros(), stored.outerIndexPtr(), stored.innerIndexPtr(),
      stored.valuePtr()));

  const std::vector<Index> a{7, 2, 11, 0}, b{3, 2, 9};
  for (const bool centred : {false, true}) {
    INFO("centred " << centred);
    const Eigen::VectorXd ma = centred ? means_of(X, a) : Eigen::VectorXd::Zero(Index(a.size()));
    const Eigen::VectorXd mb = centred ? means_of(X, b) : Eigen::VectorXd::Zero(Index(b.size()));
    for (const bool symmetric : {false, true}) {
      INFO("symmetric " << symmetric);
      const std::vector<Index>& columns = symmetric ? a : b;
      const Eigen::VectorXd& means = symmetric ? ma : mb;
      const Eigen::MatrixXd expected = gram_by_definition(X, a, ma, columns, means);
      Eigen::MatrixXd from_dense, from_sparse;
      dense.centered_cross_gram(a, ma, columns, means, from_dense);
      sparse.centered_cross_gram(a, ma, columns, means, from_sparse);
      const double scale = expected.cwiseAbs().maxCoeff();
      CHECK((from_dense - expected).cwiseAbs().maxCoeff() <= 1e-12 * scale);
      CHECK((from_sparse - expected).cwiseAbs().maxCoeff() <= 1e-12 * scale);
      if (symmetric) CHECK(from_dense == from_dense.transpose());
    }
  }
}

TEST_CASE("solve: fits on X, on the Gram matrix and the automatic choice agree and are certified",
          "[gram][solve]") {
  // (n, p): covariance mode (p <= 128 <= n), working-set Gram solves (p > 128, |W| << n), and
  // n < p, where GramMode::always still solves small working sets on their Gram matrix.
  struct Shape {
    Index n, p;
  };
  const Shape shapes[] = {{300, 40}, {400, 300}, {60, 150}};
  std::uint64_t seed = 500;
  for (const Shape shape : shapes)
    for (const bool sparse : {false, true})
      for (const bool intercept : {false, true})
        for (const bool elastic_net : {false, true}) {
          ProblemSpec spec;
          spec.n = shape.n;
          spec.p = shape.p;
          spec.design = sparse ? DesignKind::sparse : DesignKind::correlated;
          spec.rho = 0.8;
          spec.density = 0.2;
          spec.intercept = intercept ? 1.5 : 0.0;
          spec.n_informative = 6;
          spec.seed = ++seed;
          const auto problem = make_problem<double>(spec);
          const ref::Penalty unit = elastic_net ? ref::Penalty::elastic_net(1.0, 0.7) : ref::Penalty::l1(1.0);
          const double amax = ref::alpha_max(problem.X, problem.y, ref::Loss::quadratic, unit, intercept);
          const ref::Penalty penalty = unit.with_alpha(0.02 * amax);
          const double tol = 1e-9;
          double first_objective = 0;
          for (const GramMode mode : all_modes) {
            SolverOptions options;
            options.tol = tol;
            options.fit_intercept = intercept;
            options.gram = mode;
            const auto result = with_penalty(penalty, [&](const auto& library_penalty) {
              return sparse ? sparseglm::solve(problem.X_sparse, problem.y, sparseglm::datafits::Quadratic{},
                                               library_penalty, options)
                            : sparseglm::solve(problem.X, problem.y, sparseglm::datafits::Quadratic{},
                                               library_penalty, options);
            });
            const Certificate cert = certify(problem.X, problem.y, ref::Loss::quadratic, penalty, result.coef,
                                             result.intercept, intercept);
            INFO(describe(spec) << (elastic_net ? " ElasticNet" : " L1") << " gram mode " << int(mode));
            CAPTURE(result.status, result.n_iter, result.n_epochs, result.stop_crit, cert.kkt.violation);
            CHECK(result.converged());
            CHECK(cert.kkt.violation <= tol);
            CHECK(std::abs(cert.objective - result.objective) <= 1e-12 * cert.objective);
            if (mode == GramMode::automatic) first_objective = cert.objective;
            // Both points satisfy KKT <= 1e-9: their objectives differ by at most ~1e-9 ||w||_1.
            CHECK(relative_difference(cert.objective, first_objective) <= 1e-8);
          }
        }
}

TEST_CASE("solve on the Gram matrix: zero, constant and duplicated columns", "[gram][edge]") {
  ProblemSpec spec;
  spec.n = 200;
  spec.p = 10;
  spec.seed = 77;
  auto problem = make_problem<double>(spec);
  Eigen::MatrixXd X = problem.X;
  X.col(3).setZero();
  X.col(5).setConstant(4.0);  // with an intercept, a constant column is invisible (Q_jj = 0)
  X.col(7) = X.col(1);        // duplicated: the L1 solution splits the weight, the fit is unique
  for (const bool intercept : {false, true}) {
    INFO("intercept " << intercept);
    SolverOptions options;
    options.tol = 1e-10;
    options.fit_intercept = intercept;
    options.gram = GramMode::always;
    const double alpha = 0.01;
    const auto result = sparseglm::solve(X, problem.y, sparseglm::datafits::Quadratic{},
                                         sparseglm::penalties::L1{alpha}, options);
    const Certificate cert = certify(X, problem.y, ref::Loss::quadratic, ref::Penalty::l1(alpha), result.coef,
                                     result.intercept, intercept);
    CAPTURE(result.status, result.n_iter, result.n_epochs, cert.kkt.violation);
    CHECK(result.converged());
    CHECK(cert.kkt.violation <= 1e-10);
    CHECK(result.coef[3] == 0.0);
    if (intercept) CHECK(result.coef[5] == 0.0);
    options.gram = GramMode::never;
    const auto on_x = sparseglm::solve(X, problem.y, sparseglm::datafits::Quadratic{},
                                       sparseglm::penalties::L1{alpha}, options);
    CHECK(relative_difference(on_x.objective, result.objective) <= 1e-9);
  }
}

TEST_CASE("solve on the Gram matrix: a tolerance below its rounding ends on X, not in a loop",
          "[gram][status]") {
  // y of magnitude 1e4 with tol 1e-13: the gradient from X^T X carries rounding of ~1e-12, so the
  // Gram solver cannot certify tol; the fit must hand over to epochs on X and end, converged or
  // with a status, with finite numbers and without spending the whole epoch budget on the Gram.
  ProblemSpec spec;
  spec.n = 300;
  spec.p = 30;
  spec.seed = 91;
  spec.intercept = 1e4;
  const auto problem = make_problem<double>(spec);
  for (const GramMode mode : {GramMode::always, GramMode::automatic}) {
    SolverOptions options;
    options.tol = 1e-13;
    options.gram = mode;
    const auto result = sparseglm::solve(problem.X, problem.y, sparseglm::datafits::Quadratic{},
                                         sparseglm::penalties::L1{0.01}, options);
    CAPTURE(int(mode), result.status, result.n_iter, result.n_epochs, result.stop_crit);
    CHECK(result.coef.allFinite());
    CHECK(std::isfinite(result.intercept));
    CHECK(result.n_epochs < options.max_epochs);
    if (result.converged()) {
      const Certificate cert = certify(problem.X, problem.y, ref::Loss::quadratic, ref::Penalty::l1(0.01),
                                       result.coef, result.intercept, true);
      CHECK(cert.kkt.violation <= 1e-13);
    }
  }
}

TEST_CASE("solve on the Gram matrix: a warm start at the solution stops after one criterion",
          "[gram][warm]") {
  ProblemSpec spec;
  spec.n = 250;
  spec.p = 25;
  spec.seed = 13;
  const auto problem = make_problem<double>(spec);
  SolverOptions options;
  options.tol = 1e-8;
  const sparseglm::penalties::ElasticNet penalty(0.02, 0.5);
  const auto cold =
      sparseglm::solve(problem.X, problem.y, sparseglm::datafits::Quadratic{}, penalty, options);
  REQUIRE(cold.converged());
  const auto warm = sparseglm::solve(problem.X, problem.y, sparseglm::datafits::Quadratic{}, penalty, options,
                                     cold.coef, cold.intercept);
  CHECK(warm.converged());
  CHECK(warm.n_iter == 1);
  CHECK(warm.n_epochs == 0);
}
