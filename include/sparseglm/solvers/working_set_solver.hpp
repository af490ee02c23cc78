#pragma once
// The outer loop that the working-set solvers share (AndersonCD, ProxNewton).
//
// Each outer iteration computes one full gradient X^T grad f(Xw), which gives every feature's
// optimality violation s_j = dist(-grad_j, dg_j(w_j)), and the criterion max_j s_j (with
// |dF/db| = |sum_i grad f_i| when there is an intercept). The fit stops when the criterion is
// <= tol, when the objective and the criterion stall at rounding level (progress.hpp), or at a
// limit; otherwise the solver at hand solves the problem restricted to the most violating
// features (working_set.hpp; or, for solvers that take settled violators, all of them:
// settled_violators_size) down to 0.3 times the criterion (down to tol when the working set is
// every feature).
//
// Along a path (path.hpp) one solver fits every alpha: run_next starts from the previous
// solution, whose full gradient it reuses (and checks under the new alpha only when the features
// whose gradient is exact there, the support's included, do not already violate optimality by
// more than tol), and solves the sequential strong set (Tibshirani et al., "Strong rules for
// discarding predictors in lasso-type problems", JRSS-B 2012) down to tol before the outer loop
// checks every feature. Those checks skip the products with X_j that cannot
// change the criterion (refresh_gradient): by Cauchy-Schwarz, X_j^T grad f moves by at most
// ||X_j|| ||v - v'|| when grad f moves from v' to v, and s_j, a distance to a convex set, is
// convex in grad_j, so s_j = 0 at both ends of that interval proves s_j = 0. From one alpha to the
// next grad f moves little: only the features near the penalty's boundary are recomputed. For
// least squares on a sparse X those products come from covariances with the support's columns
// (covariance_gradient.hpp) while that is cheaper.
//
// A check takes the working set's gradients from the solver when its last act was to compute
// them at the current Xw_ (working_set_gradient_): the solvers' own stopping tests need them, and
// on a sparse X the working set's columns, the support's frequent features among them, are most
// of the work of X^T v.
//
// A solver derives from WorkingSetSolver<Itself, ...> and provides
//   static constexpr Index default_p0;   the smallest working set when options.p0 is 0;
//   void fit_null_model();   penalised coefficients at 0: intercept and unpenalised features at
//                            their optimum (w_, b_, Xw_ updated);
//   Index next_working_set_size(Index support);
//   static constexpr bool widens_heavy_working_sets;   whether a working set whose columns hold
//                            at least half of X's stored entries (a third near the end on sparse
//                            data: widening_pays) becomes every feature;
//   bool takes_settled_violators(Index count) const;   whether a working set takes in the
//                            support and every violating feature, `count` in all, once the
//                            violators' count has settled (settled_violators_size);
//   bool solve_inner_problem(const std::vector<Index>& working_set, Scalar inner_tol);
//                            returns whether working_set_gradient_ (by position in the working
//                            set) holds X_j^T grad f at the Xw_ it leaves;
// and keeps Xw_ equal to X w_ + b_ as it moves them, or calls mark_predictions_stale().

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <new>
#include <numeric>
#include <optional>
#include <type_traits>
#include <variant>
#include <vector>

#include "sparseglm/core/design.hpp"
#include "sparseglm/core/error.hpp"
#include "sparseglm/core/parallel.hpp"
#include "sparseglm/core/types.hpp"
#include "sparseglm/solvers/coordinate_constants.hpp"
#include "sparseglm/solvers/covariance_gradient.hpp"
#include "sparseglm/solvers/options.hpp"
#include "sparseglm/solvers/progress.hpp"
#include "sparseglm/solvers/result.hpp"
#include "sparseglm/solvers/working_set.hpp"

namespace sparseglm::detail {

template <class Derived, class Design, class DatafitType, class PenaltyType>
class WorkingSetSolver {
 public:
  using Scalar = typename Design::ScalarType;

