#pragma once
// The side-by-side part of sparseglm-many: the first `sample` problems of the workload fitted by
// scikit-learn's ElasticNet (bench/compare/sklearn_many.py, run by the given Python) and by
// sparseglm::solve, one after the other on one thread each; fit times only (the problems are
// built before the clock starts on both sides).

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "many/workload.hpp"

#ifndef SPARSEGLM_MANY_SKLEARN_SCRIPT
#error "SPARSEGLM_MANY_SKLEARN_SCRIPT must name bench/compare/sklearn_many.py"
#endif

namespace sparseglm_many {

struct Comparison {
  std::string skipped_because;  ///< empty when the comparison ran
  std::uint64_t sample = 0;
  double sparseglm_fit_s = 0;  ///< median single-thread fit time
  double sklearn_fit_s = 0;
  double max_objective_excess = 0;  ///< max_i (P_sparseglm - P_sklearn) / |P_sklearn|
  std::uint64_t sklearn_not_converged = 0;
  std::string sklearn_version;
};

namespace detail {

inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t half = values.size() / 2;
  return values.size() % 2 ? values[half] : (values[half - 1] + values[half]) / 2;
}

/// A file in the temporary directory, removed when this object is destroyed.
class TemporaryFile {
 public:
  TemporaryFile() {
    const char* directory = std::getenv("TMPDIR");
    path_ = std::string(directory && *directory ? directory : "/tmp") + "/sparseglm-many-XXXXXX";
    const int descriptor = mkstemp(path_.data());
    if (descriptor < 0) throw std::runtime_error("cannot create a temporary file in " + path_);
    close(descriptor);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Runs `command` through the shell and returns its standard output; throws when it fails.
inline std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::string output;
  std::array<char, 4096> buffer;
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0)
    output.append(buffer.data(), read);
  if (pclose(pipe.release()) != 0) throw std::runtime_error("failed (see its message above): " + command);
  return output;
}

struct SklearnFits {
  std::string version;
  double median_fit_s = 0;
  std::uint64_t not_converged = 0;
  std::vector<double> objectives;
};

inline SklearnFits parse_sklearn_output(const std::string& output) {
  SklearnFits fits;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    if (key == "sklearn_version") fields >> fits.version;
    if (key == "median_fit_s") fields >> fits.median_fit_s;
    if (key == "not_converged") fields >> fits.not_converged;
    if (key == "objectives")
      for (double value; fields >> value;) fits.objectives.push_back(value);
  }
  return fits;
}

}  // namespace detail

inline Comparison compare_with_sklearn(const Workload& workload, std::uint64_t sample,
                                       const std::string& python) {
  Comparison comparison;
  if (sample == 0) {
    comparison.skipped_because = "--sklearn-sample 0";
    return comparison;
  }
  if (std::system(("'" + python + "' -c 'import sklearn' >/dev/null 2>&1").c_str()) != 0) {
    comparison.skipped_because = "scikit-learn is not installed for " + python;
    return comparison;
  }
  sample = std::min(sample, workload.count);

  detail::TemporaryFile series_file;
  {
    std::ofstream out(series_file.path(), std::ios::binary);
    for (std::uint64_t i = 0; i < sample; ++i) {
      const Eigen::VectorXd s = workload.series(i);
      out.write(reinterpret_cast<const char*>(s.data()), std::streamsize(s.size() * sizeof(double)));
    }
    if (!out) throw std::runtime_error("cannot write " + series_file.path());
  }
  std::ostringstream command;
  command.precision(17);
  command << "'" << python << "' '" << SPARSEGLM_MANY_SKLEARN_SCRIPT << "' --series '" << series_file.path()
          << "' --rows " << workload.rows << " --lags " << workload.lags << " --alpha " << workload.alpha
          << " --l1-ratio " << workload.l1_ratio << " --tol " << workload.tol;
  const detail::SklearnFits sklearn = detail::parse_sklearn_output(detail::run(command.str()));
  if (sklearn.objectives.size() != sample)
    throw std::runtime_error("sklearn_many.py returned " + std::to_string(sklearn.objectives.size()) +
                             " objectives for " + std::to_string(sample) + " problems");

  std::vector<double> times;
  comparison.max_objective_excess = -std::numeric_limits<double>::infinity();
  for (std::uint64_t i = 0; i < sample; ++i) {
    auto problem = workload.problem(i);
    const auto start = std::chrono::steady_clock::now();
    const auto result =
        sparseglm::solve(problem.X, problem.y, problem.datafit, problem.penalty, problem.options);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    const double reference = sklearn.objectives[i];
    comparison.max_objective_excess =
        std::max(comparison.max_objective_excess, (result.objective - reference) / std::abs(reference));
  }
  comparison.sample = sample;
  comparison.sparseglm_fit_s = detail::median(times);
  comparison.sklearn_fit_s = sklearn.median_fit_s;
  comparison.sklearn_not_converged = sklearn.not_converged;
  comparison.sklearn_version = sklearn.version;
  return comparison;
}

}  // namespace sparseglm_many
