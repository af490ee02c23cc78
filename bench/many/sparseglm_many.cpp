// sparseglm-many: the 200,000-forecasts workload. Generates seeded autoregressive ElasticNet
// problems on the fly (bench/many/workload.hpp), fits them with sparseglm::fit_many, and prints one
// JSON line. When scikit-learn is installed, a sample of the same problems is also fitted by
// sklearn's ElasticNet and by sparseglm one after the other on one thread, side by side.
//
//   sparseglm-many [--count N] [--threads T] [--sklearn-sample K] [--rows N] [--lags L]
//                  [--alpha A] [--l1-ratio R] [--tol T] [--seed S] [--python PATH]
//
// Errors: one line on stderr starting with "sparseglm-many: ", exit status 2.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "many/sklearn_sample.hpp"
#include "many/workload.hpp"

namespace {

using sparseglm_many::Workload;

struct Args {
  Workload workload;
  int threads = 0;  // 0: hardware concurrency
  std::uint64_t sklearn_sample = 200;
  std::string python = "/usr/bin/python3";
  bool help = false;
};

constexpr std::string_view usage = R"(Usage: sparseglm-many [options]

Fits --count ElasticNet autoregressive forecasting models (one per simulated station: daily and
weekly cycles, a random-walk level and noise; --lags lagged values as features, --rows samples,
an intercept) with sparseglm::fit_many on --threads threads, and prints one JSON line.
With scikit-learn installed, the first --sklearn-sample problems are also fitted one after the
other by sklearn.linear_model.ElasticNet and by sparseglm, on one thread each, side by side.

Options:
  --count N           problems (default 200000)
  --threads T         worker threads, 0 = all cores (default 0)
  --rows N            samples per problem (default 1000)
  --lags L            lagged values, the features (default 50)
  --alpha A           ElasticNet alpha (default 0.01)
  --l1-ratio R        ElasticNet l1_ratio in (0, 1] (default 0.5)
  --tol T             sparseglm's tolerance, and sklearn's (default 1e-6)
  --seed S            station i's series is seeded by S + i (default 1)
  --sklearn-sample K  problems of the side-by-side comparison, 0 to skip it (default 200)
  --python PATH       the Python that runs bench/compare/sklearn_many.py (default /usr/bin/python3)
  --help, -h          this text

Output fields: count, threads, seconds (wall time of the batch, generating the problems
included), fits_per_second, converged, failed, median_nnz (non-zero lags per model), then the
comparison: sample, sparseglm_fit_s and sklearn_fit_s (median single-thread fit time of one
problem), per_fit_ratio (sklearn / sparseglm), max_objective_excess (the largest
(P_sparseglm - P_sklearn) / P_sklearn over the sample: negative means sparseglm's fits are the
more accurate), sklearn_not_converged, sklearn_version; or sklearn: the reason it was skipped.
)";

[[noreturn]] void fail(const std::string& message) { throw std::runtime_error(message); }

double parse_number(std::string_view flag, const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !std::isfinite(value))
    fail(std::string(flag) + ": not a number: '" + text + "'");
  return value;
}

std::uint64_t parse_count(std::string_view flag, const std::string& text, std::uint64_t minimum) {
  const double value = parse_number(flag, text);
  if (value != std::floor(value) || value < double(minimum) || value > 1e15)
    fail(std::string(flag) + ": must be a whole number >= " + std::to_string(minimum) + ", got '" + text +
         "'");
  return std::uint64_t(value);
}

Args parse_args(int argc, char** argv) {
  Args args;
  for (int k = 1; k < argc; ++k) {
    const std::string_view flag = argv[k];
    if (flag == "--help" || flag == "-h") {
      args.help = true;
      continue;
    }
    if (k + 1 >= argc)
      fail(std::string(flag) + (flag.starts_with("--") ? ": needs a value" : ": unknown argument"));
    const std::string value = argv[++k];
    Workload& w = args.workload;
    if (flag == "--count") {
      w.count = parse_count(flag, value, 1);
    } else if (flag == "--threads") {
      args.threads = int(parse_count(flag, value, 0));
    } else if (flag == "--rows") {
      w.rows = Eigen::Index(parse_count(flag, value, 1));
    } else if (flag == "--lags") {
      w.lags = Eigen::Index(parse_count(flag, value, 1));
    } else if (flag == "--alpha") {
      w.alpha = parse_number(flag, value);
    } else if (flag == "--l1-ratio") {
      w.l1_ratio = parse_number(flag, value);
    } else if (flag == "--tol") {
      w.tol = parse_number(flag, value);
    } else if (flag == "--seed") {
      w.seed = parse_count(flag, value, 0);
    } else if (flag == "--sklearn-sample") {
      args.sklearn_sample = parse_count(flag, value, 0);
    } else if (flag == "--python") {
      args.python = value;
    } else {
      fail("unknown argument '" + std::string(flag) + "' (see --help)");
    }
  }
  // Parameters the library checks itself (alpha, l1_ratio, tol) are checked here once, up front,
  // rather than reported by every one of the fits.
  args.workload.problem(0);
  args.workload.options().validate();
  return args;
}