  /// X, y, the datafit (initialised), the options and the coordinate constants must outlive the
  /// solver; the penalty is copied (run_next replaces it).
  WorkingSetSolver(const Design& X, const Vector<Scalar>& y, const DatafitType& datafit,
                   const PenaltyType& penalty, const SolverOptions& options,
                   const CoordinateConstants<Scalar>& constants)
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
    epochs_ = 0;
    w_ = w0;
    b_ = options_.fit_intercept ? b0 : Scalar(0);
    recompute_predictions();
    check_objective_is_finite();
    if (penalized_part_is_zero()) derived().fit_null_model();
    compute_full_gradient();
    return iterate(nullptr, /*bounded_checks=*/false);
  }

  /// The next alpha of a path: fits `penalty` from the last run's solution, reusing its full
  /// gradient. `strong_rule` (may be null) is the penalty at 2 alpha_k - alpha_{k-1}: the
  /// features that violate optimality under it (its strong set), the support and the unpenalised
  /// features form the first working set, solved down to tol; every feature is then checked as
  /// in run(), and a feature the rule wrongly discarded enters the next working set.
  SolverResult<Scalar> run_next(const PenaltyType& penalty, const PenaltyType* strong_rule) {
    exact_predictions_epoch_ -= epochs_;  // epochs count from 0 in each run
    epochs_ = 0;
    penalty_ = penalty;
    check_objective_is_finite();
    const bool bounds_started = column_norms_.size() > 0;
    if (!bounds_started) start_bounds();  // every gradient_[j] is exact: the last run was run()
    // The check at the last solution is skipped when the features whose gradient_ is exact
    // already violate optimality by more than tol under the new penalty (known_violation): no
    // check could stop there, and the strong set and the working set need only estimates.
    const Scalar known = known_violation();
    if (known > Scalar(options_.tol)) return iterate(strong_rule, /*bounded_checks=*/true, known);
    if (bounds_started) refresh_gradient();  // where bounds do not prove s_j = 0 under the new penalty
    return iterate(strong_rule, /*bounded_checks=*/true);
  }

 protected:
  // Working sets grow 4-fold on sparse data, where a full X^T v (one per outer iteration) costs
  // more than inner epochs on the extra features, which mostly stay at 0; 2-fold on dense data,
  // where Gram solves cost |W|^2: dense storage, or sparse storage at least an eighth full (an
  // svmlight file of dense data), whose Gram matrices are dense products (core/cross_gram.hpp:
  // its two work estimates cross at that density). 8-fold growth on sparse data was slower:
  // bench/compare's 12 sparse L1-logistic cells x0.895 (ab.py, 2 rounds; farm-ads /100 without
  // intercept x0.52).
  Index default_working_set_size(Index support) const {
    const Index p0 = options_.p0 > 0 ? Index(options_.p0) : Derived::default_p0;
    return working_set_size(p0, Index(unpenalized_.size()), support, w_.size(), dense_content() ? 2 : 4);
  }

  // X's stored entries in `columns`.
  double stored_entries(const std::vector<Index>& columns) const {
    double total = 0;
    for (const Index j : columns) total += double(X_.col_nnz(j));
    return total;
  }

  bool dense_content() const {
    if constexpr (Design::is_sparse) {
      return 8 * double(X_.nnz()) >= double(X_.rows()) * double(X_.cols());
    } else {
      return true;
    }
  }

  Scalar objective() const { return datafit_.value(y_, Xw_) + penalty_.value(w_); }

  // Shrinking in the inner epochs: coordinate j sits at 0 with its gradient inside the
  // subdifferential by more than `margin` (then it leaves the epochs until a check over the
  // whole working set brings it back).
  bool shrinks(Index j, Scalar value, Scalar gradient, Scalar margin) const {
    return value == Scalar(0) && penalty_.subdiff_distance(value, gradient - margin, j) == Scalar(0) &&
           penalty_.subdiff_distance(value, gradient + margin, j) == Scalar(0);
  }

