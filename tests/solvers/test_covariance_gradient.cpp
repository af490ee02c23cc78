// Least-squares paths on sparse designs check optimality with gradients formed from covariances
// (solvers/covariance_gradient.hpp): each X_j^T grad f must match the direct product within the
// rounding bound that the checks' skipping rule relies on, the tracker must give up past its
// budget, and the paths must be certified and equal to paths that never use covariances.

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "sparseglm/sparseglm.hpp"
#include "support/checks.hpp"
#include "support/problems.hpp"
#include "support/reference.hpp"

namespace {

using namespace test_support;
using sparseglm::GramMode;
using sparseglm::Index;
using sparseglm::SolverOptions;
using Kind = ref::Penalty::Kind;

// Text-like X with an empty column (7) and an empty row (3), stored sparse in Scalar.
template <class Scalar>
Eigen::SparseMatrix<Scalar> design_with_empty_lines(Index n, Index p, std::uint64_t seed) {
  Eigen::MatrixXd X = text_like_design(n, p, seed);
  X.col(7).setZero();
  X.row(3).setZero();
  return to_sparse<Scalar>(X.cast<Scalar>());
}

// X^T y and the column sums (0 without an intercept, where b stays 0), as the solver gives them.
template <class Scalar>
sparseglm::Vector<Scalar> design_products(const Eigen::SparseMatrix<Scalar>& X,
                                          const sparseglm::Vector<Scalar>& y) {
  return X.transpose() * y;
}

template <class Scalar>
sparseglm::Vector<Scalar> column_sums(const Eigen::SparseMatrix<Scalar>& X, bool fit_intercept) {
  sparseglm::Vector<Scalar> sums = sparseglm::Vector<Scalar>::Zero(X.cols());
  if (fit_intercept) sums = Eigen::RowVectorX<Scalar>::Ones(X.rows()) * X;
  return sums;
}

template <class Scalar>
void check_gradients_match(bool fit_intercept) {
  const Index n = 200, p = 40;
  const Eigen::SparseMatrix<Scalar> X = design_with_empty_lines<Scalar>(n, p, 17);
  const Eigen::MatrixXd Xd = Eigen::MatrixXd(X.template cast<double>());
  const Eigen::VectorXd yd = regression_target(Xd, sparse_coef(p, 5, 18), 0.3, 2.0, 19);
  const sparseglm::Vector<Scalar> y = yd.cast<Scalar>();
  const auto design = sparseglm::make_design(X);
  sparseglm::detail::CovarianceGradient<decltype(design)> covariances(
      design, design_products(X, y), column_sums(X, fit_intercept), y.norm());

  const sparseglm::Vector<Scalar> column_norms = Xd.colwise().norm().transpose().cast<Scalar>();
  Rng rng(20);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(p);
  // The support grows (features enter in several prepares), then shrinks; b moves.
  for (const Index support : {Index(3), Index(9), Index(7), Index(20), Index(2)}) {
    w.setZero();
    for (Index k = 0; k < support; ++k) w[(k * 5 + support) % p] = rng.normal();
    const double b = fit_intercept ? rng.normal() : 0.0;
    const sparseglm::Vector<Scalar> w_scalar = w.cast<Scalar>();
    const Eigen::VectorXd w_exact = w_scalar.template cast<double>();  // the values the tracker sees
    const double b_exact = double(Scalar(b));
    REQUIRE(covariances.prepare(design, w_scalar, Scalar(b)));
    const Eigen::VectorXd residual =
        (Xd * w_exact).array() + b_exact - yd.cast<Scalar>().template cast<double>().array();
    const Eigen::VectorXd exact = Xd.transpose() * residual / double(n);
    const double rounding = double(covariances.rounding(column_norms));
    INFO("support " << support << ", b " << b << ", rounding " << rounding);
    CHECK(rounding < 1e3 * double(std::numeric_limits<Scalar>::epsilon()) * (yd.norm() + w.lpNorm<1>() * 30));
    for (Index j = 0; j < p; ++j) {
      CAPTURE(j, exact[j], double(covariances.gradient(j)));
      CHECK(std::abs(double(covariances.gradient(j)) - exact[j]) <= Xd.col(j).norm() * rounding + 1e-300);
    }
  }
}

}  // namespace

