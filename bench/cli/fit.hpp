#pragma once
// Timed fits: one model on one design (one alpha or a path), fitted `warmup` + `repeat` times
// from scratch; and the timed product X^T v.

#include <string>
#include <vector>

#include "cli/args.hpp"
#include "sparseglm/core/types.hpp"

namespace sparseglm_bench {

/// The outcome of the last of the timed fits (they are identical but for the time). For a path
/// (settings.path_alphas > 0): alpha, objective, stop_crit, dual_gap and intercept are the last
/// alpha's, n_iter and n_epochs the sums over the path, converged whether every alpha converged.
struct FitReport {
  int n_alphas = 1;
  double alpha = 0;
  double alpha_max = 0;
  std::vector<double> seconds;  ///< each fit's wall time
  double median_seconds = 0;
  std::vector<double> cpu_seconds;  ///< each fit's process CPU time (std::clock)
  double median_cpu_seconds = 0;    ///< robust to other processes sharing the machine
  double first_seconds = 0;         ///< wall time of the process's first fit (a warm-up, if any)
  double objective = 0;
  double stop_crit = 0;
  double dual_gap = 0;  ///< duality gap P(w, b) - D(theta) at the solution (not timed)
  double intercept = 0;
  int n_iter = 0;
  int n_epochs = 0;
  long nnz_coef = 0;
  bool converged = false;
  std::string status;
  std::string solver;              ///< "cd" or "prox-newton": the algorithm that ran
  std::vector<double> coef;        ///< p coefficients per alpha, alpha after alpha
  std::vector<double> intercepts;  ///< one per alpha
  bool single_precision = false;   ///< coef holds floats (exactly, widened to double)
};

using SparseX = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;
using SparseXf = Eigen::SparseMatrix<float, Eigen::ColMajor, int>;

// alpha_max is computed first (not timed); then sparseglm::solve (or sparseglm::path) runs
// settings.warmup times untimed and settings.repeat times timed with std::chrono::steady_clock.
// Bad input throws sparseglm::invalid_argument.
FitReport fit(const SparseX& X, const Eigen::VectorXd& y, const FitSettings& settings);
FitReport fit(const SparseXf& X, const Eigen::VectorXf& y, const FitSettings& settings);
FitReport fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const FitSettings& settings);
FitReport fit(const Eigen::MatrixXf& X, const Eigen::VectorXf& y, const FitSettings& settings);

/// The median wall time of one product X^T v (v = y) on n_threads threads, in the storage that a fit
/// with dense_copy runs on (SolverOptions::dense_copy): the first product is not timed, then as many
/// as last min_seconds (at least 5).
template <class XType, class Scalar>
double time_transpose_product(const XType& X, const sparseglm::Vector<Scalar>& y, int n_threads = 1,
                              bool dense_copy = true, double min_seconds = 0.2);

/// The median of a non-empty list (the mean of the two middle values for an even count).
double median(std::vector<double> values);

}  // namespace sparseglm_bench
