// The column reductions of the design views (core/design.hpp) against a long-double sum over
// each column's entries: every column length around the one from which the sparse view splits
// its sums (design.hpp, sum_over_column), sparse and dense alike; and the sparse view's kernels
// on the rows of SamplePairs against the same kernels on separate vectors.

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
  // The same vectors paired as in prox_newton.hpp: (g, h) and (h, v).
  sparseglm::SamplePairs<double> gh(2, n), hv(2, n);
  gh.row(0) = g.transpose();
  gh.row(1) = h.transpose();
  hv.row(0) = h.transpose();
  hv.row(1) = v.transpose();
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
    // On SamplePairs rows the sparse view adds the same terms in the same order: equal to the bit.
    const auto dots = sparse.col_model_dots(j, g, h);
    const auto paired_dots = sparse.col_model_dots(j, gh.row(0), gh.row(1));
    CHECK(paired_dots.gradient == dots.gradient);
    CHECK(paired_dots.weighted_sum == dots.weighted_sum);
    CHECK(paired_dots.weighted_sq_norm == dots.weighted_sq_norm);
    CHECK(sparse.col_weighted_dot(j, hv.row(0), hv.row(1)) == sparse.col_weighted_dot(j, h, v));
    Eigen::VectorXd moved = v;
    sparseglm::SamplePairs<double> moved_pairs = hv;
    sparse.col_axpy(j, 0.7, moved);
    sparse.col_axpy(j, 0.7, moved_pairs.row(1));
    CHECK(moved_pairs.row(1).transpose() == moved);
    CHECK(moved_pairs.row(0).transpose() == h);
  }
}
