#include "cli/fit.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>
#include <string>
#include <type_traits>

#include "sparseglm/datafits/logistic.hpp"
#include "sparseglm/datafits/quadratic.hpp"
#include "sparseglm/duality_gap.hpp"
#include "sparseglm/path.hpp"
#include "sparseglm/penalties/elastic_net.hpp"
#include "sparseglm/penalties/l1.hpp"
#include "sparseglm/solvers/solve.hpp"

namespace sparseglm_bench {
namespace {

template <class XType, class Scalar, class Datafit, class Penalty>
FitReport timed_fits(const XType& X, const sparseglm::Vector<Scalar>& y, const Datafit& datafit,
                     const Penalty& unit_penalty, const FitSettings& settings) {
  FitReport report;
  report.alpha_max = sparseglm::alpha_max(X, y, datafit, unit_penalty, settings.fit_intercept);
  report.alpha = settings.alpha ? *settings.alpha : settings.alpha_ratio * report.alpha_max;
  const Penalty penalty = unit_penalty.with_alpha(report.alpha);

  sparseglm::SolverOptions options;
  options.tol = settings.tol;
  options.max_iter = settings.max_iter;
  options.max_epochs = settings.max_epochs;
  options.fit_intercept = settings.fit_intercept;
  options.verbosity = settings.verbosity;
  options.gram = settings.gram;
  options.log = &std::cerr;

  sparseglm::SolverResult<Scalar> result;
  for (int k = 0; k < settings.repeat; ++k) {
    const std::clock_t cpu_start = std::clock();
    const auto start = std::chrono::steady_clock::now();
    result = sparseglm::solve(X, y, datafit, penalty, options);
    const auto stop = std::chrono::steady_clock::now();
    const std::clock_t cpu_stop = std::clock();
    report.seconds.push_back(std::chrono::duration<double>(stop - start).count());
    report.cpu_seconds.push_back(double(cpu_stop - cpu_start) / CLOCKS_PER_SEC);
  }
  report.median_seconds = median(report.seconds);
  report.median_cpu_seconds = median(report.cpu_seconds);
  report.objective = double(result.objective);
  report.stop_crit = double(result.stop_crit);
  report.dual_gap = sparseglm::duality_gap(X, y, datafit, penalty, result.coef, double(result.intercept),
                                           settings.fit_intercept)
                        .gap;
  report.intercept = double(result.intercept);
  report.n_iter = result.n_iter;
  report.n_epochs = result.n_epochs;
  report.nnz_coef = long((result.coef.array() != Scalar(0)).count());
  report.converged = result.converged();
  report.status = std::string(sparseglm::to_string(result.status));
  report.coef.assign(result.coef.data(), result.coef.data() + result.coef.size());
  report.single_precision = std::is_same_v<Scalar, float>;
  return report;
}

template <class XType, class Scalar>
FitReport fit_model(const XType& X, const sparseglm::Vector<Scalar>& y, const FitSettings& settings) {
  switch (settings.model) {
    case Model::lasso:
      return timed_fits(X, y, sparseglm::datafits::Quadratic{}, sparseglm::penalties::L1{1.0}, settings);
    case Model::enet:
      return timed_fits(X, y, sparseglm::datafits::Quadratic{},
                        sparseglm::penalties::ElasticNet{1.0, settings.l1_ratio}, settings);
    case Model::logreg:
      return timed_fits(X, y, sparseglm::datafits::Logistic{}, sparseglm::penalties::L1{1.0}, settings);
  }
  throw Error("unknown model");
}

}  // namespace

double median(std::vector<double> values) {
  const std::size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(middle), values.end());
  if (values.size() % 2 == 1) return values[middle];
  const double upper = values[middle];
  const double lower = *std::max_element(values.begin(), values.begin() + std::ptrdiff_t(middle));
  return (lower + upper) / 2;
}

FitReport fit(const SparseX& X, const Eigen::VectorXd& y, const FitSettings& settings) {
  return fit_model(X, y, settings);
}
FitReport fit(const SparseXf& X, const Eigen::VectorXf& y, const FitSettings& settings) {
  return fit_model(X, y, settings);
}
FitReport fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const FitSettings& settings) {
  return fit_model(X, y, settings);
}
FitReport fit(const Eigen::MatrixXf& X, const Eigen::VectorXf& y, const FitSettings& settings) {
  return fit_model(X, y, settings);
}

}  // namespace sparseglm_bench
