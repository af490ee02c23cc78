#pragma once
// Working-set proximal Newton for datafits with per-sample second derivatives (raw_hessian, e.g.
// Logistic): the solver behind sparseglm::solve for them (options.hpp, Solver).
//
// Outer loop and stopping criterion as AndersonCD (anderson_cd.hpp): one full gradient gives each
// feature's violation s_j = dist(-grad_j, dg_j(w_j)); stop when max_j s_j (and |dF/db| with an
// intercept) <= tol; otherwise solve the problem restricted to a working set W (working_set.hpp)
// down to 0.3 times the outer criterion, by prox-Newton steps. A step at (w, b), z = Xw + b,
// with g = grad f(z) and h = f''(z) per sample:
//  1. Direction: coordinate descent on the quadratic model of P on W, u = X_W d + beta 1,
//       Q(d, beta) = g^T u + u^T diag(h) u / 2 + sum_{j in W} g_j(w_j + d_j) - g_j(w_j),
//     keeping X_W d up to date: O(nnz(X_j)) per update and no call to the datafit. With an
//     intercept, beta starts at its Newton step -sum(g) / sum(h) and each update moves (d_j, beta)
//     along (1, -c_j), c_j = sum_i h_i X_ij / sum_i h_i: X_j - c_j 1 is h-orthogonal to 1, so
//     dQ/dbeta stays 0 and every update minimises the model with beta eliminated exactly (CD on
//     h-weighted centred columns, never formed: beta carries the constant part, so sparse
//     columns stay sparse). The model is solved to a fraction of the working set's criterion,
//     with Anderson extrapolation of (d, beta) between epochs (anderson.hpp).
//  2. Step: backtrack t = 1, 1/2, ... to the first t with
//       D(t) = sum_{j in W} [g_j(w_j + t d_j) - g_j(w_j)] + t grad f(z + t u)^T u < 0.
//     By convexity F(z) >= F(z + t u) - t grad f(z + t u)^T u, so D(t) < 0 implies that P
//     decreases. Unlike Armijo's test it needs no difference of objective values, so it still
//     certifies descent when the decrease is far below the rounding of P (tight tolerances).
// The null model (alpha >= alpha_max) is fitted by AndersonCD's own routine, so that both
// solvers meet alpha_max() at the very same point and return its exact zeros.
//
// Yuan, Ho & Lin, "An improved GLMNET for L1-regularized logistic regression", JMLR 2012;
// Massias, Gramfort & Salmon, "Dual extrapolation for sparse GLMs", JMLR 2020 (celer's prox-
// Newton); Bertrand, Klopfenstein, Massias et al., "Beyond L1", NeurIPS 2022 (skglm's ProxNewton,
// whose line-search test this is).

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <vector>

#include "sparseglm/core/types.hpp"
#include "sparseglm/solvers/anderson.hpp"
#include "sparseglm/solvers/anderson_cd.hpp"
#include "sparseglm/solvers/coordinate_constants.hpp"
#include "sparseglm/solvers/options.hpp"
#include "sparseglm/solvers/result.hpp"
#include "sparseglm/solvers/working_set.hpp"

namespace sparseglm::detail {

/// One fit of an initialised second-order datafit and a penalty on a validated problem. X, y, the
/// datafit, the penalty, the options and the coordinate constants must outlive the object.
template <class Design, class DatafitType, class PenaltyType>
class ProxNewton {
 public:
  using Scalar = typename Design::ScalarType;

  ProxNewton(const Design& X, const Vector<Scalar>& y, const DatafitType& datafit, const PenaltyType& penalty,
             const SolverOptions& options, const CoordinateConstants<Scalar>& constants)
      : X_(X), y_(y), datafit_(datafit), penalty_(penalty), options_(options), constants_(constants) {
    const Index p = X.cols();
    for (Index j = 0; j < p; ++j)
      if (!penalty.is_penalized(j)) unpenalized_.push_back(j);
    raw_gradient_.resize(X.rows());
    gradient_.resize(p);
    priority_.resize(p);
  }

