#pragma once
// The default problem set of sparseglm-bench: seeded synthetic problems, no files.

#include <cstdint>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "sparseglm/core/types.hpp"

namespace sparseglm_bench {

struct ProblemSpec {
  std::string name;
  Model model;
  Eigen::Index n;
  Eigen::Index p;
  double density;  ///< 0: dense correlated Gaussian design; else the fraction of stored entries
  std::uint64_t seed;
  Eigen::Index support;   ///< non-zeros of the true coefficients
  double l1_ratio = 0.5;  ///< ElasticNet only
};

/// X is dense (`dense`) or sparse (`sparse`), as the spec's density says.
struct GeneratedProblem {
  Eigen::MatrixXd dense;
  Eigen::SparseMatrix<double, Eigen::ColMajor, int> sparse;
  bool is_sparse = false;
  Eigen::VectorXd y;
};

/// The problems run without --data, in order.
std::vector<ProblemSpec> default_problem_set();

/// The alpha ratios each problem is fitted at (alpha = ratio * alpha_max).
std::vector<double> default_alpha_ratios();

/// The tolerance of the default problem set.
inline constexpr double default_tol = 1e-6;

/// Dense X: Gaussian with AR(1) (Toeplitz) correlation 0.6 across columns. Sparse X:
/// independent Gaussian entries at the given density. y: a sparse linear model plus noise
/// (SNR 3) for Lasso and ElasticNet, labels drawn from a logistic model for logreg.
GeneratedProblem generate(const ProblemSpec& spec);

}  // namespace sparseglm_bench
