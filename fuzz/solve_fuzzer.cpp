// libFuzzer target: sparseglm::solve on tiny problems decoded from the bytes.
// Shapes (n, p in 1..8), storage (dense / CSC), scalar (double / float), datafit (Quadratic /
// Logistic), penalty (L1 / WeightedL1 / ElasticNet), intercept, alpha (relative to alpha_max
// or raw), tol, budgets, a warm start, and every value of X, y and the weights come from the
// fuzzer. Values are mostly small multiples of 1/4 (so that labels, zeros, duplicates and
// constant columns are common) and sometimes any 64-bit pattern (NaN, Inf, huge, subnormal).
// The fit must throw sparseglm::invalid_argument or return a finite result whose status agrees
// with its criterion. Anything else (another exception, a crash, a sanitizer report) is a finding.

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "sparseglm/sparseglm.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

double value(FuzzedDataProvider& bytes) {
  if (bytes.ConsumeIntegralInRange<int>(0, 15) == 0) return bytes.ConsumeFloatingPoint<double>();
  return 0.25 * bytes.ConsumeIntegralInRange<int>(-8, 8);
}

struct Problem {
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
  Eigen::VectorXd weights;
  Eigen::VectorXd warm_start;
  bool logistic = false;
  int penalty = 0;  // 0 L1, 1 WeightedL1, 2 ElasticNet
  double alpha = 0;
  bool alpha_relative = true;
  double l1_ratio = 1;
  bool sparse = false;
  bool single = false;
  bool warm = false;
  sparseglm::SolverOptions options;
};

Problem decode(FuzzedDataProvider& bytes) {
  Problem problem;
  const int n = bytes.ConsumeIntegralInRange<int>(1, 8), p = bytes.ConsumeIntegralInRange<int>(1, 8);
  problem.logistic = bytes.ConsumeBool();
  problem.penalty = bytes.ConsumeIntegralInRange<int>(0, 2);
  problem.sparse = bytes.ConsumeBool();
  problem.single = bytes.ConsumeBool();
  problem.warm = bytes.ConsumeBool();
  problem.options.fit_intercept = bytes.ConsumeBool();
  problem.alpha_relative = bytes.ConsumeIntegralInRange<int>(0, 7) != 0;
  problem.alpha =
      problem.alpha_relative ? std::ldexp(1.0, -bytes.ConsumeIntegralInRange<int>(-1, 40)) : value(bytes);
  problem.l1_ratio = bytes.ConsumeIntegralInRange<int>(0, 15) == 0
                         ? value(bytes)
                         : bytes.ConsumeIntegralInRange<int>(1, 4) / 4.0;
  problem.options.tol = bytes.ConsumeIntegralInRange<int>(0, 31) == 0
                            ? value(bytes)
                            : std::ldexp(1.0, -bytes.ConsumeIntegralInRange<int>(0, 50));
  problem.options.max_iter = bytes.ConsumeIntegralInRange<int>(0, 30);
  problem.options.max_epochs = bytes.ConsumeIntegralInRange<int>(0, 3000);
  problem.options.p0 = bytes.ConsumeIntegralInRange<int>(0, 10);
  problem.options.anderson_memory = bytes.ConsumeIntegralInRange<int>(0, 6);
  problem.X.resize(n, p);
  for (int j = 0; j < p; ++j)
    for (int i = 0; i < n; ++i) problem.X(i, j) = value(bytes);
  problem.y.resize(n);
  for (int i = 0; i < n; ++i) problem.y[i] = value(bytes);
  problem.weights.resize(p);
  for (int j = 0; j < p; ++j) problem.weights[j] = std::abs(value(bytes));
  problem.warm_start.resize(p);
  for (int j = 0; j < p; ++j) problem.warm_start[j] = problem.warm ? value(bytes) : 0.0;
  return problem;
}

template <class Scalar>
void check(const sparseglm::SolverResult<Scalar>& result, const sparseglm::SolverOptions& options,
           Eigen::Index p) {
  require(result.coef.size() == p);
  require(result.coef.allFinite());
  require(std::isfinite(result.intercept));
  require(std::isfinite(result.objective));
  require(std::isfinite(result.stop_crit) && result.stop_crit >= 0);
  require(result.converged() == (double(result.stop_crit) <= options.tol));
  require(result.n_iter >= 1 && result.n_iter <= options.max_iter);
  if (!options.fit_intercept) require(result.intercept == 0);
}

template <class XType, class DatafitType, class PenaltyType>
void fit(const XType& X, const Problem& problem, const DatafitType& datafit, const PenaltyType& penalty) {
  const auto result = problem.warm ? sparseglm::solve(X, problem.y, datafit, penalty, problem.options,
                                                      problem.warm_start, 0.5)
                                   : sparseglm::solve(X, problem.y, datafit, penalty, problem.options);
  check(result, problem.options, problem.X.cols());
}

template <class XType, class DatafitType>
void fit_penalties(const XType& X, const Problem& problem, const DatafitType& datafit) {
  double alpha = problem.alpha;
  if (problem.alpha_relative) {
    const double alpha_max = sparseglm::alpha_max(X, problem.y, datafit, sparseglm::penalties::L1(1),
                                                  problem.options.fit_intercept);
    require(std::isfinite(alpha_max) && alpha_max >= 0);
    alpha *= alpha_max;
  }
  switch (problem.penalty) {
    case 0:
      return fit(X, problem, datafit, sparseglm::penalties::L1(alpha));
    case 1:
      return fit(X, problem, datafit, sparseglm::penalties::WeightedL1(alpha, problem.weights));
    default:
      return fit(X, problem, datafit, sparseglm::penalties::ElasticNet(alpha, problem.l1_ratio));
  }
}

template <class XType>
void fit_datafit(const XType& X, const Problem& problem) {
  if (problem.logistic)
    fit_penalties(X, problem, sparseglm::datafits::Logistic{});
  else
    fit_penalties(X, problem, sparseglm::datafits::Quadratic{});
}

template <class Scalar>
void fit_storage(const Problem& problem) {
  const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> X = problem.X.cast<Scalar>();
  if (problem.sparse)
    fit_datafit(Eigen::SparseMatrix<Scalar>(X.sparseView()), problem);
  else
    fit_datafit(X, problem);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider bytes(data, size);
  const Problem problem = decode(bytes);
  try {
    if (problem.single)
      fit_storage<float>(problem);
    else
      fit_storage<double>(problem);
  } catch (const sparseglm::invalid_argument&) {
  }
  return 0;
}