  // The shrinking margin after an epoch whose largest violation was `last_epoch_violation`.
  // Measured on bench/compare's text problems: 0.01 halves the sparse L1-logistic fits with large
  // working sets; 0.1 and 1 shrink too little.
  static Scalar shrink_margin(Scalar last_epoch_violation) { return Scalar(0.01) * last_epoch_violation; }

  // With a finite objective the gradients are finite too: |X_j^T grad f| <= ||X_j|| ||grad f||,
  // and coordinate_constants refuses columns whose squared norm overflows.
  void check_objective_is_finite() const {
    if (!std::isfinite(objective()))
      throw_invalid("data",
                    "the objective overflows at the starting point: y, X or the warm start is too "
                    "large for this precision; rescale them");
  }

  bool penalized_part_is_zero() const {
    for (Index j = 0; j < w_.size(); ++j)
      if (w_[j] != Scalar(0) && penalty_.is_penalized(j)) return false;
    return true;
  }

  // grad f at Xw_ into raw_gradient_, and the full gradient X^T grad f into gradient_.
  void compute_full_gradient() {
    datafit_.raw_gradient(y_, Xw_, raw_gradient_);
    if (working_set_gradient_fresh_ && Design::is_sparse) {
      // A sparse X^T v is a loop over columns, which skips the working set's; a dense one is one
      // matrix-vector product, cheaper than its columns' dot products one by one.
      for_each_column([&](Index j, bool in_working_set) {
        if (!in_working_set) gradient_[j] = X_.col_dot(j, raw_gradient_);
      });
    } else if (!gradient_from_target_correlations()) {
      X_.transpose_times(raw_gradient_, gradient_, options_.n_threads);
    }
    working_set_gradient_fresh_ = false;
    if (column_norms_.size() == 0) return;  // the bounds have not started: none to keep
    exact_at_ = raw_gradient_;
    drift_.setZero(w_.size());
  }

  // Least squares at w = 0 (a cold start): X^T grad f = X^T (b 1 - y) / n = b m - X^T y / n, from
  // the X^T y and the column means m that the datafit computed at initialize, without a product
  // with X. The product's rounding error scales with ||X_j|| ||b 1 - y||, this form's with
  // ||X_j|| (||y|| + sqrt(n) |b|): it is used while sqrt(n) |b| <= ||b 1 - y|| (y's mean, b at the
  // null model, at most its spread), where the two bounds are within a factor of 3; y close to a
  // constant would lose the digits that the product keeps. On text 100000x10000 Lasso /1000 with
  // an intercept the product took 2 ms of a 28 ms fit.
  bool gradient_from_target_correlations() {
    if constexpr (requires {
                    requires DatafitType::is_least_squares;
                    datafit_.target_correlations();
                    datafit_.column_statistics();
                  }) {
      if (!(w_.array() == Scalar(0)).all()) return false;
      const Scalar rows = Scalar(X_.rows());
      if (std::sqrt(rows) * std::abs(b_) > rows * raw_gradient_.norm())
        return false;  // raw_gradient_ = (b - y) / n
      const Eigen::VectorXd& correlations = datafit_.target_correlations();
      const Eigen::VectorXd& means = datafit_.column_statistics().means;
      for (Index j = 0; j < w_.size(); ++j)
        gradient_[j] = b_ * Scalar(means[j]) - Scalar(correlations[j]) / rows;
      return true;
    } else {
      return false;
    }
  }

  // X^T y: the datafit's when it keeps it (target_correlations), else one product.
  Vector<Scalar> target_correlations() const {
    if constexpr (requires { datafit_.target_correlations(); }) {
      return datafit_.target_correlations().template cast<Scalar>();
    } else {
      Vector<Scalar> correlations;
      X_.transpose_times(y_, correlations, options_.n_threads);
      return correlations;
    }
  }

  // mean_j, from the coordinate constants where they keep it.
  Scalar column_mean(Index j) const {
    return constants_.centered[j] ? constants_.column_means[j] : X_.col_mean(j);
  }

