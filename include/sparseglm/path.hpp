#pragma once
// Regularisation paths: alpha_max, geometric alpha grids and warm-started solves along them
// (Friedman, Hastie & Tibshirani, "Regularization paths for generalized linear models via
// coordinate descent", JSS 2010).

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

#include "sparseglm/core/design.hpp"
#include "sparseglm/core/fit_design.hpp"
#include "sparseglm/core/huge_pages.hpp"
#include "sparseglm/core/validation.hpp"
#include "sparseglm/penalties/penalty.hpp"
#include "sparseglm/solvers/solve.hpp"

namespace sparseglm {

/// The smallest alpha for which the penalised coefficients are all 0 at the optimum:
/// penalty.alpha_max(grad0), grad0 the datafit's gradient at the null model (intercept, when
/// fitted, and unpenalised features at their own optimum). The penalty's own alpha is ignored.
template <class XDerived, class YDerived, class DatafitType, class PenaltyType>
double alpha_max(const Eigen::EigenBase<XDerived>& X, const Eigen::MatrixBase<YDerived>& y,
                 DatafitType datafit, const PenaltyType& penalty, bool fit_intercept = true) {
  const auto design = make_design(X.derived());
  detail::check_models<std::remove_const_t<decltype(design)>, DatafitType, PenaltyType>();
  const auto target = detail::checked_target(design, y, datafit, /*constants_follow=*/true);
  detail::validate_penalty(penalty, design.cols());
  datafit.initialize(design, target);
  SolverOptions options;
  options.fit_intercept = fit_intercept;
  const auto constants = detail::coordinate_constants(design, datafit, fit_intercept);
  detail::AndersonCD solver(design, target, datafit, penalty, options, constants);
  return penalty.alpha_max(solver.null_model_gradient());
}

/// n_alphas values from alpha_max down to eps * alpha_max, evenly spaced on a log scale.
inline Eigen::VectorXd alpha_grid(double alpha_max, Index n_alphas = 100, double eps = 1e-3) {
  if (!(alpha_max > 0) || !std::isfinite(alpha_max))
    detail::throw_invalid("alpha_max", "must be finite and > 0, got " + std::to_string(alpha_max));
  if (n_alphas < 1) detail::throw_invalid("n_alphas", "must be >= 1, got " + std::to_string(n_alphas));
  if (!(eps > 0 && eps <= 1)) detail::throw_invalid("eps", "must be in (0, 1], got " + std::to_string(eps));
  Eigen::VectorXd alphas(n_alphas);
  for (Index k = 0; k < n_alphas; ++k)
    alphas[k] = n_alphas == 1 ? alpha_max : alpha_max * std::pow(eps, double(k) / double(n_alphas - 1));
  return alphas;
}

template <class Scalar>
struct PathResult {
  Eigen::VectorXd alphas;              ///< the alphas, in the order solved
  Matrix<Scalar> coefs;                ///< p x n_alphas, column k solves alphas[k]
  Vector<Scalar> intercepts;           ///< one per alpha
  Vector<Scalar> objectives;           ///< P at each solution
  Vector<Scalar> stop_crits;           ///< final optimality criterion per alpha
  std::vector<int> n_iter;             ///< outer iterations per alpha
  std::vector<int> n_epochs;           ///< CD epochs per alpha
  std::vector<SolverStatus> statuses;  ///< outcome per alpha

  bool all_converged() const {
    for (const SolverStatus status : statuses)
      if (status != SolverStatus::converged) return false;
    return true;
  }
};

namespace detail {

/// Alpha k > 0 of a path, from the solution at alpha k - 1, with the sequential strong rule at
/// 2 alpha_k - alpha_{k-1} (none when that is <= 0; alpha_k when alphas increase).
template <class Solver, class PenaltyType>
auto next_alpha(Solver& solver, const PenaltyType& penalty, const Eigen::VectorXd& alphas, Index k) {
  const double strong_alpha = std::min(2 * alphas[k] - alphas[k - 1], alphas[k]);
  if (!(strong_alpha > 0)) return solver.run_next(penalty.with_alpha(alphas[k]), nullptr);
  const PenaltyType strong_rule = penalty.with_alpha(strong_alpha);
  return solver.run_next(penalty.with_alpha(alphas[k]), &strong_rule);
}

}  // namespace detail

/// Solves along `alphas` (usually decreasing, e.g. alpha_grid), each from the previous solution.
/// The datafit is initialised once for the whole path, and one solver fits every alpha, keeping
/// its buffers and caches; from the second alpha on, the first working set comes from the
/// sequential strong rule (working_set_solver.hpp), and every alpha is still certified over all
/// features. `penalty` fixes everything but alpha.
template <class XDerived, class YDerived, class DatafitType, class PenaltyType>
auto path(const Eigen::EigenBase<XDerived>& X, const Eigen::MatrixBase<YDerived>& y, DatafitType datafit,
          const PenaltyType& penalty, const Eigen::VectorXd& alphas, const SolverOptions& options = {}) {
  static_assert(AlphaPenalty<PenaltyType>, "sparseglm::path: the penalty needs alpha() and with_alpha(a)");
  static_assert(std::is_copy_assignable_v<PenaltyType>,
                "sparseglm::path: the penalty must be copy-assignable");
  return detail::with_fit_design(X, options.dense_copy, [&](const auto& design) {
    using Design = std::remove_const_t<std::remove_reference_t<decltype(design)>>;
    using Scalar = typename Design::ScalarType;
    detail::check_models<Design, DatafitType, PenaltyType>();
    options.validate();
    if (alphas.size() == 0) detail::throw_invalid("alphas", "is empty");
    for (Index k = 0; k < alphas.size(); ++k) detail::check_alpha(alphas[k]);
    const auto target = detail::checked_target(design, y, datafit, /*constants_follow=*/true);
    detail::validate_penalty(penalty, design.cols());
    datafit.initialize(design, target);
    const auto constants = detail::coordinate_constants(design, datafit, options.fit_intercept);

    const Index p = design.cols(), n_alphas = alphas.size();
    PathResult<Scalar> result;
    result.alphas = alphas;
    result.coefs.resize(p, n_alphas);
    detail::advise_huge_pages(result.coefs.data(), sizeof(Scalar) * std::size_t(result.coefs.size()));
    result.intercepts.resize(n_alphas);
    result.objectives.resize(n_alphas);
    result.stop_crits.resize(n_alphas);
    const PenaltyType first = penalty.with_alpha(alphas[0]);
    detail::with_solver(design, target, datafit, first, options, constants, [&](auto& solver) {
      for (Index k = 0; k < n_alphas; ++k) {
        const SolverResult<Scalar> fit = k == 0 ? solver.run(Vector<Scalar>::Zero(p), Scalar(0))
                                                : detail::next_alpha(solver, penalty, alphas, k);
        result.coefs.col(k) = fit.coef;
        result.intercepts[k] = fit.intercept;
        result.objectives[k] = fit.objective;
        result.stop_crits[k] = fit.stop_crit;
        result.n_iter.push_back(fit.n_iter);
        result.n_epochs.push_back(fit.n_epochs);
        result.statuses.push_back(fit.status);
      }
    });
    return result;
  });
}

}  // namespace sparseglm
