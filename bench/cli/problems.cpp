#include "cli/problems.hpp"

#include "cli/generate.hpp"

namespace sparseglm_bench {

std::vector<ProblemSpec> default_problem_set() {
  return {
      {"lasso", Model::lasso, 500, 5000, 0.0, 1, 20},
      {"lasso", Model::lasso, 5000, 500, 0.0, 2, 20},
      {"enet(l1_ratio=0.5)", Model::enet, 500, 5000, 0.0, 3, 20, 0.5},
      {"logreg", Model::logreg, 500, 5000, 0.0, 4, 20},
      {"lasso sparse 0.1%", Model::lasso, 10000, 20000, 0.001, 5, 500},
      {"logreg sparse 0.1%", Model::logreg, 10000, 20000, 0.001, 6, 500},
  };
}

std::vector<double> default_alpha_ratios() { return {0.1, 0.01}; }

GeneratedProblem generate(const ProblemSpec& spec) {
  constexpr double correlation = 0.6;
  constexpr double signal_to_noise = 3.0;
  constexpr double logistic_score_std = 3.0;
  GeneratedProblem problem;
  problem.is_sparse = spec.density > 0;
  if (problem.is_sparse) {
    problem.sparse = sparse_gaussian_design(spec.n, spec.p, spec.density, spec.seed);
  } else {
    problem.dense = correlated_gaussian_design(spec.n, spec.p, correlation, spec.seed);
  }
  const Eigen::VectorXd w = sparse_ground_truth(spec.p, spec.support, spec.seed + 1000);
  const auto labels = [&](const auto& X) {
    return spec.model == Model::logreg ? logistic_labels(X, w, logistic_score_std, spec.seed + 2000)
                                       : regression_target(X, w, signal_to_noise, spec.seed + 2000);
  };
  problem.y = problem.is_sparse ? labels(problem.sparse) : labels(problem.dense);
  return problem;
}

}  // namespace sparseglm_bench
