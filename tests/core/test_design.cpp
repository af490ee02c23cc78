// The column reductions of the design views (core/design.hpp) against a long-double sum over
// each column's entries: every column length around the one from which the sparse view splits
// its sums (design.hpp, sum_over_column), sparse and dense alike.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "sparseglm/sparseglm.hpp"

namespace {

using sparseglm::Index;

/// sum_i X_ij a_i b_i c_i in long double: the reference of every reduction below.
double reference_sum(const Eigen::MatrixXd& X, Index j, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                     const Eigen::VectorXd& c) {
  long double sum = 0;
  for (Index i = 0; i < X.rows(); ++i) sum += static_cast<long double>(X(i, j)) * a[i] * b[i] * c[i];
  return static_cast<double>(sum);
}

/// sum_i |X_ij a_i b_i c_i|: bounds the rounding of a sum of those terms.
double magnitude(const Eigen::MatrixXd& X, Index j, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                 const Eigen::VectorXd& c) {
  return (X.col(j).array() * a.array() * b.array() * c.array()).abs().sum();
}

}  // namespace

TEST_CASE("design: column reductions equal a long-double reference for every column length", "[design]") {
  // Columns with 0 to 1000 stored entries: below, at and above 128 (where the sparse view keeps
  // four partial sums), with lengths of every remainder modulo 4.
  const std::vector<Index> lengths{0, 1, 2, 3, 5, 127, 128, 129, 130, 131, 257, 1000};
  const Index n = 1200, p = Index(lengths.size());
  std::mt19937 rng(11);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, p);
  std::vector<Index> rows(n);
  for (Index i = 0; i < n; ++i) rows[std::size_t(i)] = i;
  for (Index j = 0; j < p; ++j) {
    std::shuffle(rows.begin(), rows.end(), rng);
    for (Index k = 0; k < lengths[std::size_t(j)]; ++k) X(rows[std::size_t(k)], j) = normal(rng);
  }
  const Eigen::SparseMatrix<double> X_sparse = X.sparseView();
  Eigen::VectorXd g(n), h(n), v(n);
  for (Index i = 0; i < n; ++i) {
    g[i] = normal(rng);
    h[i] = std::abs(normal(rng));
    v[i] = normal(rng);
  }
  const Eigen::VectorXd ones = Eigen::VectorXd::Ones(n);
  const auto dense = sparseglm::make_design(X);
  const auto sparse = sparseglm::make_design(X_sparse);

  for (Index j = 0; j < p; ++j) {
    CAPTURE(lengths[std::size_t(j)]);
    const Eigen::VectorXd x = X.col(j);
    // 1e-14 of the terms' magnitude: a sum's rounding stays far below it, a lost or doubled
    // entry far above.
    const auto close = [](double value, double reference, double scale) {
      return std::abs(value - reference) <= 1e-14 * scale;
    };
    const double dot = reference_sum(X, j, v, ones, ones), dot_scale = magnitude(X, j, v, ones, ones);
    const double weighted = reference_sum(X, j, h, v, ones), weighted_scale = magnitude(X, j, h, v, ones);
    const double gradient = reference_sum(X, j, g, ones, ones),
                 gradient_scale = magnitude(X, j, g, ones, ones);
    const double h_sum = reference_sum(X, j, h, ones, ones), h_scale = magnitude(X, j, h, ones, ones);
    const Eigen::VectorXd xh = x.cwiseProduct(h);
    const double h_sq = reference_sum(X, j, xh, ones, ones), h_sq_scale = h_sq;
    for (const bool use_sparse : {false, true}) {
      CAPTURE(use_sparse);
      const auto check = [&](const auto& design) {
        CHECK(close(design.col_dot(j, v), dot, dot_scale));
        CHECK(close(design.col_weighted_dot(j, h, v), weighted, weighted_scale));
        CHECK(close(design.col_weighted_sum(j, [&](Index i) { return v[i]; }), dot, dot_scale));
        const auto dots = design.col_model_dots(j, g, h);
        CHECK(close(dots.gradient, gradient, gradient_scale));
        CHECK(close(dots.weighted_sum, h_sum, h_scale));
        CHECK(close(dots.weighted_sq_norm, h_sq, h_sq_scale));
        // col_sums: the dot as col_dot's, the norm and the sum those of col_sq_norm and col_mean to
        // the bit (a least-squares datafit takes its curvatures from them).
        const auto sums = design.col_sums(j, v);
        CHECK(close(sums.dot, dot, dot_scale));
        CHECK(sums.sq_norm == design.col_sq_norm(j));
        CHECK(sums.sum / double(n) == design.col_mean(j));
      };
      if (use_sparse)
        check(sparse);
      else
        check(dense);
    }
  }
}