  /// Runs the solver from (w0, b0) (b0 is ignored without an intercept).
  SolverResult<Scalar> run(const Vector<Scalar>& w0, Scalar b0) {
    w_ = w0;
    b_ = options_.fit_intercept ? b0 : Scalar(0);
    if (penalized_part_is_zero()) {
      AndersonCD<Design, DatafitType, PenaltyType> null_model(X_, y_, datafit_, penalty_, options_,
                                                              constants_);
      epochs_ = null_model.fit_null_model_from(w_, b_);
    }

    SolverResult<Scalar> result;
    Scalar stop_crit = 0;
    for (int iteration = 1;; ++iteration) {
      recompute_predictions();
      stop_crit = full_criterion();
      result.n_iter = iteration;
      if (!std::isfinite(stop_crit) || !Xw_.allFinite()) {
        restore_last_finite_iterate();
        stop_crit = full_criterion();
        result.status = SolverStatus::numerical_issue;
        break;
      }
      save_finite_iterate();
      const Index support = (w_.array() != Scalar(0)).count();
      const Index size = working_set_size(options_.p0, Index(unpenalized_.size()), support, w_.size());
      if (report(iteration, stop_crit, stop_crit <= options_.tol ? 0 : size)) {
        result.status = SolverStatus::stopped_by_callback;
        break;
      }
      if (stop_crit <= Scalar(options_.tol)) {
        result.status = SolverStatus::converged;
        break;
      }
      if (iteration == options_.max_iter) {
        result.status = SolverStatus::max_iterations;
        break;
      }
      if (epochs_ >= options_.max_epochs) {
        result.status = SolverStatus::max_epochs;
        break;
      }
      select_working_set(penalty_, w_, priority_, size, all_features_, working_set_);
      solve_working_set(working_set_, size == w_.size() ? Scalar(options_.tol) : Scalar(0.3) * stop_crit);
    }
    result.coef = w_;
    result.intercept = b_;
    result.objective = objective();
    result.stop_crit = stop_crit;
    result.n_epochs = epochs_;
    return result;
  }

 private:
  // Prox-Newton steps per working set, model epochs per step, halvings per line search.
  static constexpr int max_newton_steps = 50;
  static constexpr int max_model_epochs = 100;
  static constexpr int max_halvings = 40;
  // The model is solved until its own criterion is below this fraction of the working set's.
  static constexpr double model_accuracy = 0.1;
  // Lower bound on a model curvature, relative to the datafit's Lipschitz constant: keeps steps
  // finite where h vanishes (nearly separable classes); the line search shortens them.
  static constexpr double curvature_floor = 1e-10;

  Scalar objective() const { return datafit_.value(y_, Xw_) + penalty_.value(w_); }

  bool penalized_part_is_zero() const {
    for (Index j = 0; j < w_.size(); ++j)
      if (w_[j] != Scalar(0) && penalty_.is_penalized(j)) return false;
    return true;
  }

  // Full gradient, every feature's violation (into priority_) and the stopping criterion.
  Scalar full_criterion() {
    datafit_.raw_gradient(y_, Xw_, raw_gradient_);
    X_.transpose_times(raw_gradient_, gradient_);
    Scalar criterion = options_.fit_intercept ? std::abs(raw_gradient_.sum()) : Scalar(0);
    for (Index j = 0; j < w_.size(); ++j) {
      priority_[j] = penalty_.subdiff_distance(w_[j], gradient_[j], j);
      criterion = std::max(criterion, priority_[j]);
    }
    return criterion;
  }

  // The working set's gradient (into ws_gradient_) and criterion, from raw_gradient_.
  Scalar working_set_criterion(const std::vector<Index>& working_set) {
    Scalar criterion = options_.fit_intercept ? std::abs(raw_gradient_.sum()) : Scalar(0);
    for (std::size_t k = 0; k < working_set.size(); ++k) {
      const Index j = working_set[k];
      ws_gradient_[Index(k)] = X_.col_dot(j, raw_gradient_);
      criterion = std::max(criterion, penalty_.subdiff_distance(w_[j], ws_gradient_[Index(k)], j));
    }
    return criterion;
  }

