// sparseglm-bench: times sparseglm fits, like liblinear's `train` for benchmarking.
//
//   sparseglm-bench                       the built-in problem set, as a table
//   sparseglm-bench --data FILE [...]     one fit on an svmlight file, as one JSON line
//   sparseglm-bench --npy DIR [...]       the same on .npy arrays (dense or CSC)
//   ... --path N / --time-xtv             a warm-started path / the time of one X^T v
//
// See `sparseglm-bench --help`. Every error is one line on stderr starting with
// "sparseglm-bench: " and exit status 2.

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/fit.hpp"
#include "cli/load.hpp"
#include "cli/problems.hpp"
#include "cli/report.hpp"
#include "sparseglm/core/design.hpp"
#include "sparseglm/core/error.hpp"
#include "sparseglm/core/fit_design.hpp"

namespace {

using namespace sparseglm_bench;

constexpr int default_suite_repeat = 3;

/// Fits one generated problem, in double or (--float) in single precision.
FitReport fit_generated(const GeneratedProblem& problem, const FitSettings& settings, bool single_precision) {
  if (single_precision) {
    const Eigen::VectorXf y = problem.y.cast<float>();
    if (problem.is_sparse) return fit(SparseXf(problem.sparse.cast<float>()), y, settings);
    return fit(Eigen::MatrixXf(problem.dense.cast<float>()), y, settings);
  }
  if (problem.is_sparse) return fit(problem.sparse, problem.y, settings);
  return fit(problem.dense, problem.y, settings);
}

/// The solvers the default problem set runs on a model: --solver all gives every solver that
/// applies, one row each; prox-newton applies to logreg only (the others keep their default).
std::vector<sparseglm::Solver> solvers_for(const Args& args, Model model) {
  const bool second_order = model == Model::logreg;
  if (args.all_solvers) {
    if (second_order) return {sparseglm::Solver::anderson_cd, sparseglm::Solver::prox_newton};
    return {sparseglm::Solver::anderson_cd};
  }
  if (args.fit.solver == sparseglm::Solver::prox_newton && !second_order)
    return {sparseglm::Solver::automatic};
  return {args.fit.solver};
}

/// Fits the problem set of problems.hpp at each alpha ratio and prints the table.
void run_default_problem_set(const Args& args) {
  const int repeat = args.repeat.value_or(default_suite_repeat);
  std::cout
      << "sparseglm-bench: default problem set (" << (args.single_precision ? "float" : "double")
      << "; dense designs: Gaussian, AR(1) column correlation 0.6; sparse designs: Gaussian entries; tol "
      << default_tol << "; intercept fitted)\n";
  print_table_header(std::cout, repeat);
  for (const ProblemSpec& spec : default_problem_set()) {
    const GeneratedProblem problem = generate(spec);
    for (const double ratio : default_alpha_ratios()) {
      for (const sparseglm::Solver solver : solvers_for(args, spec.model)) {
        FitSettings settings;
        settings.model = spec.model;
        settings.alpha_ratio = ratio;
        settings.l1_ratio = spec.l1_ratio;
        settings.tol = default_tol;
        settings.repeat = repeat;
        settings.solver = solver;
        const FitReport report = fit_generated(problem, settings, args.single_precision);
        print_table_row(std::cout, spec.name, long(spec.n), long(spec.p), ratio, report);
      }
    }
  }
}

/// Converts the loaded data as asked (--float, --dense) and hands it to `run(X, y)`.
template <class Run>
auto with_converted_data(const Args& args, const Dataset& dataset, Run&& run) {
  const auto& y = dataset.y;
  const bool dense = dataset.is_dense || args.dense;
  if (args.single_precision) {
    const Eigen::VectorXf y_float = y.cast<float>();
    if (dataset.is_dense) return run(Eigen::MatrixXf(dataset.dense_X.cast<float>()), y_float);
    const SparseXf X_float = dataset.X.cast<float>();
    if (dense) return run(Eigen::MatrixXf(X_float), y_float);
    return run(X_float, y_float);
  }
  if (dataset.is_dense) return run(dataset.dense_X, y);
  if (dense) return run(Eigen::MatrixXd(dataset.X), y);
  return run(dataset.X, y);
}

void run_file(const Args& args) {
  const std::string source = args.data ? *args.data : *args.npy;
  const Dataset dataset = args.data ? load_svmlight_file(*args.data) : load_npy_problem(*args.npy);
  ProblemInfo info;
  info.model = model_name(args.fit.model);
  info.n = dataset_rows(dataset);
  info.p = dataset_cols(dataset);
  info.nnz = dataset_nnz(dataset);
  info.tol = args.fit.tol;
  info.scalar = args.single_precision ? "float" : "double";
  // The storage the fit runs on: a sparse X at least half full is fitted on a dense copy.
  const bool copied = !dataset.is_dense && args.fit.dense_copy &&
                      sparseglm::detail::dense_copy_pays(sparseglm::make_design(dataset.X));
  info.storage = dataset.is_dense || args.dense || copied ? "dense" : "sparse";
  info.file = source;
  info.load_seconds = dataset.load_seconds;
  info.repeat = args.fit.repeat;
  if (args.action == Action::time_xtv) {
    const double seconds = with_converted_data(args, dataset, [&](const auto& X, const auto& y) {
      return time_transpose_product(X, y, args.fit.n_threads, args.fit.dense_copy);
    });
    std::cout << transpose_product_json(info, seconds) << std::endl;
    return;
  }
  FitReport report;
  try {
    report =
        with_converted_data(args, dataset, [&](const auto& X, const auto& y) { return fit(X, y, args.fit); });
  } catch (const sparseglm::invalid_argument& error) {
    throw Error(source + ": --model " + std::string(model_name(args.fit.model)) + ": " + error.what());
  }
  if (args.coef_out) write_coefficients(*args.coef_out, report);
  std::cout << fit_json(info, report) << std::endl;
}

int fail(const std::string& message) {
  std::cerr << "sparseglm-bench: " << message << std::endl;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args args = parse_args(argc, argv);
    if (args.help) {
      std::cout << usage();
      return 0;
    }
    if (args.version) {
      std::cout << build_description() << '\n';
      return 0;
    }
    if (args.data || args.npy) {
      run_file(args);
    } else {
      run_default_problem_set(args);
    }
    return 0;
  } catch (const sparseglm::invalid_argument& error) {
    return fail(error.what());
  } catch (const std::bad_alloc&) {
    return fail("out of memory");
  } catch (const std::exception& error) {
    return fail(error.what());
  } catch (...) {
    return fail("unknown error");
  }
}
