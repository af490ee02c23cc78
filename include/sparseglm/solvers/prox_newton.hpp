#pragma once
// Working-set proximal Newton for datafits with per-sample second derivatives (raw_hessian, e.g.
// Logistic): the solver behind sparseglm::solve for them (options.hpp, Solver).
//
// Outer loop as every working-set solver (working_set_solver.hpp); the problem restricted to the
// working set W is solved by prox-Newton steps. A step at (w, b), z = Xw + b,
// with g = grad f(z) and h = f''(z) per sample:
//  1. Direction: coordinate descent on the quadratic model of P on W, u = X_W d + beta 1,
//       Q(d, beta) = g^T u + u^T diag(h) u / 2 + mu sum_{j in W} L_j d_j^2 / 2
//                    + sum_{j in W} g_j(w_j + d_j) - g_j(w_j),
//     where mu >= 0 damps the step (Levenberg-Marquardt; L_j is coordinate j's Lipschitz
//     constant). Where h vanishes (samples far on the wrong side, nearly separable classes) the
//     undamped model is nearly flat along some X_j and its minimiser is so far away that no step
//     length along it descends; mu grows with each shortened or failed line search and decays
//     back to 0 while full steps are taken (adapt_damping),
//     keeping X_W d up to date: O(nnz(X_j)) per update and no call to the datafit. With an
//     intercept, beta starts at its Newton step -sum(g) / sum(h) and each update moves (d_j, beta)
//     along (1, -c_j), c_j = sum_i h_i X_ij / sum_i h_i: X_j - c_j 1 is h-orthogonal to 1, so
//     dQ/dbeta stays 0 and every update minimises the model with beta eliminated exactly (CD on
//     h-weighted centred columns, never formed: beta carries the constant part, so sparse
//     columns stay sparse). The model is solved to a fraction of the working set's criterion
//     (10 times smaller after a step that did not lower the criterion from a model done in one
//     epoch: solve_inner_problem), but not below a fraction of options.tol (tol_share), or, on
//     designs with n >= p, until its value has converged (value_tail_share), with
//     Anderson extrapolation of (d, beta) between epochs (anderson.hpp), and its epochs skip the
//     coordinates that stay at 0 (shrinking, solve_model); their order is cyclic, or, in models
//     without drift steps, random after such a model stalled (coordinate_order.hpp). Without an
//     intercept, on columns that share a large weighted mean, each epoch ends with an exact step
//     along the mean direction (mean_direction_step); on sparse designs, also with a Newton step
//     on the stop-word columns when they hold most of the violation (heavy_block_step), and the
//     moves of coordinates whose model is nearly flat are bounded before the line search
//     (bound_untrusted_moves). CD starts from d = 0, or from a share of the last direction d when
//     the new model is lower there (start_direction): the rest (1 - t) d after a step that the
//     line search shortened to t, and d / 4 after a full step on designs with n >= p.
//  2. Step: backtrack t = 1, 1/2, ... to the first t that passes one of these tests (secant
//     steps on t -> D(t) / t instead of halvings: text 20000x50000 L1-logistic /1000 without
//     intercept 206 -> 293 epochs; where u is huge that quotient stays positive down to
//     t ~ 1e-3 and the secant crawls there), with
//     dG(t) = sum_{j in W} [g_j(w_j + t d_j) - g_j(w_j)] and the predicted decrease
//     Delta = grad f(z)^T u + dG(1) (< 0 for a descent direction):
//     a. D(t) = dG(t) + t grad f(z + t u)^T u < 0 (skglm's test). By convexity
//        F(z) >= F(z + t u) - t grad f(z + t u)^T u, so D(t) < 0 certifies that P decreases
//        without a difference of objectives, and for a fixed sign pattern it says that P still
//        decreases at t: t is below the minimiser t* along the line.
//     b. Near the optimum (0 < -Delta <= sqrt(eps) P): Armijo's test dP(t) <= sigma t Delta on the
//        trapezoid estimate dP(t) ~ dG(t) + t (grad f(z) + grad f(z + t u))^T u / 2, exact for a
//        quadratic F and accurate to O(t^3) (there F's own difference drowns in rounding). Test a
//        alone fails there: D(t) = dP(t) + t^2 u^T f''(z) u / 2 + O(t^3), and for a Newton step
//        that curvature term cancels the decrease, so D(1) is about 0; rejecting t = 1 then
//        halves every step (linear rate instead of the Newton rate). Far from the optimum test a
//        alone decides: accepting longer steps there (newGLMNET's Armijo test on P, sigma 0.01,
//        or even sigma 0.4) cost sparse problems more epochs.
//     c. |Delta| below the rounding of P (100 eps P) and t = 1: no test can tell, the model's
//        step is taken and the criterion, computed afresh at the next step, judges it.
// The null model (alpha >= alpha_max) is fitted by AndersonCD's own routine, so that both
// solvers meet alpha_max() at the very same point and return its exact zeros.
//
// Yuan, Ho & Lin, "An improved GLMNET for L1-regularized logistic regression", JMLR 2012;
// Massias, Gramfort & Salmon, "Dual extrapolation for sparse GLMs", JMLR 2020 (celer's prox-
// Newton); Bertrand, Klopfenstein, Massias et al., "Beyond L1", NeurIPS 2022 (skglm's ProxNewton,
// whose line-search test is a).

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <vector>

#include "sparseglm/core/design.hpp"
#include "sparseglm/core/types.hpp"
#include "sparseglm/solvers/anderson.hpp"
#include "sparseglm/solvers/anderson_cd.hpp"
#include "sparseglm/solvers/coordinate_constants.hpp"
#include "sparseglm/solvers/coordinate_order.hpp"
#include "sparseglm/solvers/heavy_columns.hpp"
#include "sparseglm/solvers/options.hpp"
#include "sparseglm/solvers/progress.hpp"
#include "sparseglm/solvers/support_newton.hpp"
#include "sparseglm/solvers/working_set_solver.hpp"