struct BatchFigures {
  double seconds = 0;
  std::uint64_t converged = 0;
  std::uint64_t failed = 0;
  double median_nnz = 0;
  std::string first_error;
};

/// The median of a histogram of non-negative integers.
double histogram_median(const std::vector<std::uint64_t>& histogram, std::uint64_t total) {
  std::uint64_t seen = 0;
  for (std::size_t value = 0; value < histogram.size(); ++value) {
    seen += histogram[value];
    if (2 * seen >= total) return double(value);
  }
  return 0;
}

BatchFigures run_batch(const Workload& workload, int threads) {
  // Memory stays bounded whatever --count: only a histogram of the non-zero counts is kept.
  std::vector<std::uint64_t> nnz_histogram(std::size_t(workload.lags) + 1, 0);
  BatchFigures figures;
  const auto start = std::chrono::steady_clock::now();
  sparseglm::fit_many(
      workload.count, [&](std::size_t i) { return workload.problem(i); },
      [&](const sparseglm::BatchItem<double>& item) {
        if (!item.ok()) {
          if (figures.failed++ == 0)
            figures.first_error = "problem " + std::to_string(item.index) + ": " + item.error;
          return true;
        }
        figures.converged += item.result->converged();
        ++nnz_histogram[std::size_t((item.result->coef.array() != 0).count())];
        return true;
      },
      sparseglm::BatchOptions{.n_threads = threads});
  figures.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  figures.median_nnz = histogram_median(nnz_histogram, workload.count - figures.failed);
  return figures;
}

void print_json(const Args& args, int threads, const BatchFigures& batch,
                const sparseglm_many::Comparison& comparison) {
  const Workload& w = args.workload;
  std::printf(
      "{\"count\": %llu, \"threads\": %d, \"rows\": %lld, \"lags\": %lld, \"alpha\": %g, \"l1_ratio\": %g, "
      "\"tol\": %g, \"seconds\": %.3f, \"fits_per_second\": %.1f, \"converged\": %llu, \"failed\": %llu, "
      "\"median_nnz\": %g",
      (unsigned long long)w.count, threads, (long long)w.rows, (long long)w.lags, w.alpha, w.l1_ratio, w.tol,
      batch.seconds, double(w.count) / batch.seconds, (unsigned long long)batch.converged,
      (unsigned long long)batch.failed, batch.median_nnz);
  if (!batch.first_error.empty()) std::printf(", \"first_error\": \"%s\"", batch.first_error.c_str());
  if (comparison.skipped_because.empty()) {
    std::printf(
        ", \"sample\": %llu, \"sparseglm_fit_s\": %.6f, \"sklearn_fit_s\": %.6f, \"per_fit_ratio\": %.1f, "
        "\"max_objective_excess\": %.3g, \"sklearn_not_converged\": %llu, \"sklearn_version\": \"%s\"",
        (unsigned long long)comparison.sample, comparison.sparseglm_fit_s, comparison.sklearn_fit_s,
        comparison.sklearn_fit_s / comparison.sparseglm_fit_s, comparison.max_objective_excess,
        (unsigned long long)comparison.sklearn_not_converged, comparison.sklearn_version.c_str());
  } else {
    std::printf(", \"sklearn\": \"skipped: %s\"", comparison.skipped_because.c_str());
  }
  std::printf("}\n");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args args = parse_args(argc, argv);
    if (args.help) {
      std::cout << usage;
      return 0;
    }
    const int threads =
        args.threads > 0 ? args.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    const BatchFigures batch = run_batch(args.workload, threads);
    const auto comparison =
        sparseglm_many::compare_with_sklearn(args.workload, args.sklearn_sample, args.python);
    print_json(args, threads, batch, comparison);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "sparseglm-many: " << e.what() << '\n';
    return 2;
  }
}