TEST_CASE("covariance gradient: X_j^T grad f within its rounding bound", "[covariance][path]") {
  for (const bool intercept : {false, true}) {
    INFO((intercept ? "with" : "without") << " intercept");
    check_gradients_match<double>(intercept);
    check_gradients_match<float>(intercept);
  }
}

TEST_CASE("covariance gradient: gives up once G would hold more entries than X", "[covariance][path]") {
  const Index n = 30, p = 50;
  const Eigen::SparseMatrix<double> X = design_with_empty_lines<double>(n, p, 31);
  const Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(n, -1, 1);
  const auto design = sparseglm::make_design(X);
  sparseglm::detail::CovarianceGradient<decltype(design)> covariances(design, design_products(X, y),
                                                                      column_sums(X, true), y.norm());
  const Index budget = X.nonZeros() / p;  // columns of G allowed
  Eigen::VectorXd w = Eigen::VectorXd::Zero(p);
  w.head(budget).setOnes();
  CHECK(covariances.prepare(design, w, 0.5));
  w[budget] = 1;
  CHECK_FALSE(covariances.prepare(design, w, 0.5));
}

// Supports stay within the budget (p |S| <= nnz(X)), so that every check after the first runs on
// covariances; the same paths with Gram matrices turned off never use them.
TEST_CASE("path: least squares on sparse X with covariance checks, certified and equal to paths without",
          "[covariance][path]") {
  const Index n = 800, p = 100;
  const Eigen::MatrixXd X = text_like_design(n, p, 41);
  const Eigen::SparseMatrix<double> X_sparse = to_sparse<double>(X);
  const Eigen::VectorXd y = regression_target(X, sparse_coef(p, 8, 42), 0.5, 3.0, 43);
  for (const Kind kind : {Kind::l1, Kind::elastic_net})
    for (const bool intercept : {false, true}) {
      const ref::Penalty unit =
          kind == Kind::l1 ? ref::Penalty::l1(1.0) : ref::Penalty::elastic_net(1.0, 0.5);
      INFO(to_string(kind) << (intercept ? ", intercept" : ", no intercept"));
      SolverOptions options;
      options.tol = 1e-10;
      options.fit_intercept = intercept;
      SolverOptions without = options;
      without.gram = GramMode::never;
      with_penalty(unit, [&](const auto& penalty) {
        const sparseglm::datafits::Quadratic datafit;
        const double amax = sparseglm::alpha_max(X_sparse, y, datafit, penalty, intercept);
        const Eigen::VectorXd alphas = sparseglm::alpha_grid(amax, 30, 1e-2);
        const auto path = sparseglm::path(X_sparse, y, datafit, penalty, alphas, options);
        const auto plain = sparseglm::path(X_sparse, y, datafit, penalty, alphas, without);
        REQUIRE(count_nonzero(path.coefs.col(alphas.size() - 1)) * p <= X_sparse.nonZeros());
        REQUIRE(count_nonzero(path.coefs.col(alphas.size() - 1)) >= 8);
        for (Index k = 0; k < alphas.size(); ++k) {
          const ref::Penalty penalty_k = unit.with_alpha(alphas[k]);
          const Certificate cert = certify(X, y, ref::Loss::quadratic, penalty_k, path.coefs.col(k),
                                           path.intercepts[k], intercept);
          const Certificate plain_cert = certify(X, y, ref::Loss::quadratic, penalty_k, plain.coefs.col(k),
                                                 plain.intercepts[k], intercept);
          INFO("column " << k << ", alpha " << alphas[k]);
          CAPTURE(cert.kkt.violation, path.stop_crits[k], plain_cert.kkt.violation, path.n_iter[k]);
          CHECK(path.statuses[std::size_t(k)] == sparseglm::SolverStatus::converged);
          CHECK(cert.kkt.violation <= options.tol);
          // The criterion from covariances is the exact one, up to rounding.
          CHECK(std::abs(cert.kkt.violation - double(path.stop_crits[k])) <= 1e-13);
          CHECK(relative_difference(cert.objective, plain_cert.objective) <= 1e-11);
        }
      });
    }
}