namespace sparseglm::detail {

/// One fit of an initialised second-order datafit and a penalty on a validated problem. X, y, the
/// datafit, the penalty, the options and the coordinate constants must outlive the object.
template <class Design, class DatafitType, class PenaltyType>
class ProxNewton : public WorkingSetSolver<ProxNewton<Design, DatafitType, PenaltyType>, Design, DatafitType,
                                           PenaltyType> {
  using Base = WorkingSetSolver<ProxNewton, Design, DatafitType, PenaltyType>;
  friend Base;

 public:
  using Scalar = typename Design::ScalarType;
  using Base::Base;

 private:
  using Base::b_;
  using Base::constants_;
  using Base::datafit_;
  using Base::epochs_;
  using Base::log;
  using Base::objective;
  using Base::options_;
  using Base::penalty_;
  using Base::raw_gradient_;
  using Base::recompute_predictions;
  using Base::refresh_predictions;
  using Base::shrink_margin;
  using Base::shrinks;
  using Base::w_;
  using Base::working_set_gradient_;
  using Base::X_;
  using Base::Xw_;
  using Base::y_;

  // Prox-Newton steps per working set, model epochs per step, halvings per line search.
  static constexpr int max_newton_steps = 50;
  static constexpr int max_model_epochs = 100;
  static constexpr int max_halvings = 40;
  // The model is solved until its own criterion is below this fraction of the working set's
  // (skglm's ProxNewton uses 0.3 too). Measured on bench/compare's L1-logistic cells (time to
  // suboptimality 1e-6): against 0.1, geometric mean x1.2 on the text cells (up to x2.2, where
  // tighter models stall on the ill-conditioned uncentred columns) and x1.03 on the dense ones;
  // 0.2 and 0.5 were slower when it was chosen. At 6393d47, on the 12 sparse L1-logistic cells
  // (text and farm-ads, ab.py, 3 rounds), 0.5 and 0.7 ran x1.01 and x1.02 in geometric mean, from
  // x0.77 to x1.54 by cell (text 20000x50000 /1000 without intercept x0.81 and x0.88): 0.3 kept.
  static constexpr double model_accuracy = 0.3;
  static constexpr double min_model_accuracy = 1e-3;  // after steps that barely lowered the criterion
  // Nor is a model solved below this fraction of options.tol (at model_accuracy; the steps that
  // tighten the models tighten it alike): a step need only bring the criterion under tol, and a
  // model solved to 0.3 of a criterion a few times tol takes the step far below it, for the price
  // of a few more epochs. Epochs to suboptimality 1e-6 / 1e-8 along bench/compare's ladders, on
  // its 18 L1-logistic cells: text 100000x10000 /1000 without intercept 30 -> 25 / 30, text
  // 20000x50000 /1000 without intercept 129 -> 125 / 143, farm-ads /1000 with intercept
  // 420 -> 361 / 411; ten cells fewer, six the same, and two more at 1e-6: text 20000x50000
  // /1000 with intercept 74 -> 83 (97 -> 92 to 1e-8), farm-ads /100 without 91 -> 102. At 0.5,
  // fewer gains. A floor that the tightening left alone undid it (farm-ads /1000 with intercept
  // 420 -> 574 to 1e-6), and a fraction of each working set's own tolerance (0.3 of the outer
  // criterion before the last set) loosened the earlier sets' models too (text 20000x50000 /1000
  // without intercept 129 -> 135 epochs at tol 5.9e-8).
  static constexpr double tol_share = 0.7;
  // A step that leaves the criterion above this fraction of the last one barely lowered it
  // (solve_inner_problem). On bench/compare's 18 L1-logistic cells (ab.py, 2 rounds), against
  // steps that did not lower it at all: time to 1e-8 x1.04 (farm-ads /1000 with intercept x1.36),
  // to 1e-6 x1.004; fits to tol 1e-10 on farm-ads x1.09 to x1.68.
  static constexpr double slow_step_ratio = 0.9;
  // After a full step on a design with at least as many rows as columns, the next model's CD may
  // start from this share of the last direction (start_direction). There the models' Hessians
  // X_W^T diag(h) X_W are nonsingular unless columns are collinear (one-hot blocks without an
  // intercept are), the steps converge linearly at about the rate that model_accuracy sets
  // (text 100000x10000 L1-logistic /1000 without intercept: the criterion x0.26, x0.24, x0.21 per
  // step), and the model was lower there than at 0 at 59 of the 95 such starts of the tall cells
  // below at alpha_max/100 and /1000, tol 1e-7 (text 12 of 14). Model visits to
  // suboptimality 1e-6 along bench/compare's ladders, L1-logistic: text 100000x10000 /1000 -21%
  // without intercept and -16% with, /100 -12% without; dense 10000x1000 /1000 -20% and -8%;
  // one-hot 20000x1000 without intercept /100 -46% and /1000 -18%; the other tall cells (also
  // the scratch problems 50000x40, 10000x3000 imbalanced and 2000x500 rescaled) the same or fewer
  // (to 1e-8, one cell +3%: imbalanced /1000 with intercept).
  // On wide designs, whose models are singular on large working sets and whose supports change
  // from step to step, it went both ways (text 20000x50000 /1000 without intercept +63%, farm-ads
  // /1000 with intercept +15%, duke-west /1000 without intercept -31%): not there. A share of
  // 0.5 took 27 epochs on the first cell above where 0.25 took 21 (25 without; tol 5.9e-7), and
  // the ratio of the last two criteria 24.
  static constexpr double continued_share = 0.25;
  // On a design with at least as many rows as columns, a model also ends when its value has
  // converged: the geometric tail of its epochs' decreases is below this share of their sum
  // (converges_within). Its violation, the largest met during an epoch, is taken before each update
  // and lags the epoch: on text 100000x10000 L1-logistic /1000 without intercept, models ran 4 or 5
  // epochs to meet it while their value was within 0.3% of its end after 2, and the next step's
  // criterion came out about the same either way. A model that ends so above its tolerance
  // counts as stalled (coordinate_order.hpp): the violation left lies where the model is flat.
  // Model visits to suboptimality 1e-6 (1e-8) along bench/compare's ladders, L1-logistic:
  // text 100000x10000 without intercept /1000 -44% (-34%), /100 +27% (-34%), /10 0 (-18%), with
  // one unchanged; dense 10000x1000 unchanged; one-hot 20000x1000 without intercept /100 -58%
  // (-60%), /1000 +11% (0), with /1000 -28% (+9%), /100 +16% (-13%); generated problems beside
  // them: 10000x3000 imbalanced -66% to +8%, 2000x500 rescaled -8% to 0, another one-hot
  // 20000x1000 -82% to +24%, 50000x40 unchanged. Without the wait for an epoch over every
  // coordinate: dense 10000x1000 /100 -21% but /1000 +10%. On wide designs, whose models crawl
  // along flat directions for dozens of epochs at a slowly shrinking rate, the rule went both
  // ways (text 20000x50000 /1000 without intercept -12% to +67% by variant): not there.
  static constexpr double value_tail_share = 0.03;
  // The fraction sigma of the predicted decrease that a step must achieve (line_search, test b).
  // Along a quadratic with minimiser t*, dP(t) <= sigma t Delta holds for t <= 2 (1 - sigma) t*.
  static constexpr double sufficient_decrease = 0.4;
  // Lower bound on a model curvature, relative to the datafit's Lipschitz constant: keeps steps
  // finite where h vanishes (nearly separable classes); the damping bounds them (adapt_damping).
  static constexpr double curvature_floor = 1e-10;
  // The damping mu (relative to each L_j): its smallest non-zero value, its growth after a failed
  // line search, and how many failed searches a step retries with a larger mu.
  static constexpr double min_damping = 1e-8;
  static constexpr double failed_search_growth = 1e4;
  static constexpr int max_damped_retries = 3;
  // Relative change between two epochs' moves below which the model drifts (drift_step).
  static constexpr double steady_drift = 0.03;
  // An epoch ends with a heavy-block step when the heavy columns' largest violation in it is at
  // least this fraction of the epoch's (heavy_block_step). Text 20000x50000 L1-logistic /1000
  // without intercept to tol 1e-8: 143 epochs; 136 at 0.5 and 226 at 0.9. Each step costs two
  // passes over the heavy columns, as much as the rest of a shrunk epoch on farm-ads.
  static constexpr double heavy_share = 0.7;
  // A coordinate whose model curvature is below this fraction of its Lipschitz constant is
  // untrusted, and its move keeps each of its samples' predictions within trust_margin + max |z_i|
  // of where they are (bound_untrusted_moves). On the text cell above: 172 epochs without the
  // bound; the bound without heavy-block steps, 270 against 245 with neither.
  static constexpr double untrusted_curvature = 1e-3;
  static constexpr double trust_margin = 2;

  // The null model by AndersonCD's own routine, so that both solvers meet alpha_max() at the
  // very same point.
  void fit_null_model() {
    AndersonCD<Design, DatafitType, PenaltyType> null_model(X_, y_, datafit_, penalty_, options_, constants_);
    epochs_ += null_model.fit_null_model_from(w_, b_);
    recompute_predictions();
  }

  // skglm's 10: on bench/compare's L1-logistic cells, 20 and 40 changed the epochs by -50% to +70%
  // from cell to cell, without a trend.
  static constexpr Index default_p0 = 10;

  Index next_working_set_size(Index support) const { return Base::default_working_set_size(support); }

  // Not for prox-Newton: widening heavy working sets (as AndersonCD) ran x0.4 to x0.6 on the real
  // farm-ads L1-logistic cells /1000 (the same epochs, each on every feature's model) and x0.7 to
  // x1.3 on the text ones (ab.py, 2 rounds).
  static constexpr bool widens_heavy_working_sets = false;

  // With an intercept, where beta absorbs the mean mode of the models (header comment). On
  // bench/compare's L1-logistic cells with an intercept (ab.py, 3 rounds): text 20000x50000 /100
  // x1.32 (42 -> 20 epochs) and /1000 x1.21 (97 -> 74), text 100000x10000 /100 x1.24 (17 -> 12)
  // and /1000 x1.25 (33 -> 18), dense 500x5000 87 -> 76 and 148 -> 123 epochs; farm-ads the same
  // epochs. Without one, the uncentred columns' models are ill-conditioned (mean_direction_step)
  // and a set solved far from the solution costs more epochs, so only when the support and the
  // violators fit in n rows: past n (p > n), most of them end at 0 and the set is mostly
  // shrunk coordinates (text 20000x50000 /1000 without intercept: 143 -> 111 epochs to tol 1e-8,
  // each dearer, x0.91 paired; dense 500x5000 /100 77 -> 87 and /1000 110 -> 114 epochs to tol
  // 1e-6). Within n, without an intercept (ab.py, 5 rounds, time to 1e-6): text 100000x10000
  // /1000 x1.05 (38 -> 30 epochs; 46 -> 35 to tol 1e-8, x1.11 paired) and /100 x1.08 (17 -> 14),
  // text 20000x50000 /100 x1.11 (47 -> 27); the other L1-logistic cells without intercept keep
  // their epochs.
  bool takes_settled_violators(Index count) const { return options_.fit_intercept || count <= X_.rows(); }

  // Prox-Newton steps on the working set until its criterion is <= tol. raw_gradient_ must be
  // the gradient at Xw_ on entry; the line search keeps it so. Returns whether it ends where
  // the last model was built (working_set_gradient_ is current there).
  bool solve_inner_problem(const std::vector<Index>& working_set, Scalar tol) {
    const Index size = Index(working_set.size());
    working_set_gradient_.resize(size);
    weighted_sums_.resize(size);
    centring_.resize(size);
    curvature_.resize(size);
    direction_.resize(size);
    ProgressMonitor<Scalar> progress(3);  // below tol's reach, the outer loop decides precision_limit
    Scalar restart_share = 0;             // of the last direction, where the next model may start
    const Scalar full_step_share = X_.rows() >= X_.cols() ? Scalar(continued_share) : Scalar(0);
    Scalar accuracy = Scalar(model_accuracy), last_criterion = std::numeric_limits<Scalar>::infinity();
    const Scalar least_criterion = Scalar(tol_share / model_accuracy) * Scalar(options_.tol);  // tol_share
    int last_model_epochs = 0;
    for (int step = 1; step <= max_newton_steps; ++step) {
      // Rounding cleared here rather than by the outer check, which can then take the model's
      // gradients (working_set_solver.hpp).
      if (refresh_predictions()) datafit_.raw_gradient(y_, Xw_, raw_gradient_);
      const Scalar criterion = build_model(working_set);
      // Inexact Newton: a step that did not lower the criterion by a tenth, from a model that
      // met its tolerance in its first epoch, came from a model solved too loosely (the
      // violations met before each update were below tol while its minimiser was still far), so
      // the next models are solved 10 times tighter. Left loose, such models gave runs of dozens
      // of steps, each lowering the criterion by about 1% (real farm-ads L1-logistic /1000 with
      // intercept to tol 1e-10: 197 of them).
      if (criterion > Scalar(slow_step_ratio) * last_criterion && last_model_epochs == 1)
        accuracy = std::max(accuracy / Scalar(10), Scalar(min_model_accuracy));
      last_criterion = criterion;
      if (options_.verbosity >= 2)
        log() << "    newton step " << step << ": objective " << objective() << ", working-set criterion "
              << criterion << ", epochs " << epochs_ << '\n';
      if (criterion <= tol || !std::isfinite(criterion) || epochs_ >= options_.max_epochs ||
          progress.stalled_after(criterion))
        return true;
      Scalar step_length = 0;
      for (int attempt = 0; attempt <= max_damped_retries && step_length == Scalar(0); ++attempt) {
        const Scalar share = attempt == 0 ? restart_share : Scalar(0);
        if (start_direction(working_set, share) && options_.verbosity >= 2)
          log() << "      model starts from " << share << " of the last direction\n";
        last_model_epochs = solve_model(working_set, accuracy * std::max(criterion, least_criterion));
        if (tempers_uncentred_models()) bound_untrusted_moves(working_set);
        step_length = line_search(working_set);
        adapt_damping(step_length);
        if (options_.verbosity >= 2)
          log() << "      step length " << step_length << ", damping " << damping_ << '\n';
      }
      if (step_length == Scalar(0)) return true;
      restart_share = step_length < Scalar(1) ? Scalar(1) - step_length : full_step_share;
    }
    return false;
  }

  // Levenberg-Marquardt rule for the damping mu of the model (header comment, step 1): a step the
  // line search shortened to t means the model trusted its direction 1/t times too much, so mu
  // grows by 1/t; a failed search grows it by failed_search_growth; a full step shrinks it 10-fold.
  // Not a per-sample cap on the model's step in its place (h_i raised to |g_i| / (2 + |z_i|), which
  // changes no sample on its label's side): text 20000x50000 L1-logistic /1000 without intercept
  // took 206 -> 189 epochs, but bench/compare's 18 L1-logistic cells ran x0.92 (ab.py, 2 rounds;
  // x0.99 capping only each working set's first model): where many samples stay misclassified at
  // the optimum (text 100000x10000, farm-ads) the cap replaces Newton's model where it is right.
  void adapt_damping(Scalar step_length) {
    if (step_length == Scalar(1)) {
      damping_ = damping_ > Scalar(min_damping) ? damping_ / Scalar(10) : Scalar(0);
      return;
    }
    const Scalar growth = step_length > Scalar(0) ? Scalar(1) / step_length : Scalar(failed_search_growth);
    damping_ = std::max(damping_, Scalar(min_damping)) * growth;
  }

  // The model at Xw_ (gradient, curvatures and weighted means per feature of the working set, and
  // the intercept's Newton step), in one pass over X_W; returns the working set's criterion.
  // raw_gradient_ must be the gradient at Xw_.
  Scalar build_model(const std::vector<Index>& working_set) {
    datafit_.raw_hessian(y_, Xw_, hessian_);
    const Scalar hessian_sum = hessian_.sum();
    // Without curvature along 1 (every h_i underflowed) the intercept stays put for this step.
    const bool curved = hessian_sum > std::numeric_limits<Scalar>::min() * Scalar(y_.size());
    const bool moves_intercept = options_.fit_intercept && curved;
    Scalar criterion = options_.fit_intercept ? std::abs(raw_gradient_.sum()) : Scalar(0);
    Scalar coupling = 0;  // beta (mean_direction_step)
    mean_direction_.setZero(Index(working_set.size()));
    const bool paired = pairs_samples(working_set);
    if (paired) {
      sample_pairs_.resize(2, y_.size());
      sample_pairs_.row(0) = raw_gradient_.transpose();
      sample_pairs_.row(1) = hessian_.transpose();
    }
    for (std::size_t k = 0; k < working_set.size(); ++k) {
      const Index j = working_set[k];
      const ColumnModelDots<Scalar> dots = column_model_dots(j, paired);
      working_set_gradient_[Index(k)] = dots.gradient;
      criterion = std::max(criterion, penalty_.subdiff_distance(w_[j], dots.gradient, j));
      const Scalar lipschitz = constants_.lipschitz[j];
      const Scalar weighted_sum = moves_intercept ? dots.weighted_sum : Scalar(0);
      const Scalar mean = moves_intercept ? weighted_sum / hessian_sum : Scalar(0);
      const Scalar curvature = dots.weighted_sq_norm - mean * weighted_sum;
      weighted_sums_[Index(k)] = weighted_sum;
      centring_[Index(k)] = mean;
      // A zero column (or, with an intercept, a constant one) has lipschitz 0 and is skipped.
      curvature_[Index(k)] =
          lipschitz == Scalar(0) ? Scalar(0) : std::max(curvature, Scalar(curvature_floor) * lipschitz);
      if (options_.fit_intercept || !curved || curvature_[Index(k)] == Scalar(0) ||
          !in_support(penalty_, j, w_[j]))
        continue;
      const Scalar mean_part = dots.weighted_sum * dots.weighted_sum / hessian_sum;  // s c_j^2
      const Scalar centered_curvature = curvature_[Index(k)] - mean_part;
      if (centered_curvature > Scalar(0)) coupling += mean_part / centered_curvature;
      mean_direction_[Index(k)] = dots.weighted_sum / curvature_[Index(k)];
    }
    mean_positions_.clear();
    if (coupling < Scalar(min_mean_coupling))
      mean_direction_.setZero();
    else
      for (Index k = 0; k < mean_direction_.size(); ++k)
        if (mean_direction_[k] != Scalar(0)) mean_positions_.push_back(k);
    intercept_newton_step_ = moves_intercept ? -raw_gradient_.sum() / hessian_sum : Scalar(0);
    hessian_sum_ = moves_intercept ? hessian_sum : Scalar(0);
    return criterion;
  }

  // Sparse designs: build_model and the epochs read two per-sample vectors at the rows of each
  // column's entries, (g, h) and (h, X_W d); as the rows of sample_pairs_, each row's two values
  // come from one cache line. Copying them in is O(n) per pass, paid only where the working set's
  // columns hold at least n entries. L1-logistic at alpha_max/1000, near its 1e-6 ladder point
  // (medians of 7 to 11 alternating runs): text 100000x10000 x0.86 without intercept and x0.91
  // with, text 20000x50000 without intercept x0.91, one-hot 20000x1000 without intercept x0.89.
  // The sums are the same to the bit.
  bool pairs_samples(const std::vector<Index>& working_set) const {
    if constexpr (Design::is_sparse)
      return Base::stored_entries(working_set) >= double(X_.rows());
    else
      return false;
  }

  // (X_j^T g, X_j^T h, sum_i h_i X_ij^2), from sample_pairs_ = (g, h) if `paired`.
  ColumnModelDots<Scalar> column_model_dots(Index j, bool paired) const {
    if constexpr (Design::is_sparse)
      if (paired) return X_.col_model_dots(j, sample_pairs_.row(0), sample_pairs_.row(1));
    return X_.col_model_dots(j, raw_gradient_, hessian_);
  }

  // Where the model's CD starts: d = 0 with beta at its Newton step; or `share` s d of the last
  // direction d (direction_) if the new model is lower there. After a step that the line search
  // shortened to t, s = 1 - t: the model changes little from one step to the next, and its
  // minimiser is then near that rest (after halved steps near the optimum, a few epochs instead
  // of a dozen); after full steps on tall designs, s = continued_share.
  // beta is set so that dQ/dbeta = sum_i (g_i + h_i u_i) = 0, as the epochs keep it. Returns
  // whether CD starts from s d.
  bool start_direction(const std::vector<Index>& working_set, Scalar share) {
    const bool from_last = share > Scalar(0);
    if (from_last) {
      trial_direction_ = share * direction_;
      trial_direction_Xw_ = share * direction_Xw_;
    }
    direction_.setZero();
    direction_Xw_.setZero(y_.size());
    beta_ = intercept_newton_step_;
    if (!from_last) return false;
    const Scalar trial_beta =
        hessian_sum_ > Scalar(0) ? beta_ - weighted_sums_.dot(trial_direction_) / hessian_sum_ : Scalar(0);
    return take_trial_if_lower(working_set, trial_beta);
  }

  // CD epochs on the model until the largest violation met in an epoch over every coordinate is
  // <= tol, with Anderson extrapolation of (d, beta) (options.anderson_memory; the model is a
  // quadratic plus G, where CD converges linearly and extrapolation pays, as in anderson_cd.hpp).
  // Shrinking (as newGLMNET's inner loop): a coordinate at 0 whose model gradient lies inside
  // its subdifferential by more than shrink_margin(last epoch's violation) leaves the
  // epochs; once the others meet tol, an epoch over all coordinates decides (and shrinks again).
  // Most of a large working set stays at 0, and those coordinates cost as much per epoch as the
  // moving ones. A shrunk coordinate stays at 0, where the proposals keep it (anderson.hpp), so
  // extrapolation goes on across shrinking. A model without drift steps that stalls switches the
  // order of the next such models' epochs between cyclic and random (coordinate_order.hpp), and
  // so does one that ends above tol because its value has converged (value_tail_share).
  int solve_model(const std::vector<Index>& working_set, Scalar tol) {
    const Index size = Index(working_set.size());
    stacked_.resize(size + 1);
    stacked_extrapolated_.resize(size + 1);
    anderson_.reset(size + 1, options_.anderson_memory);
    ProgressMonitor<Scalar> progress(10);  // the model's violation at its rounding floor
    if (tempers_uncentred_models())
      heavy_.select(X_, working_set, curvature_);
    else
      heavy_.clear();
    heavy_block_steps_ = 0;
    paired_model_ = pairs_samples(working_set);
    if (paired_model_) {
      sample_pairs_.resize(2, y_.size());
      sample_pairs_.row(0) = hessian_.transpose();
    }
    const bool mean_steps = prepare_mean_direction(working_set);
    // A mean-direction step already ends each epoch; without derivatives_1d there is no step.
    const bool drift_steps = HasDerivatives1d<PenaltyType, Scalar> && !mean_steps;
    // Models with drift steps keep the ascending order: with a random order, a nearly separable
    // fit without Anderson stopped converging (coordinate_order.hpp).
    const bool reorders = !drift_steps;
    activate_all(reorders);
    last_epoch_move_.resize(0);
    const std::size_t movable = active_.size();
    Scalar margin = std::numeric_limits<Scalar>::infinity();  // nothing shrinks in the first epoch
    int epochs = 0;
    std::size_t visited = 0, visits = 0;
    Scalar violation = 0;
    const bool shuffled = reorders && order_.shuffled();
    const bool stops_on_value = X_.rows() >= X_.cols();
    bool value_converged = false;
    Scalar decrease = 0, last_decrease = 0;  // of the model's value: so far, in the last epoch
    while (epochs < max_model_epochs && epochs_ < options_.max_epochs) {
      ++epochs;
      ++epochs_;
      visited = active_.size();
      visits += visited;
      if (drift_steps) {
        epoch_start_ = direction_;
        epoch_start_Xw_ = direction_Xw_;
        epoch_start_beta_ = beta_;
      }
      heavy_violation_ = 0;
      violation = model_epoch(working_set, margin);
      if (!heavy_.empty() && heavy_violation_ >= Scalar(heavy_share) * violation)
        violation = std::max(violation, heavy_block_step(working_set));
      if (mean_steps) mean_direction_step(working_set);
      if (drift_steps) drift_step(working_set);
      decrease += epoch_decrease_;
      if (violation <= tol && visited == movable) break;
      // Judged on epochs over every coordinate, as the violation is (shrinking).
      value_converged =
          stops_on_value && visited == movable && converges_within(epoch_decrease_, last_decrease, decrease);
      if (value_converged) {
        // Such a model ends above its tolerance (the violation test above failed): a stall.
        if (reorders) order_.switch_after_stall();
        break;
      }
      last_decrease = epoch_decrease_;
      if (violation <= tol) {
        activate_all(reorders);
      } else if (progress.stalled_after(violation)) {
        if (reorders) order_.switch_after_stall();
        break;
      }
      margin = shrink_margin(violation);
      extrapolate_model(working_set);
    }
    if (options_.verbosity >= 2) {
      log() << "      model: " << epochs << " epochs" << (shuffled ? " in random order" : "")
            << (mean_steps ? " with mean-direction steps" : "") << ", " << visits << " visits of " << movable
            << " coordinates, violation " << violation << ", last epoch " << visited << " visits";
      if (!heavy_.empty())
        log() << ", " << heavy_block_steps_ << " heavy-block steps on " << heavy_.positions().size()
              << " columns";
      log() << (value_converged ? ", value converged\n" : "\n");
    }
    return epochs;
  }

  // Whether a model's value has converged (value_tail_share): its epochs' decreases shrinking at the
  // rate r = D_k / D_{k-1} leave D_k r / (1 - r) = D_k^2 / (D_{k-1} - D_k) to come, against the
  // sum of D_1..D_k so far.
  static bool converges_within(Scalar decrease, Scalar last_decrease, Scalar total) {
    return decrease < last_decrease &&
           decrease * decrease < Scalar(value_tail_share) * total * (last_decrease - decrease);
  }

  // Mean-direction steps (no intercept, penalties with derivatives_1d). The model's Hessian
  // X_W^T diag(h) X_W holds the rank-one part s c c^T of the columns' h-weighted means
  // (s = sum_i h_i, c_j = sum_i h_i X_ij / s). On columns that share a large mean (counts,
  // tf-idf) it dominates, the worst case of cyclic CD (Sun & Ye 2019), and the model's epochs
  // crawl along it; with an intercept, beta absorbs it. Where its Jacobi estimate of coupling
  // beta = sum_j s c_j^2 / C~_j over the support (C~_j the h-centred column's curvature) is at
  // least min_mean_coupling, each epoch ends with the exact minimiser of the model along
  // v = D^-1 s c on the support (D the model's diagonal, build_model), cut where a penalised
  // coordinate reaches 0: the coarse correction of that mode, O(n + |W|) per epoch once X_W v is
  // formed. On bench/compare's text L1-logistic cells without intercept at alpha_max/1000:
  // 62 -> 43 and 306 -> 206 epochs.
  bool prepare_mean_direction(const std::vector<Index>& working_set) {
    if constexpr (HasDerivatives1d<PenaltyType, Scalar>) {
      if (mean_positions_.empty()) return false;
      mean_direction_Xw_.setZero(y_.size());
      for (const Index k : mean_positions_)
        X_.col_axpy(working_set[std::size_t(k)], mean_direction_[k], mean_direction_Xw_);
      mean_direction_curvature_ = (hessian_.array() * mean_direction_Xw_.array().square()).sum();
      return true;
    } else {
      return false;
    }
  }

  void mean_direction_step(const std::vector<Index>& working_set) {
    if constexpr (HasDerivatives1d<PenaltyType, Scalar>) {
      // Penalised coordinates that the epochs set to 0 leave v (at 0, G is not differentiable).
      const std::size_t count = mean_positions_.size();
      std::size_t kept = 0;
      for (const Index k : mean_positions_) {
        const Index j = working_set[std::size_t(k)];
        if (w_[j] + direction_[k] != Scalar(0) || !penalty_.is_penalized(j)) {
          mean_positions_[kept++] = k;
          continue;
        }
        X_.col_axpy(j, -mean_direction_[k], mean_direction_Xw_);
        mean_direction_[k] = 0;
      }
      mean_positions_.resize(kept);
      if (kept < count)
        mean_direction_curvature_ = (hessian_.array() * mean_direction_Xw_.array().square()).sum();
      // Q(d + t v) on the orthant: the h-weighted part of its slope, and its curvature, at t = 0.
      const Scalar slope =
          (mean_direction_Xw_.array() * hessian_.array() * (direction_Xw_.array() + beta_)).sum();
      step_along(working_set, mean_positions_, mean_direction_, mean_direction_Xw_, Scalar(0), slope,
                 mean_direction_curvature_);
    }
  }

  // Sparse designs without an intercept, penalties with derivatives_1d: heavy-block steps and
  // bounded untrusted moves.
  bool tempers_uncentred_models() const {
    return Design::is_sparse && !options_.fit_intercept && HasDerivatives1d<PenaltyType, Scalar>;
  }

  // Heavy-block steps (heavy_columns.hpp). The block B is the heavy columns in the support of
  // w + d; the model restricted to B, the other coordinates and the signs held, is the quadratic
  //   grad_B^T delta + delta^T (H_B + diag(mu L_B)) delta / 2 + sum_B g_j(w_j + d_j + delta_j),
  // grad_B = dQ/dd_B = grad_j + X_j^T (h X_W d) + mu L_j d_j, and its Newton step on the orthant
  // of w + d (support_newton.hpp's OrthantNewton, cut where a coordinate reaches 0 first) is its
  // exact minimiser there, O(nnz(X_B) + |B|^3). The epochs still visit these coordinates: CD
  // alone on the others, with a block step after every epoch, saves two passes over X_B per
  // epoch, but on the L1-logistic /1000 cells without intercept (ab.py --paired, 4 rounds, time
  // to 1e-6) text 20000x50000 ran x0.81 (129 -> 162 epochs; its models stalled where the block's
  // step was cut at 0) while text 100000x10000 ran x1.22 (30 -> 25); only after uncut block
  // steps, both took more epochs (209 and 47 to tol 1e-8). Where CD does not crawl on the
  // heavy columns (HeavyColumns::crawls, judged at the model's first block step), the model
  // takes none. Returns the block's largest violation before the step.
  Scalar heavy_block_step(const std::vector<Index>& working_set) {
    Scalar violation = 0;
    if constexpr (HasDerivatives1d<PenaltyType, Scalar>) {
      const std::vector<Index>& heavy = heavy_.positions();
      block_.clear();
      block_features_.clear();
      for (std::size_t a = 0; a < heavy.size(); ++a) {
        const Index j = working_set[std::size_t(heavy[a])];
        if (!in_support(penalty_, j, w_[j] + direction_[heavy[a]])) continue;
        block_.push_back(Index(a));
        block_features_.push_back(j);
      }
      const Index size = Index(block_.size());
      if (size == 0) return violation;
      const Matrix<Scalar>& heavy_hessian = heavy_.hessian(X_, working_set, hessian_);
      if (!heavy_.crawls()) {  // no block step in this model
        heavy_.clear();
        return violation;
      }
      block_values_.resize(size);
      block_gradient_.resize(size);
      block_hessian_.resize(size, size);
      for (Index a = 0; a < size; ++a) {
        const Index k = heavy[std::size_t(block_[std::size_t(a)])];
        const Index j = block_features_[std::size_t(a)];
        const Scalar damping = damping_ * constants_.lipschitz[j];
        block_values_[a] = w_[j] + direction_[k];
        block_gradient_[a] = working_set_gradient_[k] + X_.col_weighted_dot(j, hessian_, direction_Xw_) +
                             damping * direction_[k];
        violation = std::max(violation, penalty_.subdiff_distance(block_values_[a], block_gradient_[a], j));
        for (Index b = 0; b <= a; ++b)
          block_hessian_(a, b) = heavy_hessian(block_[std::size_t(a)], block_[std::size_t(b)]);
        block_hessian_(a, a) += damping;
      }
      if (!block_newton_.solve(penalty_, block_features_, block_values_, block_hessian_, block_gradient_))
        return violation;
      const Vector<Scalar>& moved = block_newton_.moved();
      for (Index a = 0; a < size; ++a) {
        if (moved[a] == block_values_[a]) continue;
        const Index j = block_features_[std::size_t(a)];
        direction_[heavy[std::size_t(block_[std::size_t(a)])]] = moved[a] - w_[j];
        X_.col_axpy(j, moved[a] - block_values_[a], direction_Xw_);
      }
      ++heavy_block_steps_;
    }
    return violation;
  }

  // Where h vanishes on a column's samples (a rare feature whose few samples are far on the wrong
  // side), its model is nearly flat and its minimiser can move those predictions by 10^3 and
  // more; the line search then shortens the whole step to t ~ 1e-3 and the damping it leaves
  // shortens the next ones. An untrusted coordinate's move is clipped to the radius
  // (trust_margin + max_i |z_i|) / ||X_j|| over its column's rows (||X_j|| >= |X_ij|), unless it
  // lands on 0; X_W d follows.
  void bound_untrusted_moves(const std::vector<Index>& working_set) {
    Index bounded_moves = 0;
    for (std::size_t k = 0; k < working_set.size(); ++k) {
      const Scalar move = direction_[Index(k)];
      const Index j = working_set[k];
      if (move == Scalar(0) ||
          curvature_[Index(k)] >= Scalar(untrusted_curvature) * constants_.lipschitz[j] ||
          w_[j] + move == Scalar(0))
        continue;
      const Scalar radius = (Scalar(trust_margin) + X_.col_max_abs(j, Xw_)) / std::sqrt(X_.col_sq_norm(j));
      const Scalar bounded = std::clamp(move, -radius, radius);
      if (bounded == move) continue;
      direction_[Index(k)] = bounded;
      X_.col_axpy(j, bounded - move, direction_Xw_);
      ++bounded_moves;
    }
    if (options_.verbosity >= 2 && bounded_moves > 0)
      log() << "      bounded " << bounded_moves << " untrusted moves\n";
  }

  // Moves (d, beta) to the minimiser of the model along (v, v_beta) (X_W v = v_Xw) on the orthant
  // of w + d; `positions` lists the k with v_k != 0, ascending (the loops run over them only: v is
  // sparse in large working sets, where a pass over all of W cost as much as the epoch). Given
  // Q's slope in t at t = 0 but for sum_k v_k grad_k, and the datafit part of its curvature, adds
  // those, the penalty's (derivatives_1d) and the damping's parts, and cuts the step where a
  // penalised coordinate reaches 0 first (that coordinate set to exactly 0).
  void step_along(const std::vector<Index>& working_set, const std::vector<Index>& positions,
                  const Vector<Scalar>& v, const Vector<Scalar>& v_Xw, Scalar v_beta, Scalar slope,
                  Scalar curvature) {
    for (const Index k : positions) {
      const Index j = working_set[std::size_t(k)];
      const auto [penalty_slope, penalty_curvature] = penalty_.derivatives_1d(w_[j] + direction_[k], j);
      const Scalar damping = damping_ * constants_.lipschitz[j];
      slope += v[k] * (working_set_gradient_[k] + penalty_slope + damping * direction_[k]);
      curvature += v[k] * v[k] * (penalty_curvature + damping);
    }
    if (!(curvature > Scalar(0)) || slope == Scalar(0)) return;
    Scalar step = -slope / curvature;
    Index cut = -1;  // the penalised coordinate that reaches 0 first
    for (const Index k : positions) {
      const Index j = working_set[std::size_t(k)];
      if (!penalty_.is_penalized(j)) continue;
      const Scalar to_zero = -(w_[j] + direction_[k]) / v[k];
      if (to_zero * step > Scalar(0) && std::abs(to_zero) < std::abs(step)) {
        step = to_zero;
        cut = k;
      }
    }
    for (const Index k : positions) direction_[k] += step * v[k];
    if (cut >= 0) direction_[cut] = -w_[working_set[std::size_t(cut)]];
    direction_Xw_ += step * v_Xw;
    beta_ += step * v_beta;
  }

  // Drift steps (models without mean-direction steps). Where h vanishes on most samples (nearly
  // separable classes, |b| large), two columns can be nearly collinear in the h-weighted metric:
  // the model is almost flat along their difference, its slope there a small constant, and each
  // epoch moves both by the same amount, thousands of epochs until one reaches 0. Anderson's
  // extrapolation does not jump there (constant residuals: it averages them). When an epoch's
  // move e = d_k - d_{k-1} equals the epoch before's within steady_drift (relative, Euclidean),
  // the epoch ends with the exact minimiser of the model along (e, beta's move), cut where a
  // penalised coordinate reaches 0: O(n + |W|) per epoch. On 14 of
  // bench/compare's L1-logistic cells: the same epochs on 13, 145 -> 148 on one; on a text-like
  // 200 x 2000 problem with b = -17.9 (test_sparse_cd): 17311 -> about 1200 epochs.
  void drift_step(const std::vector<Index>& working_set) {
    if constexpr (HasDerivatives1d<PenaltyType, Scalar>) {
      const Index size = Index(working_set.size());
      move_ = direction_ - epoch_start_;
      const bool steady = last_epoch_move_.size() == size &&
                          (move_ - last_epoch_move_).norm() <= Scalar(steady_drift) * move_.norm();
      last_epoch_move_ = move_;
      if (!steady) return;
      // At 0 a penalised coordinate's G is not differentiable: such a move is not a drift.
      move_positions_.clear();
      for (Index k = 0; k < size; ++k) {
        if (move_[k] == Scalar(0)) continue;
        const Index j = working_set[std::size_t(k)];
        if (w_[j] + direction_[k] == Scalar(0) && penalty_.is_penalized(j)) return;
        move_positions_.push_back(k);
      }
      const Scalar move_beta = beta_ - epoch_start_beta_;
      move_Xw_ = direction_Xw_ - epoch_start_Xw_;
      // Q along (e, beta's move) at t = 0, u = X_W d + beta: slope sum_i (g_i + h_i u_i) m_i with
      // m = X_W e + beta's move, whose sum_i g_i (X_W e)_i = sum_k e_k grad_k step_along adds.
      const auto moved = move_Xw_.array() + move_beta;
      const Scalar slope = (hessian_.array() * (direction_Xw_.array() + beta_) * moved).sum() +
                           move_beta * raw_gradient_.sum();
      const Scalar curvature = (hessian_.array() * moved.square()).sum();
      step_along(working_set, move_positions_, move_, move_Xw_, move_beta, slope, curvature);
    }
  }

  // The working set's positions with a non-zero model curvature (the others cannot move), in
  // order_'s order if `reorders`, else ascending (coordinate_order.hpp).
  void activate_all(bool reorders) {
    active_.clear();
    for (Index k = 0; k < curvature_.size(); ++k)
      if (curvature_[k] != Scalar(0)) active_.push_back(k);
    if (reorders) order_.arrange(active_);
  }

  // Keeps Anderson's proposal for (d, beta) if it lowers the model, each penalised w_j + d_j
  // kept in its orthant (anderson.hpp). Its X_W d is rebuilt from the change of each coordinate.
  // An affine combination keeps dQ/dbeta = 0, and so does clipping d_j when beta moves with it
  // along (1, -c_j), as the epochs' updates do. Proposals after every epoch from the last 5 (a
  // sliding window: pairs of an epoch's start and end, with X_W d kept per iterate so that a
  // proposal needs no pass over X but for its clipped coordinates) were all accepted late in the
  // text L1-logistic /1000 fits without intercept: 129 -> 112 epochs to tol 5.9e-8 on 20000x50000,
  // 30 -> 29 on 100000x10000; but their O(5 (n + |support|)) work per epoch cost as much as the
  // epochs saved (ab.py --paired, 6 rounds: x0.94 and x0.97).
  void extrapolate_model(const std::vector<Index>& working_set) {
    const Index size = Index(working_set.size());
    stacked_.head(size) = direction_;
    stacked_[size] = beta_;
    if (!anderson_.push(stacked_, stacked_extrapolated_)) return;
    trial_direction_ = stacked_extrapolated_.head(size);
    Scalar trial_beta = stacked_extrapolated_[size];
    for (Index k = 0; k < size; ++k) {
      const Index j = working_set[std::size_t(k)];
      if (!penalty_.is_penalized(j)) continue;
      const Scalar clipped = within_orthant(w_[j] + trial_direction_[k], w_[j] + direction_[k]) - w_[j];
      trial_beta -= (clipped - trial_direction_[k]) * centring_[k];
      trial_direction_[k] = clipped;
    }
    trial_direction_Xw_ = direction_Xw_;
    for (Index k = 0; k < size; ++k) {
      const Scalar change = trial_direction_[k] - direction_[k];
      if (change != Scalar(0)) X_.col_axpy(working_set[std::size_t(k)], change, trial_direction_Xw_);
    }
    take_trial_if_lower(working_set, trial_beta);
  }

  // Moves (d, beta) to (trial_direction_, trial_beta) if the model is lower there; returns
  // whether it did.
  bool take_trial_if_lower(const std::vector<Index>& working_set, Scalar trial_beta) {
    if (!(model_value(working_set, trial_direction_, trial_direction_Xw_, trial_beta) <
          model_value(working_set, direction_, direction_Xw_, beta_)))
      return false;
    direction_.swap(trial_direction_);
    direction_Xw_.swap(trial_direction_Xw_);
    beta_ = trial_beta;
    return true;
  }

  // Q(d, beta) (header comment, step 1), u = X_W d + beta.
  Scalar model_value(const std::vector<Index>& working_set, const Vector<Scalar>& direction,
                     const Vector<Scalar>& direction_Xw, Scalar beta) {
    const auto u = direction_Xw.array() + beta;
    Scalar damping_term = 0;  // sum_{j in W} L_j d_j^2, skipped while mu = 0 (most steps)
    if (damping_ > Scalar(0))
      for (std::size_t k = 0; k < working_set.size(); ++k)
        damping_term += constants_.lipschitz[working_set[k]] * direction[Index(k)] * direction[Index(k)];
    return (u * (raw_gradient_.array() + hessian_.array() * u / Scalar(2))).sum() +
           damping_ * damping_term / Scalar(2) + penalty_change(working_set, direction, Scalar(1));
  }

  // One cyclic pass over the active positions; returns the largest model violation met (each taken
  // just before its coordinate's update), and sums the updates' decreases of the model's value in
  // epoch_decrease_. Drops the positions that shrink (solve_model).
  Scalar model_epoch(const std::vector<Index>& working_set, Scalar margin) {
    if (paired_model_) sample_pairs_.row(1) = direction_Xw_.transpose();  // row 0 holds h (solve_model)
    Scalar violation = 0;
    epoch_decrease_ = 0;
    std::size_t kept = 0;
    for (std::size_t position = 0; position < active_.size(); ++position) {
      const Index k = active_[position];
      const Index j = working_set[std::size_t(k)];
      const Scalar damping = damping_ * constants_.lipschitz[j];
      const Scalar curvature = curvature_[Index(k)] + damping;
      const Scalar current = w_[j] + direction_[Index(k)];
      // dQ/dd_j = X_j^T (g + h (X_W d + beta)) + mu L_j d_j
      //         = grad_j + X_j^T (h X_W d) + beta sum_i h_i X_ij + mu L_j d_j.
      const Scalar model_gradient = working_set_gradient_[Index(k)] + column_hessian_dot(j) +
                                    beta_ * weighted_sums_[Index(k)] + damping * direction_[Index(k)];
      const Scalar model_violation = penalty_.subdiff_distance(current, model_gradient, j);
      violation = std::max(violation, model_violation);
      if (model_violation > heavy_violation_ && heavy_.is_heavy(k)) heavy_violation_ = model_violation;
      if (shrinks(j, current, model_gradient, margin)) continue;
      active_[kept++] = k;
      const Scalar updated = penalty_.prox_1d(current - model_gradient / curvature, Scalar(1) / curvature, j);
      if (updated == current) continue;
      const Scalar change = updated - current;
      // The minimiser of c t^2 / 2 + a t + g_j(current + t) lies c change^2 / 2 below t = 0 when
      // g_j is linear between them (L1 within an orthant), and further below otherwise.
      epoch_decrease_ += curvature * change * change / Scalar(2);
      direction_[Index(k)] = updated - w_[j];
      move_direction_Xw(j, change);
      beta_ -= change * centring_[Index(k)];
    }
    active_.resize(kept);
    if (paired_model_) direction_Xw_ = sample_pairs_.row(1).transpose();
    return violation;
  }

  // X_j^T (h X_W d) and X_W d += change X_j, on sample_pairs_ = (h, X_W d) during a paired
  // model's epoch (pairs_samples).
  Scalar column_hessian_dot(Index j) const {
    if constexpr (Design::is_sparse)
      if (paired_model_) return X_.col_weighted_dot(j, sample_pairs_.row(0), sample_pairs_.row(1));
    return X_.col_weighted_dot(j, hessian_, direction_Xw_);
  }
  void move_direction_Xw(Index j, Scalar change) {
    if constexpr (Design::is_sparse) {
      if (paired_model_) {
        X_.col_axpy(j, change, sample_pairs_.row(1));
        return;
      }
    }
    X_.col_axpy(j, change, direction_Xw_);
  }

  // Backtracking along (d, beta) (header comment, step 2). Moves to the accepted point (with
  // raw_gradient_ there) and returns t, or returns 0 and stays.
  Scalar line_search(const std::vector<Index>& working_set) {
    const Scalar initial_slope = raw_gradient_.dot(direction_Xw_) + beta_ * raw_gradient_.sum();
    const Scalar predicted = initial_slope + penalty_change(working_set, direction_, Scalar(1));
    Scalar objective_value = -1;  // P(w), once test a fails
    Scalar step = 1;
    for (int halving = 0; halving <= max_halvings; ++halving, step /= Scalar(2)) {
      trial_Xw_ = Xw_.array() + step * (direction_Xw_.array() + beta_);
      datafit_.raw_gradient(y_, trial_Xw_, trial_gradient_);
      const Scalar slope = trial_gradient_.dot(direction_Xw_) + beta_ * trial_gradient_.sum();
      const Scalar penalty = penalty_change(working_set, direction_, step);
      bool accepted = penalty + step * slope < Scalar(0);
      if (!accepted) {
        if (objective_value < Scalar(0)) objective_value = objective();
        const Scalar epsilon = std::numeric_limits<Scalar>::epsilon();
        const bool unmeasurable = !(std::abs(predicted) > Scalar(100) * epsilon * objective_value);
        // Only along a descent direction: for Delta > 0 the test would accept an increase.
        const bool near_optimum = predicted < Scalar(0) && -predicted <= std::sqrt(epsilon) * objective_value;
        const Scalar trapezoid = penalty + step / Scalar(2) * (initial_slope + slope);
        accepted = (step == Scalar(1) && unmeasurable) ||
                   (near_optimum && trapezoid <= Scalar(sufficient_decrease) * step * predicted);
      }
      if (!accepted) continue;
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
        if (direction[Index(k)] == Scalar(0)) continue;  // most of a large working set: a term of 0
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

  // The model of the current step, per working-set position k (grad_j: working_set_gradient_).
  Vector<Scalar> hessian_;        // h = f'' at Xw_
  Vector<Scalar> weighted_sums_;  // sum_i h_i X_ij
  Vector<Scalar> centring_;       // c_j (0 without an intercept)
  Vector<Scalar> curvature_;      // d2Q/dd_j^2 with beta eliminated (0: skipped)
  Vector<Scalar> direction_;      // d
  Vector<Scalar> direction_Xw_;   // X_W d
  Scalar beta_ = 0;
  Scalar intercept_newton_step_ = 0;     // -sum(g) / sum(h), beta's start
  Scalar hessian_sum_ = 0;               // sum(h) (0 when the intercept stays put)
  Scalar damping_ = 0;                   // mu, kept from step to step (adapt_damping)
  Vector<Scalar> mean_direction_;        // v (mean_direction_step; 0 where the steps are off)
  std::vector<Index> mean_positions_;    // the k with v_k != 0, ascending
  Vector<Scalar> mean_direction_Xw_;     // X_W v
  SamplePairs<Scalar> sample_pairs_;     // (g, h) in build_model, (h, X_W d) in epochs (pairs_samples)
  bool paired_model_ = false;            // whether the current model's epochs use sample_pairs_
  Scalar mean_direction_curvature_ = 0;  // v^T X_W^T diag(h) X_W v
  HeavyColumns<Scalar> heavy_;           // the working set's heavy columns (heavy_block_step)
  Scalar heavy_violation_ = 0;           // their largest model violation in the current epoch
  Scalar epoch_decrease_ = 0;            // of the model's value by the current epoch's CD updates
  int heavy_block_steps_ = 0;            // in the current model
  std::vector<Index> block_;             // heavy_.positions() indices of the block
  std::vector<Index> block_features_;
  Vector<Scalar> block_values_, block_gradient_;
  Matrix<Scalar> block_hessian_;
  OrthantNewton<Scalar> block_newton_;

  AndersonAccelerator<Scalar> anderson_;  // on (d, beta)
  Vector<Scalar> stacked_;
  Vector<Scalar> stacked_extrapolated_;
  Vector<Scalar> epoch_start_;  // d, X_W d and beta before the current epoch (drift_step)
  Vector<Scalar> epoch_start_Xw_;
  Scalar epoch_start_beta_ = 0;
  Vector<Scalar> move_;                // e, the current epoch's move of d
  std::vector<Index> move_positions_;  // the k with e_k != 0, ascending
  Vector<Scalar> last_epoch_move_;     // the epoch before's (empty at a model's start)
  Vector<Scalar> move_Xw_;             // X_W e
  Vector<Scalar> trial_direction_;
  Vector<Scalar> trial_direction_Xw_;
  Vector<Scalar> trial_Xw_;
  Vector<Scalar> trial_gradient_;
  Vector<Scalar> trial_w_;
  std::vector<Index> active_;  // the positions that model epochs visit, in their order
  CoordinateOrder order_;      // cyclic or random, switched at each stalled model
};

}  // namespace sparseglm::detail
