// The heavy columns of a working set and their block of the model's Hessian
// (solvers/heavy_columns.hpp): which columns are picked, and H_K = X_K^T diag(h) X_K against the
// dense product.

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

#include "../support/problems.hpp"
#include "sparseglm/core/design.hpp"
#include "sparseglm/solvers/heavy_columns.hpp"

namespace {

using namespace test_support;
using sparseglm::Index;
using Heavy = sparseglm::detail::HeavyColumns<double>;

}  // namespace

TEST_CASE("heavy columns: the columns in a quarter of the rows, the densest up to the cap, and their Hessian",
          "[prox_newton][heavy_block]") {
  const Index n = 200, p = 300;
  const Eigen::MatrixXd X = text_like_design(n, p, 3, 0.95, 8);
  const Eigen::SparseMatrix<double> X_sparse = to_sparse<double>(X);
  const auto design = sparseglm::make_design(X_sparse);
  // The working set lists features out of order; position 2 has no curvature (skipped).
  std::vector<Index> working_set;
  for (Index j = p - 1; j >= 0; j -= 2) working_set.push_back(j);
  Eigen::VectorXd curvature = Eigen::VectorXd::Ones(Index(working_set.size()));
  curvature[2] = 0;

  Heavy heavy;
  heavy.select(design, working_set, curvature);
  std::vector<Index> expected;
  for (std::size_t k = 0; k < working_set.size(); ++k)
    if (k != 2 && double(X_sparse.col(working_set[k]).nonZeros()) >= Heavy::heavy_fraction * double(n))
      expected.push_back(Index(k));
  REQUIRE(expected.size() > 3);
  REQUIRE(expected.size() <= Heavy::max_heavy);
  CHECK(heavy.positions() == expected);
  for (std::size_t k = 0; k < working_set.size(); ++k)
    CHECK(heavy.is_heavy(Index(k)) ==
          (std::find(expected.begin(), expected.end(), Index(k)) != expected.end()));

  Rng rng(5);
  Eigen::VectorXd h(n);
  for (Index i = 0; i < n; ++i) h[i] = rng.uniform() / double(n);
  Eigen::MatrixXd X_K(n, Index(expected.size()));
  for (std::size_t a = 0; a < expected.size(); ++a)
    X_K.col(Index(a)) = X.col(working_set[std::size_t(expected[a])]);
  const Eigen::MatrixXd reference = X_K.transpose() * h.asDiagonal() * X_K;
  const Eigen::MatrixXd& formed = heavy.hessian(design, working_set, h);
  CHECK((formed - reference).cwiseAbs().maxCoeff() <= 1e-14 * reference.cwiseAbs().maxCoeff());
  // Formed once per select(): a new h is not read until the next one.
  const Eigen::MatrixXd first = formed;
  CHECK(heavy.hessian(design, working_set, Eigen::VectorXd(2 * h)) == first);
}

TEST_CASE("heavy columns: above the cap, the densest, in working-set order", "[prox_newton][heavy_block]") {
  const Index n = 100, p = 200;
  const Eigen::SparseMatrix<double> X_sparse = to_sparse<double>(text_like_design(n, p, 4, 0.9, 100));
  const auto design = sparseglm::make_design(X_sparse);
  std::vector<Index> working_set(p);
  for (Index j = 0; j < p; ++j) working_set[std::size_t(j)] = j;
  Heavy heavy;
  heavy.select(design, working_set, Eigen::VectorXd::Ones(p));
  const std::vector<Index>& chosen = heavy.positions();
  REQUIRE(chosen.size() == Heavy::max_heavy);
  CHECK(std::is_sorted(chosen.begin(), chosen.end()));
  Index least_chosen = n, most_left = 0;
  for (Index k = 0; k < p; ++k) {
    const Index nnz = X_sparse.col(k).nonZeros();
    if (heavy.is_heavy(k))
      least_chosen = std::min(least_chosen, nnz);
    else
      most_left = std::max(most_left, nnz);
  }
  CAPTURE(least_chosen, most_left);
  CHECK(least_chosen >= most_left);
  heavy.clear();
  CHECK(heavy.empty());
  CHECK(!heavy.is_heavy(0));
}

TEST_CASE("heavy columns: CD crawls on a block of nearly collinear columns, not on orthogonal ones",
          "[prox_newton][heavy_block]") {
  // Columns 0 and 1 on disjoint halves of the rows: the Jacobi-scaled block is the identity.
  // Column 2 is column 0 plus a little of column 1: nearly collinear with column 0.
  const Index n = 8;
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, 3);
  for (Index i = 0; i < n; ++i) (i < n / 2 ? X(i, 0) : X(i, 1)) = 1.0 + double(i) / 10;
  X.col(2) = X.col(0) + 0.05 * X.col(1);
  const Eigen::SparseMatrix<double> X_sparse = to_sparse<double>(X);
  const auto design = sparseglm::make_design(X_sparse);
  const Eigen::VectorXd h = Eigen::VectorXd::Constant(n, 0.25 / double(n));
  Heavy heavy;
  const std::vector<Index> orthogonal{0, 1}, collinear{0, 1, 2};
  heavy.select(design, orthogonal, Eigen::VectorXd::Ones(2));
  heavy.hessian(design, orthogonal, h);
  CHECK(!heavy.crawls());
  heavy.select(design, collinear, Eigen::VectorXd::Ones(3));
  heavy.hessian(design, collinear, h);
  CHECK(heavy.crawls());
}