  // As compute_full_gradient, but gradient_[j] is recomputed only where the interval
  // gradient_[j] +- ||X_j|| (drift_j + rounding) does not prove s_j = 0 (header comment); drift_j
  // sums how far grad f has moved (l2) since gradient_[j] was computed, and rounding bounds a
  // dot product's rounding error (n eps ||grad f||). The skipped features' s_j, computed from the
  // stale gradient_[j] inside the interval, is then 0 as the exact one is: the criterion and the
  // working sets are those of exact products. The bounds must have started (start_bounds).
  void refresh_gradient() {
    datafit_.raw_gradient(y_, Xw_, raw_gradient_);
    const Scalar moved = (raw_gradient_ - exact_at_).norm();
    exact_at_ = raw_gradient_;
    Scalar rounding = Scalar(X_.rows()) * std::numeric_limits<Scalar>::epsilon() * raw_gradient_.norm();
    if constexpr (uses_covariances) {
      if (prepare_covariances()) rounding += covariances_->rounding(column_norms_);
    }
    for_each_column([&](Index j, bool in_working_set) {
      if (in_working_set) {
        drift_[j] = 0;  // gradient_[j] is exact: the solver's
        return;
      }
      drift_[j] += moved;
      const Scalar reach = column_norms_[j] * (drift_[j] + rounding);
      if (penalty_.subdiff_distance(w_[j], gradient_[j] - reach, j) == Scalar(0) &&
          penalty_.subdiff_distance(w_[j], gradient_[j] + reach, j) == Scalar(0))
        return;
      gradient_[j] = recomputed_gradient(j);
      drift_[j] = 0;
    });
    working_set_gradient_fresh_ = false;
  }

  // visit(j, in_working_set) for every feature, on up to options_.n_threads threads;
  // in_working_set when j's gradient is fresh from the solver, copied into gradient_[j] first.
  template <class Visit>
  void for_each_column(Visit&& visit) {
    const Index p = w_.size();
    const bool fresh = working_set_gradient_fresh_;
    if (fresh)
      for (std::size_t k = 0; k < working_set_.size(); ++k)
        gradient_[working_set_[k]] = working_set_gradient_[Index(k)];
    const Index min_columns = std::max<Index>(1, min_entries_per_thread * p / std::max<Index>(X_.nnz(), 1));
    parallel_ranges(p, options_.n_threads, min_columns, 1, [&](Index begin, Index end) {
      // The working set is sorted: its next feature from `begin` on.
      auto next =
          fresh ? std::lower_bound(working_set_.begin(), working_set_.end(), begin) : working_set_.end();
      for (Index j = begin; j < end; ++j) {
        const bool in_working_set = next != working_set_.end() && *next == j;
        if (in_working_set) ++next;
        visit(j, in_working_set);
      }
    });
  }

  // The column norms, and the bounds of refresh_gradient from the last run's gradient, exact at its
  // iterate (iterate ends on a check). The norms are the datafit's when it keeps them
  // (column_statistics).
  void start_bounds() {
    const Index p = w_.size();
    column_norms_.resize(p);
    for (Index j = 0; j < p; ++j) {
      if constexpr (requires { datafit_.column_statistics(); }) {
        column_norms_[j] = Scalar(std::sqrt(datafit_.column_statistics().sq_norms[j]));
      } else {
        column_norms_[j] = std::sqrt(X_.col_sq_norm(j));
      }
    }
    exact_at_ = raw_gradient_;
    drift_.setZero(p);
  }

