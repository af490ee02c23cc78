// Microbenchmarks of the per-epoch design kernels, dense and sparse:
//   * ColumnKernels: one column dot product X_j^T v and one column axpy u += a X_j for every
//     column j (the memory traffic of one CD epoch in which every coordinate moves);
//   * LassoEpoch: one Lasso coordinate-descent epoch over all p features through the library's
//     own kernels (Quadratic::gradient_j, L1::prox_1d, col_axpy), from w = 0 at alpha_max/10;
//   * FullGradient: X^T v, the product behind every outer iteration's optimality check.
// items_per_second counts stored entries of X touched per second.

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <tuple>

#include "../cli/generate.hpp"
#include "sparseglm/core/design.hpp"
#include "sparseglm/datafits/quadratic.hpp"
#include "sparseglm/path.hpp"
#include "sparseglm/penalties/l1.hpp"

namespace {

using SparseX = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

constexpr double sparse_density = 0.001;

/// Seeded designs, generated once per size (outside the timed loops).
const Eigen::MatrixXd& dense_design(Eigen::Index n, Eigen::Index p) {
  static std::map<std::pair<Eigen::Index, Eigen::Index>, std::unique_ptr<Eigen::MatrixXd>> cache;
  auto& slot = cache[{n, p}];
  if (!slot)
    slot = std::make_unique<Eigen::MatrixXd>(sparseglm_bench::correlated_gaussian_design(n, p, 0.6, 11));
  return *slot;
}

const SparseX& sparse_design(Eigen::Index n, Eigen::Index p) {
  static std::map<std::pair<Eigen::Index, Eigen::Index>, std::unique_ptr<SparseX>> cache;
  auto& slot = cache[{n, p}];
  if (!slot)
    slot = std::make_unique<SparseX>(sparseglm_bench::sparse_gaussian_design(n, p, sparse_density, 12));
  return *slot;
}

template <bool Sparse>
const auto& design_matrix(const benchmark::State& state) {
  if constexpr (Sparse) {
    return sparse_design(state.range(0), state.range(1));
  } else {
    return dense_design(state.range(0), state.range(1));
  }
}

template <bool Sparse>
void ColumnKernels(benchmark::State& state) {
  const auto& matrix = design_matrix<Sparse>(state);
  const auto X = sparseglm::make_design(matrix);
  const Eigen::VectorXd v = Eigen::VectorXd::Ones(X.rows());
  Eigen::VectorXd u = Eigen::VectorXd::Zero(X.rows());
  for (auto _ : state) {
    for (Eigen::Index j = 0; j < X.cols(); ++j) X.col_axpy(j, 1e-9 * X.col_dot(j, v), u);
    benchmark::DoNotOptimize(u.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * 2 * X.nnz());
}

template <bool Sparse>
void LassoEpoch(benchmark::State& state) {
  const auto& matrix = design_matrix<Sparse>(state);
  const auto X = sparseglm::make_design(matrix);
  const Eigen::VectorXd y = sparseglm_bench::regression_target(
      matrix, sparseglm_bench::sparse_ground_truth(X.cols(), 20, 13), 3.0, 14);
  sparseglm::datafits::Quadratic datafit;
  datafit.initialize(X, y);
  const double alpha = sparseglm::alpha_max(matrix, y, datafit, sparseglm::penalties::L1{1.0}, false) / 10;
  const sparseglm::penalties::L1 penalty{alpha};
  Eigen::VectorXd w(X.cols()), Xw(X.rows());
  long moved = 0;
  for (auto _ : state) {
    w.setZero();
    Xw.setZero();
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      const double lipschitz = datafit.lipschitz(j);
      if (lipschitz == 0) continue;
      const double old_value = w[j];
      const double gradient = datafit.gradient_j(X, y, Xw, j);
      const double new_value = penalty.prox_1d(old_value - gradient / lipschitz, 1.0 / lipschitz, j);
      if (new_value != old_value) {
        X.col_axpy(j, new_value - old_value, Xw);
        w[j] = new_value;
        ++moved;
      }
    }
    benchmark::DoNotOptimize(Xw.data());
  }
  state.SetItemsProcessed(state.iterations() * X.nnz());
  state.counters["moved_per_epoch"] = double(moved) / double(state.iterations());
}

template <bool Sparse>
void FullGradient(benchmark::State& state) {
  const auto& matrix = design_matrix<Sparse>(state);
  const auto X = sparseglm::make_design(matrix);
  const Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(X.rows(), -1.0, 1.0);
  Eigen::VectorXd gradient(X.cols());
  for (auto _ : state) {
    X.transpose_times(v, gradient);
    benchmark::DoNotOptimize(gradient.data());
  }
  state.SetItemsProcessed(state.iterations() * X.nnz());
}

void dense_sizes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "p"})->Args({200, 2000})->Args({1000, 10000})->Unit(benchmark::kMicrosecond);
}
void sparse_sizes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "p"})->Args({10000, 20000})->Unit(benchmark::kMicrosecond);
}

BENCHMARK(ColumnKernels<false>)->Name("ColumnKernels/dense")->Apply(dense_sizes);
BENCHMARK(ColumnKernels<true>)->Name("ColumnKernels/sparse0.1%")->Apply(sparse_sizes);
BENCHMARK(LassoEpoch<false>)->Name("LassoEpoch/dense")->Apply(dense_sizes);
BENCHMARK(LassoEpoch<true>)->Name("LassoEpoch/sparse0.1%")->Apply(sparse_sizes);
BENCHMARK(FullGradient<false>)->Name("FullGradient/dense")->Apply(dense_sizes);
BENCHMARK(FullGradient<true>)->Name("FullGradient/sparse0.1%")->Apply(sparse_sizes);

}  // namespace
