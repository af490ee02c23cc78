#include "cli/fit.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sparseglm/core/design.hpp"
#include "sparseglm/core/fit_design.hpp"
#include "sparseglm/datafits/logistic.hpp"
#include "sparseglm/datafits/quadratic.hpp"
#include "sparseglm/duality_gap.hpp"
#include "sparseglm/path.hpp"
#include "sparseglm/penalties/elastic_net.hpp"
#include "sparseglm/penalties/l1.hpp"
#include "sparseglm/solvers/solve.hpp"

namespace sparseglm_bench {
namespace {

sparseglm::SolverOptions solver_options(const FitSettings& settings) {
  sparseglm::SolverOptions options;
  options.tol = settings.tol;
  options.max_iter = settings.max_iter;
  options.max_epochs = settings.max_epochs;
  options.fit_intercept = settings.fit_intercept;
  options.verbosity = settings.verbosity;
  options.gram = settings.gram;
  options.solver = settings.solver;
  options.n_threads = settings.n_threads;
  options.dense_copy = settings.dense_copy;
  options.log = &std::cerr;
  return options;
}

/// Runs `fit_once` settings.warmup times untimed, then settings.repeat times timed; returns the
/// last result.
template <class FitOnce>
auto timed_runs(const FitSettings& settings, FitReport& report, FitOnce&& fit_once) {
  const auto wall_seconds_since = [](std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (int k = 0; k < settings.warmup; ++k) {
    const auto start = std::chrono::steady_clock::now();
    fit_once();
    if (k == 0) report.first_seconds = wall_seconds_since(start);
  }
  decltype(fit_once()) result;
  for (int k = 0; k < settings.repeat; ++k) {
    const std::clock_t cpu_start = std::clock();
    const auto start = std::chrono::steady_clock::now();
    result = fit_once();
    const double seconds = wall_seconds_since(start);
    const std::clock_t cpu_stop = std::clock();
    if (k == 0 && settings.warmup == 0) report.first_seconds = seconds;
    report.seconds.push_back(seconds);
    report.cpu_seconds.push_back(double(cpu_stop - cpu_start) / CLOCKS_PER_SEC);
  }
  report.median_seconds = median(report.seconds);
  report.median_cpu_seconds = median(report.cpu_seconds);
  return result;
}

template <class Scalar>
long count_nonzero(const sparseglm::Vector<Scalar>& coef) {
  return long((coef.array() != Scalar(0)).count());
}

/// The algorithm sparseglm::solve runs: "prox-newton" or "cd" (options.hpp, Solver).
template <class Scalar, class Datafit>
std::string solver_name(const Datafit& datafit, const FitSettings& settings) {
  constexpr bool second_order = requires(sparseglm::Vector<Scalar> v) { datafit.raw_hessian(v, v, v); };
  const bool prox_newton = settings.solver == sparseglm::Solver::prox_newton ||
                           (second_order && settings.solver == sparseglm::Solver::automatic);
  return prox_newton ? "prox-newton" : "cd";
}

template <class XType, class Scalar, class Datafit, class Penalty>
FitReport timed_fits(const XType& X, const sparseglm::Vector<Scalar>& y, const Datafit& datafit,
                     const Penalty& unit_penalty, const FitSettings& settings) {
  FitReport report;
  report.alpha_max = sparseglm::alpha_max(X, y, datafit, unit_penalty, settings.fit_intercept);
  report.alpha = settings.alpha ? *settings.alpha : settings.alpha_ratio * report.alpha_max;
  const Penalty penalty = unit_penalty.with_alpha(report.alpha);
  const sparseglm::SolverOptions options = solver_options(settings);
  const auto result =
      timed_runs(settings, report, [&] { return sparseglm::solve(X, y, datafit, penalty, options); });

  report.objective = double(result.objective);
  report.stop_crit = double(result.stop_crit);
  report.dual_gap = sparseglm::duality_gap(X, y, datafit, penalty, result.coef, double(result.intercept),
                                           settings.fit_intercept)
                        .gap;
  report.intercept = double(result.intercept);
  report.intercepts = {report.intercept};
  report.n_iter = result.n_iter;
  report.n_epochs = result.n_epochs;
  report.nnz_coef = count_nonzero(result.coef);
  report.converged = result.converged();
  report.status = std::string(sparseglm::to_string(result.status));
  report.coef.assign(result.coef.data(), result.coef.data() + result.coef.size());
  report.single_precision = std::is_same_v<Scalar, float>;
  report.solver = solver_name<Scalar>(datafit, settings);
  return report;
}

template <class XType, class Scalar, class Datafit, class Penalty>
FitReport timed_paths(const XType& X, const sparseglm::Vector<Scalar>& y, const Datafit& datafit,
                      const Penalty& unit_penalty, const FitSettings& settings) {
  FitReport report;
  report.n_alphas = settings.path_alphas;
  report.alpha_max = sparseglm::alpha_max(X, y, datafit, unit_penalty, settings.fit_intercept);
  const Eigen::VectorXd alphas =
      sparseglm::alpha_grid(report.alpha_max, settings.path_alphas, settings.alpha_ratio);
  report.alpha = alphas[alphas.size() - 1];
  const sparseglm::SolverOptions options = solver_options(settings);
  const auto result = timed_runs(
      settings, report, [&] { return sparseglm::path(X, y, datafit, unit_penalty, alphas, options); });

  const Eigen::Index last = alphas.size() - 1;
  const sparseglm::Vector<Scalar> last_coef = result.coefs.col(last);
  report.objective = double(result.objectives[last]);
  report.stop_crit = double(result.stop_crits[last]);
  report.intercept = double(result.intercepts[last]);
  report.dual_gap = sparseglm::duality_gap(X, y, datafit, unit_penalty.with_alpha(report.alpha), last_coef,
                                           report.intercept, settings.fit_intercept)
                        .gap;
  for (Eigen::Index k = 0; k <= last; ++k) {
    report.n_iter += result.n_iter[std::size_t(k)];
    report.n_epochs += result.n_epochs[std::size_t(k)];
    report.intercepts.push_back(double(result.intercepts[k]));
  }
  report.nnz_coef = count_nonzero(last_coef);
  report.converged = result.all_converged();
  report.status = report.converged ? "converged" : "not converged at some alpha";
  report.coef.assign(result.coefs.data(), result.coefs.data() + result.coefs.size());
  report.single_precision = std::is_same_v<Scalar, float>;
  report.solver = solver_name<Scalar>(datafit, settings);
  return report;
}

template <class XType, class Scalar, class Datafit, class Penalty>
FitReport timed(const XType& X, const sparseglm::Vector<Scalar>& y, const Datafit& datafit,
                const Penalty& unit_penalty, const FitSettings& settings) {
  if (settings.path_alphas > 0) return timed_paths(X, y, datafit, unit_penalty, settings);
  return timed_fits(X, y, datafit, unit_penalty, settings);
}

template <class XType, class Scalar>
FitReport fit_model(const XType& X, const sparseglm::Vector<Scalar>& y, const FitSettings& settings) {
  switch (settings.model) {
    case Model::lasso:
      return timed(X, y, sparseglm::datafits::Quadratic{}, sparseglm::penalties::L1{1.0}, settings);
    case Model::enet:
      return timed(X, y, sparseglm::datafits::Quadratic{},
                   sparseglm::penalties::ElasticNet{1.0, settings.l1_ratio}, settings);
    case Model::logreg:
      return timed(X, y, sparseglm::datafits::Logistic{}, sparseglm::penalties::L1{1.0}, settings);
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

template <class XType, class Scalar>
double time_transpose_product(const XType& X, const sparseglm::Vector<Scalar>& y, int n_threads,
                              bool dense_copy, double min_seconds) {
  return sparseglm::detail::with_fit_design(X, dense_copy, [&](const auto& design) {
    sparseglm::Vector<Scalar> out(X.cols());
    design.transpose_times(y, out, n_threads);
    std::vector<double> seconds;
    double total = 0;
    while (seconds.size() < 5 || total < min_seconds) {
      const auto start = std::chrono::steady_clock::now();
      design.transpose_times(y, out, n_threads);
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      total += seconds.back();
    }
    return median(std::move(seconds));
  });
}

template double time_transpose_product(const SparseX&, const Eigen::VectorXd&, int, bool, double);
template double time_transpose_product(const SparseXf&, const Eigen::VectorXf&, int, bool, double);
template double time_transpose_product(const Eigen::MatrixXd&, const Eigen::VectorXd&, int, bool, double);
template double time_transpose_product(const Eigen::MatrixXf&, const Eigen::VectorXf&, int, bool, double);

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
