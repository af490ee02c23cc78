#pragma once
// Working-set coordinate descent with Anderson acceleration (the solver behind sparseglm::solve).
//
// Outer loop as every working-set solver (working_set_solver.hpp); the working set's problem is
// solved with cyclic CD epochs w_j <- prox_{g_j / L_j}(w_j - grad_j / L_j), each
// followed by the intercept step, Anderson extrapolation of (w_ws, b, Xw) every K+1 epochs, and
// the working set's own criterion every 10 epochs, down to 0.3 times the outer criterion.
//
// Bertrand, Klopfenstein, Massias et al., "Beyond L1: Faster and Better Sparse Models with
// skglm", NeurIPS 2022; Bertrand & Massias, "Anderson acceleration of coordinate descent",
// AISTATS 2021; Massias, Gramfort & Salmon, "Celer", ICML 2018 (working sets).

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "sparseglm/core/types.hpp"
#include "sparseglm/solvers/anderson.hpp"
#include "sparseglm/solvers/coordinate_constants.hpp"
#include "sparseglm/solvers/gram_cd.hpp"
#include "sparseglm/solvers/options.hpp"
#include "sparseglm/solvers/progress.hpp"
#include "sparseglm/solvers/support_newton.hpp"
#include "sparseglm/solvers/working_set_solver.hpp"