  // Prox-Newton steps on the working set until its criterion is <= tol. raw_gradient_ must be
  // the gradient at Xw_ on entry; the line search keeps it so.
  void solve_working_set(const std::vector<Index>& working_set, Scalar tol) {
    const Index size = Index(working_set.size());
    ws_gradient_.resize(size);
    weighted_sums_.resize(size);
    centring_.resize(size);
    curvature_.resize(size);
    direction_.resize(size);
    for (int step = 1; step <= max_newton_steps; ++step) {
      const Scalar criterion = working_set_criterion(working_set);
      if (options_.verbosity >= 2)
        log() << "    newton step " << step << ": objective " << objective() << ", working-set criterion "
              << criterion << ", epochs " << epochs_ << '\n';
      if (criterion <= tol || !std::isfinite(criterion) || epochs_ >= options_.max_epochs) return;
      build_model(working_set);
      solve_model(working_set, Scalar(model_accuracy) * criterion);
      if (line_search(working_set) == Scalar(0)) return;
    }
  }

  // Curvatures and weighted means of the model at Xw_; direction 0, beta at its Newton step.
  void build_model(const std::vector<Index>& working_set) {
    datafit_.raw_hessian(y_, Xw_, hessian_);
    const Scalar hessian_sum = options_.fit_intercept ? hessian_.sum() : Scalar(0);
    // Without curvature in b (every h_i underflowed) the intercept stays put for this step.
    const bool moves_intercept = hessian_sum > std::numeric_limits<Scalar>::min() * Scalar(y_.size());
    for (std::size_t k = 0; k < working_set.size(); ++k) {
      const Index j = working_set[k];
      const Scalar lipschitz = constants_.lipschitz[j];
      const Scalar weighted_sum = moves_intercept ? X_.col_dot(j, hessian_) : Scalar(0);
      const Scalar mean = moves_intercept ? weighted_sum / hessian_sum : Scalar(0);
      const Scalar curvature = X_.col_weighted_sq_norm(j, hessian_) - mean * weighted_sum;
      weighted_sums_[Index(k)] = weighted_sum;
      centring_[Index(k)] = mean;
      // A zero column (or, with an intercept, a constant one) has lipschitz 0 and is skipped.
      curvature_[Index(k)] =
          lipschitz == Scalar(0) ? Scalar(0) : std::max(curvature, Scalar(curvature_floor) * lipschitz);
    }
    direction_.setZero();
    direction_Xw_.setZero(y_.size());
    beta_ = moves_intercept ? -raw_gradient_.sum() / hessian_sum : Scalar(0);
  }

  // CD epochs on the model until the largest violation met in an epoch is <= tol, with Anderson
  // extrapolation of (d, beta) (options.anderson_memory; the model is a quadratic plus G, where
  // CD converges linearly and extrapolation pays, as in anderson_cd.hpp).
  void solve_model(const std::vector<Index>& working_set, Scalar tol) {
    const Index size = Index(working_set.size());
    stacked_.resize(size + 1);
    stacked_extrapolated_.resize(size + 1);
    anderson_.reset(size + 1, options_.anderson_memory);
    for (int epoch = 1; epoch <= max_model_epochs && epochs_ < options_.max_epochs; ++epoch) {
      ++epochs_;
      if (model_epoch(working_set) <= tol) return;
      extrapolate_model(working_set);
    }
  }

