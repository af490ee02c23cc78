// Microbenchmarks of whole fits (sparseglm::solve from w = 0, intercept fitted, tol 1e-6):
// Lasso and sparse logistic regression on seeded designs at alpha_max/10 and alpha_max/100.
//   dense:  correlated Gaussian (AR(1) column correlation 0.6), 200 x 2000 and 1000 x 10000
//   sparse: Gaussian entries at 0.1% density, 10000 x 20000
// Counters report the solver's outer iterations, epochs, support size and final criterion.

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <tuple>

#include "../cli/generate.hpp"
#include "sparseglm/datafits/logistic.hpp"
#include "sparseglm/datafits/quadratic.hpp"
#include "sparseglm/path.hpp"
#include "sparseglm/penalties/l1.hpp"
#include "sparseglm/solvers/solve.hpp"

namespace {

using SparseX = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

constexpr double tol = 1e-6;
constexpr double sparse_density = 0.001;
constexpr Eigen::Index true_support = 20;

/// A design with its regression target and its labels, generated once per size.
template <class Matrix>
struct Problem {
  Matrix X;
  Eigen::VectorXd y_regression;
  Eigen::VectorXd y_labels;
};

template <class Matrix>
Problem<Matrix> make_problem(Matrix X, std::uint64_t seed) {
  const Eigen::VectorXd w = sparseglm_bench::sparse_ground_truth(X.cols(), true_support, seed + 1);
  Problem<Matrix> problem{std::move(X), {}, {}};
  problem.y_regression = sparseglm_bench::regression_target(problem.X, w, 3.0, seed + 2);
  problem.y_labels = sparseglm_bench::logistic_labels(problem.X, w, 3.0, seed + 3);
  return problem;
}

template <bool Sparse>
const auto& problem(Eigen::Index n, Eigen::Index p) {
  using Matrix = std::conditional_t<Sparse, SparseX, Eigen::MatrixXd>;
  static std::map<std::pair<Eigen::Index, Eigen::Index>, std::unique_ptr<Problem<Matrix>>> cache;
  auto& slot = cache[{n, p}];
  if (!slot) {
    if constexpr (Sparse) {
      slot = std::make_unique<Problem<Matrix>>(
          make_problem(sparseglm_bench::sparse_gaussian_design(n, p, sparse_density, 21), 22));
    } else {
      slot = std::make_unique<Problem<Matrix>>(
          make_problem(sparseglm_bench::correlated_gaussian_design(n, p, 0.6, 23), 24));
    }
  }
  return *slot;
}

/// range(0) = n, range(1) = p, range(2) = alpha_max / alpha.
template <bool Sparse, class Datafit>
void Fit(benchmark::State& state) {
  const auto& data = problem<Sparse>(state.range(0), state.range(1));
  constexpr bool logistic = std::is_same_v<Datafit, sparseglm::datafits::Logistic>;
  const Eigen::VectorXd& y = logistic ? data.y_labels : data.y_regression;
  const double alpha =
      sparseglm::alpha_max(data.X, y, Datafit{}, sparseglm::penalties::L1{1.0}) / double(state.range(2));
  sparseglm::SolverOptions options;
  options.tol = tol;
  sparseglm::SolverResult<double> result;
  for (auto _ : state) {
    result = sparseglm::solve(data.X, y, Datafit{}, sparseglm::penalties::L1{alpha}, options);
    benchmark::DoNotOptimize(result.coef.data());
  }
  state.counters["n_iter"] = result.n_iter;
  state.counters["n_epochs"] = result.n_epochs;
  state.counters["nnz_coef"] = double((result.coef.array() != 0).count());
  state.counters["stop_crit"] = double(result.stop_crit);
  state.counters["converged"] = result.converged() ? 1 : 0;
}

void dense_cases(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "p", "amax_over"})->Unit(benchmark::kMillisecond);
  for (const long ratio : {10, 100}) b->Args({200, 2000, ratio})->Args({1000, 10000, ratio});
}
void sparse_cases(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "p", "amax_over"})->Unit(benchmark::kMillisecond);
  for (const long ratio : {10, 100}) b->Args({10000, 20000, ratio});
}

using sparseglm::datafits::Logistic;
using sparseglm::datafits::Quadratic;

BENCHMARK(Fit<false, Quadratic>)->Name("LassoFit/dense")->Apply(dense_cases);
BENCHMARK(Fit<true, Quadratic>)->Name("LassoFit/sparse0.1%")->Apply(sparse_cases);
BENCHMARK(Fit<false, Logistic>)->Name("LogregFit/dense")->Apply(dense_cases);
BENCHMARK(Fit<true, Logistic>)->Name("LogregFit/sparse0.1%")->Apply(sparse_cases);

}  // namespace
