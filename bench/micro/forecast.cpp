// Microbenchmarks of one fit of the sparseglm-many workload (bench/many/workload.hpp: an
// ElasticNet AR(50) model, n = 1000, the p = 50 lags solved on their Gram matrix), split into its
// parts: generating the problem, the centred Gram product that dominates the solve, and the whole
// solve. Counter minor_faults: page faults per iteration of the calling thread, which must stay 0
// (a buffer above the allocator's mmap threshold would fault on every fit).

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <numeric>
#include <vector>

#include "many/workload.hpp"

namespace {

long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

/// Runs `body` per iteration and reports its page faults per iteration.
template <class Body>
void with_fault_counter(benchmark::State& state, Body&& body) {
  body();  // allocations that persist are made once, before counting
  const long before = minor_faults();
  for (auto _ : state) body();
  state.counters["minor_faults"] =
      benchmark::Counter(double(minor_faults() - before), benchmark::Counter::kAvgIterations);
}

const sparseglm_many::Workload workload;

void ForecastGenerate(benchmark::State& state) {
  std::uint64_t i = 0;
  with_fault_counter(state, [&] { benchmark::DoNotOptimize(workload.problem(i++).X.data()); });
}

void ForecastGramProduct(benchmark::State& state) {
  const auto problem = workload.problem(0);
  const sparseglm::DenseDesign<double> design(problem.X);
  std::vector<Eigen::Index> columns(std::size_t(design.cols()));
  std::iota(columns.begin(), columns.end(), Eigen::Index(0));
  const Eigen::VectorXd means = problem.X.colwise().mean().transpose();
  Eigen::MatrixXd gram;
  with_fault_counter(state, [&] {
    design.centered_cross_gram(columns, means, columns, means, gram);
    benchmark::DoNotOptimize(gram.data());
  });
}

void ForecastSolve(benchmark::State& state) {
  const auto problem = workload.problem(0);
  sparseglm::SolverResult<double> result;
  with_fault_counter(state, [&] {
    result = sparseglm::solve(problem.X, problem.y, problem.datafit, problem.penalty, problem.options);
    benchmark::DoNotOptimize(result.coef.data());
  });
  state.counters["n_iter"] = result.n_iter;
  state.counters["n_epochs"] = result.n_epochs;
  state.counters["converged"] = result.converged() ? 1 : 0;
}

}  // namespace

BENCHMARK(ForecastGenerate)->Name("Forecast/generate")->Unit(benchmark::kMicrosecond);
BENCHMARK(ForecastGramProduct)->Name("Forecast/gram_product")->Unit(benchmark::kMicrosecond);
BENCHMARK(ForecastSolve)->Name("Forecast/solve")->Unit(benchmark::kMicrosecond);