  // Keeps Anderson's proposal for (d, beta) if it lowers the model. Its X_W d is rebuilt from the
  // change of each coordinate; an affine combination keeps dQ/dbeta = 0.
  void extrapolate_model(const std::vector<Index>& working_set) {
    const Index size = Index(working_set.size());
    stacked_.head(size) = direction_;
    stacked_[size] = beta_;
    if (!anderson_.push(stacked_, stacked_extrapolated_)) return;
    trial_direction_ = stacked_extrapolated_.head(size);
    trial_direction_Xw_ = direction_Xw_;
    for (Index k = 0; k < size; ++k) {
      const Scalar change = trial_direction_[k] - direction_[k];
      if (change != Scalar(0)) X_.col_axpy(working_set[std::size_t(k)], change, trial_direction_Xw_);
    }
    const Scalar trial_beta = stacked_extrapolated_[size];
    if (model_value(working_set, trial_direction_, trial_direction_Xw_, trial_beta) <
        model_value(working_set, direction_, direction_Xw_, beta_)) {
      direction_.swap(trial_direction_);
      direction_Xw_.swap(trial_direction_Xw_);
      beta_ = trial_beta;
    }
  }

  // Q(d, beta) = g^T u + u^T diag(h) u / 2 + sum_{j in W} g_j(w_j + d_j) - g_j(w_j), u = X_W d + beta.
  Scalar model_value(const std::vector<Index>& working_set, const Vector<Scalar>& direction,
                     const Vector<Scalar>& direction_Xw, Scalar beta) {
    const auto u = direction_Xw.array() + beta;
    return (u * (raw_gradient_.array() + hessian_.array() * u / Scalar(2))).sum() +
           penalty_change(working_set, direction, Scalar(1));
  }

  // One cyclic pass over the working set; returns the largest model violation met (each taken
  // just before its coordinate's update).
  Scalar model_epoch(const std::vector<Index>& working_set) {
    Scalar violation = 0;
    for (std::size_t k = 0; k < working_set.size(); ++k) {
      const Scalar curvature = curvature_[Index(k)];
      if (curvature == Scalar(0)) continue;
      const Index j = working_set[k];
      const Scalar current = w_[j] + direction_[Index(k)];
      // dQ/dd_j = X_j^T (g + h (X_W d + beta)) = grad_j + X_j^T (h X_W d) + beta sum_i h_i X_ij.
      const Scalar model_gradient = ws_gradient_[Index(k)] + X_.col_weighted_dot(j, hessian_, direction_Xw_) +
                                    beta_ * weighted_sums_[Index(k)];
      violation = std::max(violation, penalty_.subdiff_distance(current, model_gradient, j));
      const Scalar updated = penalty_.prox_1d(current - model_gradient / curvature, Scalar(1) / curvature, j);
      if (updated == current) continue;
      const Scalar change = updated - current;
      direction_[Index(k)] = updated - w_[j];
      X_.col_axpy(j, change, direction_Xw_);
      beta_ -= change * centring_[Index(k)];
    }
    return violation;
  }

  // Backtracking along (d, beta) with the descent test D(t) < 0 (header comment). Moves to the
  // accepted point (with raw_gradient_ there) and returns t, or returns 0 and stays.
  Scalar line_search(const std::vector<Index>& working_set) {
    Scalar step = 1;
    for (int halving = 0; halving <= max_halvings; ++halving, step /= Scalar(2)) {
      trial_Xw_ = Xw_.array() + step * (direction_Xw_.array() + beta_);
      datafit_.raw_gradient(y_, trial_Xw_, trial_gradient_);
      const Scalar slope = trial_gradient_.dot(direction_Xw_) + beta_ * trial_gradient_.sum();
      const Scalar change = penalty_change(working_set, direction_, step) + step * slope;
      if (!(change < Scalar(0))) continue;
      for (std::size_t k = 0; k < working_set.size(); ++k) w_[working_set[k]] += step * direction_[Index(k)];
      b_ += step * beta_;
      Xw_.swap(trial_Xw_);
      raw_gradient_.swap(trial_gradient_);
      return step;
    }
    return 0;
  }