  // Least squares on a sparse X: whether refresh_gradient takes its products from covariances,
  // whose new columns this forms (the first call copies X by rows). They are not started when
  // their budget is too small to repay the copy (CovarianceGradient::worthwhile), and given up
  // for the rest of the solver's life once they outgrow it or memory runs out for them (the
  // products with X need none); never used when the caller turned Gram matrices off.
  bool prepare_covariances() {
    if (covariances_given_up_ || options_.gram == GramMode::never) return false;
    try {
      if (!covariances_ && CovarianceGradient<Design>::worthwhile(X_)) {
        Vector<Scalar> column_sums = Vector<Scalar>::Zero(w_.size());
        if (options_.fit_intercept)
          for (Index j = 0; j < w_.size(); ++j) column_sums[j] = Scalar(X_.rows()) * column_mean(j);
        covariances_.emplace(X_, target_correlations(), std::move(column_sums), y_.norm());
      }
      if (covariances_ && covariances_->prepare(X_, w_, b_)) return true;
    } catch (const std::bad_alloc&) {
      // the checks carry on with products with X, which need no memory
    }
    covariances_.reset();
    covariances_given_up_ = true;
    return false;
  }

  Scalar recomputed_gradient(Index j) const {
    if constexpr (uses_covariances) {
      if (covariances_) return covariances_->gradient(j);
    }
    return X_.col_dot(j, raw_gradient_);
  }

  // The largest violation among the features whose gradient_[j] is exact at raw_gradient_ (drift
  // 0: computed by the last check, as the support's always are), and the intercept's: a lower
  // bound of the criterion, without a product with X.
  Scalar known_violation() const {
    Scalar violation = options_.fit_intercept ? std::abs(raw_gradient_.sum()) : Scalar(0);
    for (Index j = 0; j < w_.size(); ++j)
      if (drift_[j] == Scalar(0))
        violation = std::max(violation, penalty_.subdiff_distance(w_[j], gradient_[j], j));
    return violation;
  }

  // Every feature's violation (into priority_) and the stopping criterion, from gradient_ and
  // raw_gradient_.
  Scalar criterion_from_gradient() {
    Scalar criterion = options_.fit_intercept ? std::abs(raw_gradient_.sum()) : Scalar(0);
    for (Index j = 0; j < w_.size(); ++j) {
      priority_[j] = penalty_.subdiff_distance(w_[j], gradient_[j], j);
      criterion = std::max(criterion, priority_[j]);
    }
    return criterion;
  }

  // Xw + b from the non-zero coefficients, O(n nnz(w)): clears the rounding that many
  // incremental updates leave in Xw.
  void recompute_predictions() {
    working_set_gradient_fresh_ = false;  // they were computed at the old Xw_'s rounding
    Xw_.setConstant(X_.rows(), b_);
    for (Index j = 0; j < w_.size(); ++j)
      if (w_[j] != Scalar(0)) X_.col_axpy(j, w_[j], Xw_);
    predictions_stale_ = false;
    exact_predictions_epoch_ = epochs_;
  }

  // Before each check of the outer loop: Xw_ is recomputed when a solver moved w without it
  // (mark_predictions_stale) or after more than max_incremental_epochs epochs of incremental
  // updates since it was last recomputed. An epoch adds each moving column to Xw_ once, and each
  // addition rounds no worse than one term of the sum that a recompute forms, so after E epochs
  // Xw_'s rounding bound is about E times a recompute's. Fits that need a few epochs per working
  // set (sparse text designs) skip the recompute, an axpy with every support column: about a
  // tenth of text 100000x10000 Lasso /1000. The solvers also call it before computing the
  // working set's gradients that the outer check may take. Returns whether Xw_ was recomputed.
  bool refresh_predictions() {
    if (!predictions_stale_ && epochs_ - exact_predictions_epoch_ <= max_incremental_epochs) return false;
    recompute_predictions();
    return true;
  }
  static constexpr int max_incremental_epochs = 16;

  // Xw_ no longer matches w_ (the solver moved coefficients without updating it).
  void mark_predictions_stale() { predictions_stale_ = true; }

  std::ostream& log() const { return options_.log ? *options_.log : std::clog; }

  const Design& X_;
  const Vector<Scalar>& y_;
  const DatafitType& datafit_;
  PenaltyType penalty_;
  const SolverOptions& options_;
  const CoordinateConstants<Scalar>& constants_;