namespace sparseglm::detail {

/// One fit of an initialised datafit and a penalty on a validated problem. X, y, the datafit,
/// the penalty, the options and the coordinate constants must outlive the object.
template <class Design, class DatafitType, class PenaltyType>
class AndersonCD : public WorkingSetSolver<AndersonCD<Design, DatafitType, PenaltyType>, Design, DatafitType,
                                           PenaltyType> {
  using Base = WorkingSetSolver<AndersonCD, Design, DatafitType, PenaltyType>;
  friend Base;

 public:
  using Scalar = typename Design::ScalarType;
  using Base::Base;

  /// Gradient of the datafit at the null model (penalised coefficients at 0, intercept and
  /// unpenalised features at their own optimum): what alpha_max is computed from.
  Vector<Scalar> null_model_gradient() {
    w_.setZero(X_.cols());
    b_ = 0;
    Xw_.setZero(X_.rows());
    check_objective_is_finite();
    fit_null_model();
    compute_full_gradient();
    return gradient_;
  }

  /// Moves (w, b), whose penalised coefficients are 0, to the null model exactly as run() does,
  /// so that other solvers meet alpha_max at the very same point. Returns the epochs it took.
  int fit_null_model_from(Vector<Scalar>& w, Scalar& b) {
    w_ = w;
    b_ = options_.fit_intercept ? b : Scalar(0);
    recompute_predictions();
    fit_null_model();
    w = w_;
    b = b_;
    return epochs_;
  }

 private:
  using Base::b_;
  using Base::check_objective_is_finite;
  using Base::compute_full_gradient;
  using Base::constants_;
  using Base::datafit_;
  using Base::epochs_;
  using Base::gradient_;
  using Base::log;
  using Base::mark_predictions_stale;
  using Base::objective;
  using Base::options_;
  using Base::penalty_;
  using Base::raw_gradient_;
  using Base::recompute_predictions;
  using Base::refresh_predictions;
  using Base::shrink_margin;
  using Base::shrinks;
  using Base::unpenalized_;
  using Base::w_;
  using Base::working_set_gradient_;
  using Base::X_;
  using Base::Xw_;
  using Base::y_;

  // The smallest working set (options.p0 = 0): 40 rather than skglm's 10. The first working set
  // is solved cheaply (least squares: on its Gram matrix, down to tol), and one of 40 more often
  // holds the whole support of a fit with few non-zeros, which saves the outer iterations (one
  // X^T v each) that a working set of 10 grows through. On bench/compare's least-squares cells
  // (A/B, 3 rounds) 40 ran x1.11 faster in geometric mean, 25 x1.06.
  static constexpr Index default_p0 = 40;

  Index next_working_set_size(Index support) const {
    return covariance_mode_ ? w_.size() : Base::default_working_set_size(support);
  }

  // A working set whose columns hold half of X's entries (a third near the end on sparse data:
  // widening_pays in working_set.hpp) becomes every feature: its epochs cost at least half of
  // those on all features, while the light columns it leaves out (Zipf-like text data: a few
  // frequent words hold most entries) would each take another outer iteration to enter. On
  // bench/compare's text and we8there least-squares cells /100 and /1000 (ab.py, 3 rounds) the
  // half rule gave x1.07 in geometric mean: text 100000x10000 Lasso /1000 with intercept x1.38
  // (11 -> 9 epochs), text ElasticNet /1000 without intercept x1.70 (18 -> 10 and 56 -> 26
  // epochs), but x0.82 where a set is widened far from the solution (text 100000x10000 Lasso
  // /1000 without intercept: the same 16 epochs, more of them on every feature); we8there's the
  // same epochs within 8%. Dense data is untouched: the rule needs half of the features.
  static constexpr bool widens_heavy_working_sets = true;

  // Not for least squares: on bench/compare's least-squares cells with an intercept (ab.py, 2
  // rounds, 11 cells) x1.035 in geometric mean, too mixed to keep: we8there /1000 x1.3 to x1.5
  // (125 -> 84 epochs) and dense 500x5000 Lasso /1000 x1.21, but text 20000x50000 Lasso /1000 and
  // we8there Lasso /100 x0.87.
  bool takes_settled_violators(Index) const { return false; }

  // The working set's criterion, with the intercept's violation |dF/db| = |sum_i grad f_i|, from
  // its gradients X_j^T grad f(Xw_) (into working_set_gradient_, by position: the products of the
  // outer check's X^T v, which takes them after the last check).
  Scalar working_set_criterion(const std::vector<Index>& working_set) {
    datafit_.raw_gradient(y_, Xw_, raw_gradient_);
    Scalar criterion = options_.fit_intercept ? std::abs(raw_gradient_.sum()) : Scalar(0);
    working_set_gradient_.resize(Index(working_set.size()));
    for (std::size_t k = 0; k < working_set.size(); ++k) {
      const Index j = working_set[k];
      const Scalar gradient = X_.col_dot(j, raw_gradient_);
      working_set_gradient_[Index(k)] = gradient;
      criterion = std::max(criterion, penalty_.subdiff_distance(w_[j], gradient, j));
    }
    return criterion;
  }

  // One cyclic pass over `active`, then the intercept step. Returns the largest violation met
  // (each coordinate's, taken just before its update): a free estimate of the working set's
  // criterion, which tells when computing that criterion is worth it. Drops from `active` the
  // coordinates that shrink under `margin` (solve_working_set).
  Scalar coordinate_descent_epoch(std::vector<Index>& active, Scalar margin) {
    if constexpr (least_squares) {
      if (options_.fit_intercept || lagged_mean_relaxation_ > Scalar(0))
        return centered_least_squares_epoch(active, margin);
    }
    Scalar violation = 0;
    std::size_t kept = 0;
    for (std::size_t position = 0; position < active.size(); ++position) {
      const Index j = active[position];
      const Scalar lipschitz = constants_.lipschitz[j];
      if (constants_.centered[j]) {
        const auto [violation_j, shrunk] = centered_update(j, lipschitz, margin);
        violation = std::max(violation, violation_j);
        if (!shrunk) active[kept++] = j;
        continue;
      }
      const Scalar old_value = w_[j];
      const Scalar gradient = datafit_.gradient_j(X_, y_, Xw_, j);
      violation = std::max(violation, penalty_.subdiff_distance(old_value, gradient, j));
      if (shrinks(j, old_value, gradient, margin)) continue;
      active[kept++] = j;
      const Scalar new_value = penalty_.prox_1d(old_value - gradient / lipschitz, Scalar(1) / lipschitz, j);
      if (new_value != old_value) {
        X_.col_axpy(j, new_value - old_value, Xw_);
        w_[j] = new_value;
      }
    }
    active.resize(kept);
    if (options_.fit_intercept) {
      const Scalar step = datafit_.intercept_step(y_, Xw_);
      if (step != Scalar(0)) {
        b_ -= step;
        Xw_.array() -= step;
      }
    }
    return violation;
  }

  // Least squares with an intercept: every update moves (w_j, b) along (1, -mean_j)
  // (coordinate_constants.hpp) at O(nnz(X_j)). During the epoch the prediction is Xw_ + shift 1:
  // the constant part -delta mean_j 1 of each update is deferred to one O(n) pass at the end, as
  // the gradient is affine in the prediction, grad_j(Xw + s 1) = grad_j(Xw) + s mean_j. A centred
  // update leaves sum_i (Xw)_i, hence dF/db, unchanged; the epoch ends with the intercept step,
  // b -= dF/db (glmnet's updates of sparse columns, Friedman et al. 2010).
  //
  // Lagged-mean epochs (least squares without an intercept, lagged_mean_relaxation_ > 0): with
  // X = X~ + 1 m^T (X~ centred), F(w) = ||y~ - X~ w||^2 / 2n + (m^T w - mean(y))^2 / 2, and the
  // rank-one term couples every coordinate: plain cyclic CD on columns that share a large mean
  // (non-negative data: counts, tf-idf, raw levels) is its worst case (Sun & Ye 2019) and crawls.
  // These epochs update along centred columns (curvature L~_j) against a residual mean r held
  // at a lagged value, grad_j = X~_j^T (X~ w - y~) / n + m_j r, so each epoch is CD on the
  // centred problem; the epoch then moves r towards the actual mean(Xw - y) by the factor
  // 1 / (1 + beta) (lagged_mean_relaxation). With beta = m^T H~^{-1} m (H~ = X~^T X~ / n on the
  // support) that factor solves the rank-one part exactly (Sherman-Morrison); beta is estimated
  // from the diagonal, and Anderson extrapolation, which carries r with w, absorbs the error (a
  // factor of 1/10 to 3 of the exact one measured the same on text 100000x10000). At r =
  // mean(Xw - y), grad_j is the true gradient, so the fixed point is the problem's solution. Xw_
  // stays the exact prediction: only the gradients see r.
  Scalar centered_least_squares_epoch(std::vector<Index>& active, Scalar margin) {
    const bool lagged = !options_.fit_intercept;
    const Scalar residual_mean = datafit_.intercept_step(y_, Xw_);  // mean(Xw - y) = dF/db
    // The residual mean that the updates see: 0 with an intercept (b at its optimum), else r.
    const Scalar seen_mean = lagged ? lagged_mean_ : Scalar(0);
    const Vector<Scalar>& curvature = lagged ? constants_.centered_lipschitz : constants_.lipschitz;
    Scalar shift = 0, violation = 0;
    std::size_t kept = 0;
    for (std::size_t position = 0; position < active.size(); ++position) {
      const Index j = active[position];
      const Scalar lipschitz = curvature[j];
      const Scalar mean = constants_.column_means[j];
      const Scalar old_value = w_[j];
      const Scalar prediction_gradient = datafit_.gradient_j(X_, y_, Xw_, j);
      const Scalar gradient = prediction_gradient + mean * (shift - residual_mean + seen_mean);
      // Without an intercept Xw_ is the exact prediction: the violation met is the true one.
      violation = std::max(violation,
                           penalty_.subdiff_distance(old_value, lagged ? prediction_gradient : gradient, j));
      if (shrinks(j, old_value, gradient, margin)) continue;
      active[kept++] = j;
      const Scalar new_value = penalty_.prox_1d(old_value - gradient / lipschitz, Scalar(1) / lipschitz, j);
      if (new_value == old_value) continue;
      const Scalar delta = new_value - old_value;
      X_.col_axpy(j, delta, Xw_);
      w_[j] = new_value;
      shift -= delta * mean;
    }
    active.resize(kept);
    if (lagged) {
      lagged_mean_ += lagged_mean_relaxation_ * ((residual_mean - shift) - lagged_mean_);
    } else {
      b_ += shift - residual_mean;
      Xw_.array() += shift - residual_mean;
    }
    return violation;
  }

  // 1 / (1 + beta) for lagged-mean epochs on the working set, or 0 for plain epochs: beta =
  // sum_j m_j^2 / L~_j over the working set's support (all of its coordinates while that is
  // empty), the Jacobi estimate of m^T H~^{-1} m. Plain epochs for datafits without centred
  // curvatures (no lipschitz_is_column_norm), when the coupling is weak
  // (beta < min_mean_coupling: nearly centred columns; the Gaussian designs of bench/compare
  // give 1 to 2, text ones 12 to 65) and where columns are dominated by their mean, which
  // centring would leave with less than 1% of L_j (nearly constant), or, for more than 10% of
  // the columns, less than half of it (raw expression levels): centred steps along such columns
  // are long, and the estimate of beta is far off (on such designs the epochs diverged).
  Scalar lagged_mean_relaxation(const std::vector<Index>& working_set) const {
    if constexpr (least_squares) {
      if (options_.fit_intercept || constants_.centered_lipschitz.size() == 0) return 0;
      Scalar support_coupling = 0, coupling = 0;
      Index movable = 0, dominated = 0;
      for (const Index j : working_set) {
        const Scalar lipschitz = constants_.lipschitz[j], centered = constants_.centered_lipschitz[j];
        if (lipschitz == Scalar(0)) continue;
        if (Scalar(100) * centered < lipschitz) return 0;
        ++movable;
        if (Scalar(2) * centered < lipschitz) ++dominated;
        const Scalar mean = constants_.column_means[j];
        const Scalar ratio = mean * mean / centered;
        coupling += ratio;
        if (in_support(penalty_, j, w_[j])) support_coupling += ratio;
      }
      const Scalar beta = support_coupling > Scalar(0) ? support_coupling : coupling;
      if (beta < Scalar(min_mean_coupling) || 10 * dominated > movable) return 0;
      return Scalar(1) / (Scalar(1) + beta);
    } else {
      return 0;
    }
  }

  // Moves (w_j, b) along (1, -mean_j): a prox step on the centred column (coordinate_constants.hpp).
  // Returns the violation along that direction before the step, and whether j shrinks instead.
  std::pair<Scalar, bool> centered_update(Index j, Scalar lipschitz, Scalar margin) {
    const Scalar mean = constants_.column_means[j];
    const auto [gradient_j, gradient_b] = gradient_j_and_intercept(j);
    const Scalar old_value = w_[j];
    const Scalar gradient = gradient_j - mean * gradient_b;
    const Scalar violation = penalty_.subdiff_distance(old_value, gradient, j);
    if (shrinks(j, old_value, gradient, margin)) return {violation, true};
    const Scalar new_value = penalty_.prox_1d(old_value - gradient / lipschitz, Scalar(1) / lipschitz, j);
    if (new_value == old_value) return {violation, false};
    const Scalar delta = new_value - old_value;
    X_.col_centered_axpy(j, delta, mean, Xw_);
    w_[j] = new_value;
    b_ -= delta * mean;
    return {violation, false};
  }

  std::pair<Scalar, Scalar> gradient_j_and_intercept(Index j) {
    if constexpr (requires { datafit_.gradient_j_and_intercept(X_, y_, Xw_, j); }) {
      return datafit_.gradient_j_and_intercept(X_, y_, Xw_, j);
    } else {
      datafit_.raw_gradient(y_, Xw_, raw_gradient_);
      return {datafit_.gradient_j(X_, y_, Xw_, j), raw_gradient_.sum()};
    }
  }

  // Anderson extrapolation of (w_ws, b), penalised coordinates kept in their orthant
  // (anderson.hpp); kept only if it lowers the objective. The proposal's Xw is rebuilt from the
  // change of each coefficient (O(nnz(X_ws))): combining the stored Xw with Anderson's weights,
  // which can be large and of both signs, loses the digits that ill-conditioned problems need,
  // and the solver would then converge to a wrong point.
  void extrapolate(const std::vector<Index>& working_set) {
    const Index size = Index(working_set.size());
    for (Index k = 0; k < size; ++k) stacked_[k] = w_[working_set[k]];
    // The scalar extrapolated with w_ws: the intercept, or the lagged mean r of lagged-mean
    // epochs (which the prediction does not contain).
    const bool lagged = lagged_mean_relaxation_ > Scalar(0);
    stacked_[size] = lagged ? lagged_mean_ : b_;
    if (!anderson_.push(stacked_, stacked_extrapolated_)) return;
    for (Index k = 0; k < size; ++k)
      if (penalty_.is_penalized(working_set[k]))
        stacked_extrapolated_[k] = within_orthant(stacked_extrapolated_[k], stacked_[k]);
    Xw_extrapolated_ = Xw_;
    for (Index k = 0; k < size; ++k) {
      const Scalar change = stacked_extrapolated_[k] - stacked_[k];
      if (change != Scalar(0)) X_.col_axpy(working_set[k], change, Xw_extrapolated_);
    }
    if (!lagged) Xw_extrapolated_.array() += stacked_extrapolated_[size] - b_;
    const Scalar current = objective();
    for (Index k = 0; k < size; ++k) w_[working_set[k]] = stacked_extrapolated_[k];
    const Scalar extrapolated = datafit_.value(y_, Xw_extrapolated_) + penalty_.value(w_);
    const Scalar rounding = Scalar(100) * std::numeric_limits<Scalar>::epsilon() * std::abs(current);
    if (extrapolated < current - rounding) {
      Xw_.swap(Xw_extrapolated_);
      (lagged ? lagged_mean_ : b_) = stacked_extrapolated_[size];
    } else {
      for (Index k = 0; k < size; ++k) w_[working_set[k]] = stacked_[k];
    }
  }

  struct InnerLoopSettings {
    Scalar tol;           // stop when the working set's criterion is <= tol
    int epoch_limit;      // ... or when the fit's epoch count reaches epoch_limit
    int check_every;      // epochs between two evaluations of the criterion
    int anderson_memory;  // 0: no extrapolation
  };

  // The working set's problem, by epochs on X or (least-squares datafits) on its Gram matrix.
  // GramMode::automatic: when the working set is small next to n (an update on the Gram matrix
  // then costs at most an eighth of one on X), start on X and move to the Gram matrix once the
  // epochs on X have cost as much as forming it would (the ski-rental rule: never more than twice
  // the cost of the better choice known in hindsight). Gram rows cached by earlier working sets
  // (gram_cd.hpp; a path keeps them for all its alphas) are not paid again: when at most a
  // quarter of the matrix's cost is left to pay, an update on it only has to be cheaper than one
  // on X (|W| <= 2n). Returns whether it ends on a passing check of epochs on X, whose
  // gradients (working_set_gradient_) are current there.
  bool solve_inner_problem(const std::vector<Index>& working_set, Scalar inner_tol) {
    const InnerLoopSettings on_x{inner_tol, options_.max_epochs, 10, options_.anderson_memory};
    const Index size = Index(working_set.size());
    const double uncached_cost = least_squares ? gram_cost(working_set) : 0;
    const bool mostly_cached = 4 * uncached_cost <= X_.gram_work(double(size), x_epoch_cost(working_set) / 2);
    const bool gram_epochs_are_cheap = 4 * size <= X_.rows() ||  // O(|W|) against O(2n)
                                       (size <= 2 * X_.rows() && mostly_cached);
    if (!least_squares || options_.gram == GramMode::never ||
        (options_.gram == GramMode::automatic && !covariance_mode_ && !gram_epochs_are_cheap))
      return solve_working_set(working_set, on_x);
    if (options_.gram == GramMode::automatic && !covariance_mode_ && uncached_cost > 0) {
      const double budget = uncached_cost / x_epoch_cost(working_set);
      InnerLoopSettings rented = on_x;
      rented.epoch_limit =
          int(std::min<double>(options_.max_epochs, epochs_ + std::max(1.0, std::ceil(budget))));
      if (solve_working_set(working_set, rented)) return true;
      if (epochs_ >= options_.max_epochs) return false;
    }
    return !solve_on_gram(working_set) && solve_working_set(working_set, on_x);
  }

  // Work of one epoch on X: a dot product (and, when the coordinate moves, an axpy) per column.
  double x_epoch_cost(const std::vector<Index>& working_set) const {
    return 2 * Base::stored_entries(working_set) + 1;
  }

  // Work of forming the rows of the working set's Gram matrix that are not cached yet, in the
  // units of x_epoch_cost (the design's estimate, core/cross_gram.hpp): the whole matrix's, less
  // the cached block's.
  double gram_cost(const std::vector<Index>& working_set) const {
    double size = 0, entries = 0, cached_size = 0, cached_entries = 0;
    for (const Index j : working_set) {
      const double column_entries = double(X_.col_nnz(j));
      size += 1;
      entries += column_entries;
      if (gram_cd_.is_cached(j)) {
        cached_size += 1;
        cached_entries += column_entries;
      }
    }
    return X_.gram_work(size, entries) - X_.gram_work(cached_size, cached_entries);
  }

  // CD epochs on the working set with Anderson extrapolation; returns whether the working set's
  // criterion reached settings.tol, in which case the check that showed it is the last thing done.
  // The criterion (half an epoch's work) is computed every settings.check_every epochs, and after
  // any epoch whose violations met were all <= tol.
  // Shrinking (as in ProxNewton's model solves): a coordinate at 0 whose gradient lies inside its
  // subdifferential by more than shrink_margin(last epoch's violation) leaves the
  // epochs; a computed criterion above tol brings every coordinate back, and extrapolation
  // restarts then. A coordinate that shrinks stays at 0, where the proposals keep it (anderson.hpp),
  // so Anderson's history survives shrinking: restarting it there, as the coordinates of ill-
  // conditioned sparse fits shrink one by one in most epochs, left them without extrapolation.
  bool solve_working_set(const std::vector<Index>& working_set, const InnerLoopSettings& settings) {
    const Index size = Index(working_set.size());
    stacked_.resize(size + 1);
    stacked_extrapolated_.resize(size + 1);
    Xw_extrapolated_.resize(Xw_.size());
    anderson_.reset(size + 1, settings.anderson_memory);
    ProgressMonitor<Scalar> progress(10);
    activate_movable(working_set);
    start_lagged_mean(working_set);
    const std::size_t movable = active_.size();
    Scalar margin = std::numeric_limits<Scalar>::infinity();  // nothing shrinks in the first epoch
    double epochs_cost = 0;  // of the epochs since the last Newton step (try_newton_step)
    if constexpr (least_squares && HasDerivatives1d<PenaltyType, Scalar>)
      objective_before_epochs_ = objective();
    for (int epoch = 1; epochs_ < settings.epoch_limit; ++epoch) {
      const std::size_t visited = active_.size();
      epochs_cost += x_epoch_cost(active_);
      const Scalar violation_met = coordinate_descent_epoch(active_, margin);
      ++epochs_;
      margin = shrink_margin(violation_met);
      extrapolate(working_set);
      const bool scheduled = epoch % settings.check_every == 0;
      if (scheduled || violation_met <= settings.tol) {
        if (lagged_mean_relaxation_ > Scalar(0) && !lagged_mean_goes_on(working_set)) {
          anderson_.reset(size + 1, settings.anderson_memory);  // its history holds r, not b
          activate_movable(working_set);
          continue;
        }
        refresh_predictions();  // so that the outer check can take the gradients of this one
        const Scalar criterion = working_set_criterion(working_set);
        if (options_.verbosity >= 2)
          log() << "    epoch " << epoch << ": working-set criterion " << criterion << ", " << visited
                << " of " << movable << " coordinates visited\n";
        if (criterion <= settings.tol) return true;
        if (scheduled && try_newton_step(working_set, epochs_cost)) {
          anderson_.reset(size + 1, settings.anderson_memory);
          if (lagged_mean_relaxation_ > Scalar(0)) restart_lagged_mean(working_set);
          continue;
        }
        if (!std::isfinite(criterion) || (scheduled && progress.stalled_after(criterion, objective())))
          return false;
        if (active_.size() < movable) {
          activate_movable(working_set);
          anderson_.reset(size + 1, settings.anderson_memory);
        }
        if (lagged_mean_relaxation_ > Scalar(0)) {  // the factor of the current support
          lagged_mean_relaxation_ = lagged_mean_relaxation(working_set);
          if (lagged_mean_relaxation_ == Scalar(0)) anderson_.reset(size + 1, settings.anderson_memory);
        }
      }
    }
    return false;
  }

  // Least squares with a penalty that gives derivatives_1d: a Newton step on the support with
  // the signs held (support_newton.hpp), once the epochs since the last one have cost as much as
  // it does (ski rental: the epochs never cost more than twice the better choice in hindsight).
  // Well-conditioned fits converge before the step pays; ill-conditioned ones, whose epochs
  // crawl, get it every time it is paid for again.
  // A step cut short (at P's minimiser along it, OrthantNewton::Length::line_minimum) is followed
  // by one on the support and signs it leaves, up to SupportNewton::max_rounds, while each
  // lowers P at least as fast per unit of work as the epochs before the first did. Those rounds
  // are charged to the next epochs (epochs_cost goes below 0), unless one lands on its orthant's
  // minimiser.
  // A support of at least as many features as X has rows (less one for the intercept) has a
  // singular X~_S^T X~_S (Lasso) or a nearly singular one (small l2 curvature): its steps move
  // along the null space and remove one feature each. They pay where the epochs crawl:
  // near-interpolating fits (p > n without intercept at alpha_max / 1000, y centred), whose
  // supports pass n features and must shrink back (eyedata Lasso: 875451 epochs and 8 s without
  // these steps, 10043 epochs and 0.11 s with them). They do not on dense 500 x 5000 at
  // alpha_max / 1000, whose supports of 530 to 660 features on 500 rows converge in about 900
  // epochs, where forming each X~_S^T X~_S costs about 150 epochs. So a first step on such a
  // support waits until the epochs have cost wide_support_wait steps.
  static constexpr double wide_support_wait = 16;
  bool try_newton_step(const std::vector<Index>& working_set, double& epochs_cost) {
    if constexpr (least_squares && HasDerivatives1d<PenaltyType, Scalar>) {
      bool moved = false;
      double epochs_spent = 0;     // cost of the epochs before the first round
      Scalar current = 0;          // P
      Scalar epochs_decrease = 0;  // of P by those epochs
      for (int round = 1; round <= SupportNewton<Scalar>::max_rounds; ++round) {
        const std::vector<Index>& support = newton_.find_support(penalty_, working_set, w_);
        const double size = double(support.size());
        const double step_cost = X_.gram_work(size, x_epoch_cost(support) / 2) + size * size * size / 12;
        if (round == 1) {
          const bool wide = size >= double(X_.rows() - Index(options_.fit_intercept));
          if (epochs_cost < (wide ? wide_support_wait : 1) * step_cost) return false;
          epochs_spent = epochs_cost;
          epochs_cost = 0;
          current = objective();
          epochs_decrease = objective_before_epochs_ - current;
        } else {
          epochs_cost -= step_cost;
        }
        const bool stepped = newton_.step(X_, y_, penalty_, options_.fit_intercept, w_, b_, Xw_);
        const Scalar decrease = stepped ? newton_.decrease() : Scalar(0);
        if (options_.verbosity >= 2)
          log() << "    Newton step on a support of " << support.size() << " features: "
                << (stepped ? "objective " + std::to_string(double(current)) + " -> " +
                                  std::to_string(double(current - decrease))
                            : std::string("not taken"))
                << '\n';
        current -= decrease;
        if (!stepped) break;
        moved = true;
        if (newton_.length() == Scalar(1)) {
          epochs_cost = 0;
          break;
        }
        // The next round while this one lowered P at least as fast per unit of work as the epochs.
        if (double(decrease) * epochs_spent < double(epochs_decrease) * step_cost) break;
      }
      objective_before_epochs_ = current;
      return moved;
    } else {
      return false;
    }
  }

  // Lagged-mean epochs from the current point, or plain ones.
  void start_lagged_mean(const std::vector<Index>& working_set) {
    lagged_mean_relaxation_ = lagged_mean_relaxation(working_set);
    if (lagged_mean_relaxation_ == Scalar(0)) return;
    restart_lagged_mean(working_set);
    if (options_.verbosity >= 2)
      log() << "    lagged-mean epochs, relaxation " << lagged_mean_relaxation_ << '\n';
  }
  void restart_lagged_mean(const std::vector<Index>& working_set) {
    lagged_mean_ = datafit_.intercept_step(y_, Xw_);  // r = mean(Xw - y)
    lagged_mean_objective_ = objective();
    lagged_mean_start_w_.resize(Index(working_set.size()));
    for (std::size_t k = 0; k < working_set.size(); ++k) lagged_mean_start_w_[Index(k)] = w_[working_set[k]];
    lagged_mean_start_Xw_ = Xw_;
  }

  // Lagged-mean epochs do not descend by construction: while r lags, the epochs minimise a
  // problem that ignores the last moves of the mean, so the objective may rise for several
  // epochs (more than 2-fold on the designs of test_lagged_mean.cpp, in working sets that then
  // converge), and a relaxation factor far off makes them diverge. So they are judged at each
  // check of the working set's criterion: once the objective is above its value where they
  // started, that point is restored and plain epochs finish the working set. Returns whether
  // lagged-mean epochs go on.
  bool lagged_mean_goes_on(const std::vector<Index>& working_set) {
    if (objective() <= lagged_mean_objective_) return true;
    for (std::size_t k = 0; k < working_set.size(); ++k) w_[working_set[k]] = lagged_mean_start_w_[Index(k)];
    Xw_ = lagged_mean_start_Xw_;
    lagged_mean_relaxation_ = 0;
    if (options_.verbosity >= 2) log() << "    plain epochs from here\n";
    return false;
  }

  // The working set's coordinates with a non-zero Lipschitz constant (the others cannot move).
  void activate_movable(const std::vector<Index>& working_set) {
    active_.clear();
    for (const Index j : working_set)
      if (constants_.lipschitz[j] != Scalar(0)) active_.push_back(j);
  }

  // Least-squares datafits: the working set's problem on its Gram matrix (gram_cd.hpp), solved
  // down to tol itself: its epochs are cheap next to forming the matrix, and outer iterations
  // (each a product with X^T) are saved. Returns false, leaving the work to epochs on X, when the
  // Gram solver moved nothing (its criterion, computed from X^T X, may be below tol where the
  // exact one on X is not) or the matrix would be too large.
  bool solve_on_gram(const std::vector<Index>& working_set) {
    if constexpr (!least_squares) {
      return false;
    } else {
      if (Index(working_set.size()) > GramCD<Scalar>::max_features) return false;
      const Scalar tol = Scalar(options_.tol);
      const Index size = Index(working_set.size());
      stacked_.resize(size + 1);
      for (Index k = 0; k < size; ++k) stacked_[k] = w_[working_set[k]];
      stacked_[size] = b_;
      gram_cd_.build(X_, y_, working_set, options_.fit_intercept);
      const int epochs = gram_cd_.solve(penalty_, working_set, w_,
                                        {tol, options_.max_epochs - epochs_, options_.anderson_memory});
      epochs_ += epochs;
      if (options_.verbosity >= 2)
        log() << "    Gram matrix of " << size << " features: " << epochs << " epochs\n";
      if (options_.fit_intercept) b_ = gram_cd_.intercept(working_set, w_);
      mark_predictions_stale();
      bool moved = b_ != stacked_[size];
      for (Index k = 0; k < size; ++k) moved = moved || w_[working_set[k]] != stacked_[k];
      return moved;
    }
  }

  // Intercept and unpenalised features at their optimum with the penalised coefficients held
  // at 0, to a relative accuracy near machine precision: this point decides alpha_max and the
  // exact null model for alpha >= alpha_max. Its settings and budget do not depend on the
  // caller's options (its epochs are counted in n_epochs, but max_epochs does not cut it short)
  // so that alpha_max() and solve() reach the very same point.
  void fit_null_model() {
    if (unpenalized_.empty() && !options_.fit_intercept) return;
    constexpr int null_model_epochs = 1000;
    constexpr int null_model_anderson_memory = 5;
    const Scalar initial = working_set_criterion(unpenalized_);
    // Relative to the terms of dF/db = sum_i grad f_i as well, which its rounding scales with:
    // scale-invariant, and clear of the rounding floor of the intercept's violation.
    datafit_.raw_gradient(y_, Xw_, raw_gradient_);
    const Scalar scale = std::max(initial, raw_gradient_.template lpNorm<1>());
    const Scalar tol = Scalar(10) * std::numeric_limits<Scalar>::epsilon() * scale;
    if (initial <= tol) return;
    solve_working_set(unpenalized_, {tol, epochs_ + null_model_epochs, 1, null_model_anderson_memory});
  }

  static constexpr bool least_squares = requires { requires DatafitType::is_least_squares; };
  // Least-squares fits with few features (p <= covariance_features, p <= n) and the Gram solver
  // allowed work on the Gram matrix of all features (glmnet's covariance mode): one symmetric
  // product O(n p^2 / 2), then every epoch O(p) per coordinate that moves; the working set is all
  // features, so that one or two outer iterations (products with X^T) certify the solution.
  static constexpr Index covariance_features = 128;
  const bool covariance_mode_ = least_squares && options_.gram != GramMode::never &&
                                X_.cols() <= covariance_features && X_.cols() <= X_.rows();
  GramCD<Scalar> gram_cd_;
  SupportNewton<Scalar> newton_;
  Scalar objective_before_epochs_ = 0;  // P after the last Newton try, or at the working set's start

  // Lagged-mean epochs (centered_least_squares_epoch): the factor r moves by (0: plain epochs),
  // r, and the point where they started (plain epochs below min_mean_coupling,
  // coordinate_constants.hpp).
  Scalar lagged_mean_relaxation_ = 0;
  Scalar lagged_mean_ = 0;
  Scalar lagged_mean_objective_ = 0;
  Vector<Scalar> lagged_mean_start_w_;  // the working set's coefficients where they started
  Vector<Scalar> lagged_mean_start_Xw_;

  AndersonAccelerator<Scalar> anderson_;
  Vector<Scalar> stacked_;
  Vector<Scalar> stacked_extrapolated_;
  Vector<Scalar> Xw_extrapolated_;
  std::vector<Index> active_;  // the coordinates that epochs visit
};

template <class Design, class DatafitType, class PenaltyType>
AndersonCD(const Design&, const Vector<typename Design::ScalarType>&, const DatafitType&, const PenaltyType&,
           const SolverOptions&, const CoordinateConstants<typename Design::ScalarType>&)
    -> AndersonCD<Design, DatafitType, PenaltyType>;

}  // namespace sparseglm::detail