  // sum_{j in W} g_j(w_j + t d_j) - g_j(w_j), coordinate by coordinate when the penalty has
  // value_1d (exact to rounding of each term), else as a difference of G over all features.
  Scalar penalty_change(const std::vector<Index>& working_set, const Vector<Scalar>& direction, Scalar step) {
    Scalar change = 0;
    if constexpr (requires { penalty_.value_1d(step, Index(0)); }) {
      for (std::size_t k = 0; k < working_set.size(); ++k) {
        const Index j = working_set[k];
        change += penalty_.value_1d(w_[j] + step * direction[Index(k)], j) - penalty_.value_1d(w_[j], j);
      }
    } else {
      trial_w_ = w_;
      for (std::size_t k = 0; k < working_set.size(); ++k)
        trial_w_[working_set[k]] += step * direction[Index(k)];
      change = penalty_.value(trial_w_) - penalty_.value(w_);
    }
    return change;
  }

  void save_finite_iterate() {
    last_finite_w_ = w_;
    last_finite_b_ = b_;
  }

  void restore_last_finite_iterate() {
    if (last_finite_w_.size() == 0) {  // the starting point itself overflowed
      last_finite_w_.setZero(w_.size());
      last_finite_b_ = 0;
    }
    w_ = last_finite_w_;
    b_ = last_finite_b_;
    recompute_predictions();
  }

  // Xw + b from the non-zero coefficients, O(n nnz(w)): clears the rounding of the steps.
  void recompute_predictions() {
    Xw_.setConstant(X_.rows(), b_);
    for (Index j = 0; j < w_.size(); ++j)
      if (w_[j] != Scalar(0)) X_.col_axpy(j, w_[j], Xw_);
  }

  // Verbosity output and the caller's callback; returns true when the callback asks to stop.
  bool report(int iteration, Scalar stop_crit, Index next_working_set_size) {
    const double objective_value = double(objective());
    if (options_.verbosity >= 1)
      log() << "iteration " << iteration << ": objective " << objective_value << ", criterion " << stop_crit
            << ", epochs " << epochs_ << ", working set " << next_working_set_size << '\n';
    if (!options_.callback) return false;
    const IterationInfo info{iteration, epochs_, objective_value, double(stop_crit),
                             long(next_working_set_size)};
    return !options_.callback(info) && stop_crit > Scalar(options_.tol);
  }

  std::ostream& log() const { return options_.log ? *options_.log : std::clog; }

  const Design& X_;
  const Vector<Scalar>& y_;
  const DatafitType& datafit_;
  const PenaltyType& penalty_;
  const SolverOptions& options_;
  const CoordinateConstants<Scalar>& constants_;

  std::vector<Index> unpenalized_;
  Vector<Scalar> w_;
  Scalar b_ = 0;
  Vector<Scalar> Xw_;
  Vector<Scalar> raw_gradient_;  // grad f at Xw_
  Vector<Scalar> gradient_;
  Vector<Scalar> priority_;
  std::vector<Index> all_features_;
  std::vector<Index> working_set_;
  int epochs_ = 0;

  // The model of the current step, per working-set position k.
  Vector<Scalar> hessian_;        // h = f'' at Xw_
  Vector<Scalar> ws_gradient_;    // grad_j
  Vector<Scalar> weighted_sums_;  // sum_i h_i X_ij
  Vector<Scalar> centring_;       // c_j (0 without an intercept)
  Vector<Scalar> curvature_;      // d2Q/dd_j^2 with beta eliminated (0: skipped)
  Vector<Scalar> direction_;      // d
  Vector<Scalar> direction_Xw_;   // X_W d
  Scalar beta_ = 0;

  AndersonAccelerator<Scalar> anderson_;  // on (d, beta)
  Vector<Scalar> stacked_;
  Vector<Scalar> stacked_extrapolated_;
  Vector<Scalar> trial_direction_;
  Vector<Scalar> trial_direction_Xw_;
  Vector<Scalar> trial_Xw_;
  Vector<Scalar> trial_gradient_;
  Vector<Scalar> trial_w_;
  Vector<Scalar> last_finite_w_;
  Scalar last_finite_b_ = 0;
};

}  // namespace sparseglm::detail