  std::vector<Index> unpenalized_;
  Vector<Scalar> w_;
  Scalar b_ = 0;
  Vector<Scalar> Xw_;            // X w + b
  Vector<Scalar> raw_gradient_;  // grad f at Xw_ after compute_full_gradient
  Vector<Scalar> gradient_;      // X^T raw_gradient_
  Vector<Scalar> priority_;      // each feature's violation
  // refresh_gradient's bounds: ||X_j||, grad f where the drifts were last updated, and each
  // feature's drift since its gradient_[j] was computed.
  Vector<Scalar> column_norms_;
  Vector<Scalar> exact_at_;
  Vector<Scalar> drift_;
  static constexpr bool uses_covariances = Design::is_sparse && requires {
    requires DatafitType::is_least_squares;
  };
  std::conditional_t<uses_covariances, std::optional<CovarianceGradient<Design>>, std::monostate>
      covariances_;
  // The solver's gradients X_j^T grad f of working_set_'s features (by position), and whether
  // they are those at the current Xw_: solve_inner_problem's answer, until the next check takes
  // them (header comment) or Xw_ is recomputed.
  std::vector<Index> working_set_;
  Vector<Scalar> working_set_gradient_;
  bool working_set_gradient_fresh_ = false;
  bool covariances_given_up_ = false;
  int epochs_ = 0;
  bool predictions_stale_ = false;
  int exact_predictions_epoch_ = 0;  // epochs_ when Xw_ was last recomputed

 private:
  Derived& derived() { return static_cast<Derived&>(*this); }

  // The outer loop from (w_, b_, Xw_) with gradient_ and raw_gradient_ computed there; its checks
  // use refresh_gradient when bounded_checks (along a path) and compute_full_gradient otherwise.
  // With first_criterion (> tol) the gradient_ of iteration 1 is only bounded (run_next): the
  // working set comes from it, and iteration 1 reports that lower bound of the criterion.
  SolverResult<Scalar> iterate(const PenaltyType* strong_rule, bool bounded_checks,
                               std::optional<Scalar> first_criterion = std::nullopt) {
    SolverResult<Scalar> result;
    Scalar stop_crit = 0;
    ProgressMonitor<Scalar> outer_progress(3);
    last_violators_ = 0;
    for (int iteration = 1;; ++iteration) {
      if (iteration > 1) {
        refresh_predictions();
        if (bounded_checks) {
          refresh_gradient();
        } else {
          compute_full_gradient();
        }
      }
      stop_crit = criterion_from_gradient();
      if (iteration == 1 && first_criterion) stop_crit = *first_criterion;
      result.n_iter = iteration;
      if (!std::isfinite(stop_crit) || !Xw_.allFinite()) {
        restore_last_finite_iterate();
        compute_full_gradient();
        stop_crit = criterion_from_gradient();
        result.status = SolverStatus::numerical_issue;
        break;
      }
      save_finite_iterate();
      const bool converged = stop_crit <= Scalar(options_.tol);
      const bool screened = iteration == 1 && strong_rule && select_strong_set(*strong_rule);
      const bool to_tol = screened || (!converged && select_next_working_set(stop_crit, bounded_checks));
      const Scalar objective_value = objective();  // one pass of the datafit's value (logs, exp)
      if (report(iteration, objective_value, stop_crit, converged ? 0 : Index(working_set_.size()))) {
        result.status = SolverStatus::stopped_by_callback;
        break;
      }
      if (converged) {
        result.status = SolverStatus::converged;
        break;
      }
      if (outer_progress.stalled_after(stop_crit, objective_value)) {
        result.status = SolverStatus::precision_limit;
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
      working_set_gradient_fresh_ = derived().solve_inner_problem(
          working_set_, to_tol ? Scalar(options_.tol) : Scalar(inner_share) * stop_crit);
    }
    result.coef = w_;
    result.intercept = b_;
    result.objective = objective();
    result.stop_crit = stop_crit;
    result.n_epochs = epochs_;
    return result;
  }

  // The next working set into working_set_ (sorted): select_working_set's, or every feature when
  // the solver widens heavy working sets and widening pays (working_set.hpp). Returns whether it
  // is every feature by the size rule, which is solved down to tol; a widened one is solved as
  // the working set it replaces, down to inner_share times the criterion (down to tol, we8there
  // ElasticNet /100 without intercept took 60 epochs instead of 46: started far from the
  // solution, its epochs missed the lagged-mean ones that a later outer iteration chose).
  bool select_next_working_set(Scalar criterion, bool bounded_checks) {
    const Index p = w_.size();
    const Index support = (w_.array() != Scalar(0)).count();
    Index size = derived().next_working_set_size(support);
    size = std::max(size, settled_violators_size(support));
    select_working_set(penalty_, w_, priority_, size, selection_scratch_, working_set_);
    if (size >= p) return true;
    if constexpr (Derived::widens_heavy_working_sets) {
      // The third near the end (widening_pays) holds on sparse content and not along a path
      // (bounded_checks), whose checks skip most of X^T v.
      const bool near_end_rule = !bounded_checks && !dense_content();
      if (widening_pays(stored_entries(working_set_), double(X_.nnz()), double(criterion), options_.tol,
                        near_end_rule)) {
        working_set_.resize(std::size_t(p));
        std::iota(working_set_.begin(), working_set_.end(), Index(0));
      }
    }
    return false;
  }

  // The support and every penalised feature at 0 that violates optimality (s_j > 0), once fewer
  // than a tenth of those violators left since the last check; else 0. Violators that stay while
  // the working sets grow belong to the final support, which growth by a factor per outer
  // iteration reaches only after more outer iterations, each a full X^T v (glmnet's KKT check
  // likewise takes in every violator at once); violators that leave (real data: farm-ads
  // L1-logistic /1000, 51768 of 54877 features at the start, 904 in the support) never settle.
  // Capped at n rows: an L1 fit has a solution with at most n non-zeros (Tibshirani, "The lasso
  // problem and uniqueness", EJS 2013). Counts priority_ before select_working_set consumes it.
  Index settled_violators_size(Index support) {
    Index violators = 0;
    for (Index j = 0; j < w_.size(); ++j)
      violators += Index(w_[j] == Scalar(0) && penalty_.is_penalized(j) && priority_[j] > Scalar(0));
    const bool settled = last_violators_ > 0 && 10 * violators >= 9 * last_violators_;
    last_violators_ = violators;
    if (!settled || !derived().takes_settled_violators(support + violators)) return 0;
    return std::min({w_.size(), support + violators, std::max(support, X_.rows())});
  }

  // The strong set of `strong_rule` with the support and the unpenalised features, into
  // working_set_ (sorted); false, leaving the choice to select_working_set, when it is empty.
  bool select_strong_set(const PenaltyType& strong_rule) {
    working_set_.clear();
    for (Index j = 0; j < w_.size(); ++j)
      if (w_[j] != Scalar(0) || !penalty_.is_penalized(j) ||
          strong_rule.subdiff_distance(Scalar(0), gradient_[j], j) > Scalar(0))
        working_set_.push_back(j);
    return !working_set_.empty();
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

  // Verbosity output and the caller's callback; returns true when the callback asks to stop.
  bool report(int iteration, Scalar objective_value, Scalar stop_crit, Index next_working_set_size) {
    if (options_.verbosity >= 1)
      log() << "iteration " << iteration << ": objective " << objective_value << ", criterion " << stop_crit
            << ", epochs " << epochs_ << ", working set " << next_working_set_size << '\n';
    if (!options_.callback) return false;
    const IterationInfo info{iteration, epochs_, double(objective_value), double(stop_crit),
                             long(next_working_set_size)};
    return !options_.callback(info) && stop_crit > Scalar(options_.tol);
  }

  std::vector<Scalar> selection_scratch_;  // select_working_set's copy of the priorities
  Index last_violators_ = 0;               // settled_violators_size's count at the last check
  Vector<Scalar> last_finite_w_;
  Scalar last_finite_b_ = 0;
};

}  // namespace sparseglm::detail
