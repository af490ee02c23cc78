#pragma once
// Coordinate descent on the Gram matrix of a working set, for least-squares datafits
// F(z) = ||y - z||^2 / (2n): glmnet's "covariance updates" (Friedman, Hastie & Tibshirani,
// JSS 2010, section 2.2), with Anderson extrapolation as in the design-based inner solver.
//
// On a working set W, every other coefficient being 0, the problem is
//   min_{w_W, b} ||y - X_W w_W - b||^2 / (2n) + sum_{j in W} g_j(w_j).
// The intercept is eliminated exactly, b = mean(y) - m^T w_W (m the column means; m = 0 and
// b = 0 without an intercept), which leaves a quadratic in w_W with the centred Gram matrix Q
// and the centred correlations c:
//   Q = (X_W - 1 m^T)^T (X_W - 1 m^T),   c = X_W^T (y - mean(y)),
//   F(w) = (w^T Q w - 2 c^T w) / (2n) + const,   grad = (Q w - c) / n,   L_j = Q_jj / n.
// Forming Q costs one matrix product, O(n |W|^2); after that an update costs O(|W|), when the
// coordinate moves (grad += Q_j delta / n), instead of the O(n) of an update on X.

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "sparseglm/core/huge_pages.hpp"
#include "sparseglm/core/types.hpp"
#include "sparseglm/solvers/anderson.hpp"
#include "sparseglm/solvers/progress.hpp"
#include "sparseglm/solvers/support_newton.hpp"

namespace sparseglm::detail {

template <class Scalar>
class GramCD {
 public:
  static constexpr Index max_features = 4096;  // working sets and cache: at most 128 MiB in double

  struct Settings {
    Scalar tol;           // stop when max_j dist(-grad_j, dg_j(w_j)) over W is <= tol (or, when
                          // tol is below it, at the rounding level of the gradient)
    int max_epochs;       // epochs allowed to this solve
    int anderson_memory;  // 0: no extrapolation
  };

  /// Forms Q, c and the means for the working set. Gram entries are cached for the whole fit
  /// (at most max_features features): a feature's products with X are computed once,
  /// when it first enters a working set, so that a growing working set costs only its new rows.
  template <class Design>
  void build(const Design& X, const Vector<Scalar>& y, const std::vector<Index>& working_set,
             bool fit_intercept) {
    if (slot_.empty()) {
      n_ = Scalar(X.rows());
      slot_.assign(std::size_t(X.cols()), -1);
      target_mean_ = fit_intercept ? y.mean() : Scalar(0);
      centered_y_ = y.array() - target_mean_;
    }
    std::vector<Index> fresh;
    for (const Index j : working_set)
      if (slot_[std::size_t(j)] < 0) fresh.push_back(j);
    if (Index(cached_.size() + fresh.size()) > max_features) {
      for (const Index j : cached_) slot_[std::size_t(j)] = -1;
      cached_.clear();
      fresh = working_set;
    }
    if (!fresh.empty()) cache(X, fresh, fit_intercept);
    const Index k = Index(working_set.size());
    std::vector<Index> slots(working_set.size());
    for (Index a = 0; a < k; ++a) slots[std::size_t(a)] = slot_[std::size_t(working_set[a])];
    gram_ = cached_gram_.map()(slots, slots);
    means_ = cached_means_(slots);
    correlations_ = cached_correlations_(slots);
    steps_ = (gram_.diagonal().array() > Scalar(0)).select(n_ / gram_.diagonal().array(), Scalar(0));
  }

  /// Whether feature j's Gram row is in the cache.
  bool is_cached(Index j) const { return !slot_.empty() && slot_[std::size_t(j)] >= 0; }

  /// CD epochs on the working set's coefficients (read from and written back into w, a vector
  /// of all p coefficients). Returns the epochs run.
  template <class PenaltyType>
  int solve(const PenaltyType& penalty, const std::vector<Index>& working_set, Vector<Scalar>& w,
            const Settings& settings) {
    const Index k = Index(working_set.size());
    coef_.resize(k);
    for (Index a = 0; a < k; ++a) coef_[a] = w[working_set[a]];
    refresh_gradient();
    anderson_.reset(k, settings.anderson_memory);
    ProgressMonitor<Scalar> progress(50);
    int epochs = 0;
    double epochs_cost = 0;  // since the last Newton step (try_newton_step)
    while (epochs < settings.max_epochs) {
      const Index moves = epoch(penalty, working_set);
      ++epochs;
      epochs_cost += double(k) * double(moves + 1);  // k per gradient update, k for the criterion
      if (settings.anderson_memory > 0 && anderson_.push(coef_, extrapolated_))
        keep_if_better(penalty, working_set, w);
      const Scalar violation = criterion(penalty, working_set);
      if (violation <= settings.tol) {
        refresh_gradient();  // the incremental gradient has drifted: confirm on the exact one
        if (criterion(penalty, working_set) <= std::max(settings.tol, rounding_floor())) break;
      } else if (try_newton_step(penalty, working_set, w, epochs_cost)) {
        anderson_.reset(k, settings.anderson_memory);
      } else if (progress.stalled_after(violation)) {
        break;  // tol is below the rounding level: the outer loop reports it (progress.hpp)
      }
    }
    for (Index a = 0; a < k; ++a) w[working_set[a]] = coef_[a];
    return epochs;
  }

  /// The optimal intercept for the working set's coefficients w: mean(y) - m^T w_W.
  Scalar intercept(const std::vector<Index>& working_set, const Vector<Scalar>& w) const {
    Scalar b = target_mean_;
    for (Index a = 0; a < Index(working_set.size()); ++a) b -= means_[a] * w[working_set[a]];
    return b;
  }

 private:
  // One cyclic pass; returns the coordinates that moved (each an O(|W|) update of the gradient).
  template <class PenaltyType>
  Index epoch(const PenaltyType& penalty, const std::vector<Index>& working_set) {
    Index moves = 0;
    for (Index a = 0; a < coef_.size(); ++a) {
      const Scalar step = steps_[a];
      if (step == Scalar(0)) continue;  // a zero (or, with an intercept, constant) column
      const Scalar old_value = coef_[a];
      const Scalar new_value = penalty.prox_1d(old_value - step * gradient_[a], step, working_set[a]);
      if (new_value == old_value) continue;
      coef_[a] = new_value;
      gradient_.noalias() += ((new_value - old_value) / n_) * gram_.col(a);
      ++moves;
    }
    return moves;
  }

  template <class PenaltyType>
  Scalar criterion(const PenaltyType& penalty, const std::vector<Index>& working_set) const {
    Scalar worst = 0;
    for (Index a = 0; a < coef_.size(); ++a)
      worst = std::max(worst, penalty.subdiff_distance(coef_[a], gradient_[a], working_set[a]));
    return worst;
  }

  // The rounding error of grad = (Q w - c) / n: a criterion below it cannot be certified here.
  Scalar rounding_floor() const {
    const Scalar magnitude =
        ((gram_.cwiseAbs() * coef_.cwiseAbs()).array() + correlations_.array().abs()).maxCoeff();
    return Scalar(4) * Scalar(coef_.size() + 1) * std::numeric_limits<Scalar>::epsilon() * magnitude / n_;
  }

  void refresh_gradient() { gradient_.noalias() = (gram_ * coef_ - correlations_) / n_; }

  // F(w) - const = (w^T g - c^T w / n) / 2 with g = (Q w - c) / n, plus G(w); G is evaluated on
  // the full coefficient vector, into which the working set's values are written.
  template <class PenaltyType>
  Scalar objective(const PenaltyType& penalty, const std::vector<Index>& working_set, Vector<Scalar>& w,
                   const Vector<Scalar>& coef, const Vector<Scalar>& gradient) const {
    for (Index a = 0; a < coef.size(); ++a) w[working_set[a]] = coef[a];
    return (coef.dot(gradient) - coef.dot(correlations_) / n_) / Scalar(2) + penalty.value(w);
  }

  // A Newton step on the support with the signs held (support_newton.hpp), from the rows of Q
  // in hand, once the epochs since the last one have cost as much as it does: factorising Q_SS
  // and evaluating the proposal. Kept when it lowers the objective (keep_if_better). A kept step
  // cut short is followed by one on the support and signs it leaves, up to
  // SupportNewton::max_rounds, each charged to the next epochs (epochs_cost goes below 0), unless
  // one lands on its orthant's minimiser. (AndersonCD::try_newton_step also stops rounds that
  // lower P slower than the epochs: there each round forms X~_S^T X~_S.) On supports of more
  // features than rows (Q_SS singular, OrthantNewton::damped) a first step only removes a feature
  // along Q_SS's null space, and without the next the epochs put it back (30 x 60 raw-level Lasso
  // at alpha_max / 1000, y centred, no intercept: hundreds of damped steps of length 6e-7, and no
  // convergence in 50 outer iterations; with the rounds, 473 to 639 epochs). Resets epochs_cost
  // when it tries.
  template <class PenaltyType>
  bool try_newton_step(const PenaltyType& penalty, const std::vector<Index>& working_set, Vector<Scalar>& w,
                       double& epochs_cost) {
    if constexpr (HasDerivatives1d<PenaltyType, Scalar>) {
      const Index k = coef_.size();
      if (epochs_cost < double(k) * double(k)) return false;  // below the cost of any step
      bool moved = false;
      for (int round = 1; round <= SupportNewton<Scalar>::max_rounds; ++round) {
        support_positions_.clear();
        support_features_.clear();
        for (Index a = 0; a < k; ++a)
          if (in_support(penalty, working_set[a], coef_[a])) {
            support_positions_.push_back(a);
            support_features_.push_back(working_set[a]);
          }
        const double size = double(support_positions_.size());
        const double step_cost = size * size * size / 3 + double(k) * double(k);
        if (size == 0 || (round == 1 && epochs_cost < step_cost)) break;
        epochs_cost = round == 1 ? 0.0 : epochs_cost - step_cost;
        const Vector<Scalar> values = coef_(support_positions_);
        support_hessian_ = gram_(support_positions_, support_positions_) / n_;
        if (!newton_.solve(penalty, support_features_, values, support_hessian_,
                           gradient_(support_positions_).eval(), OrthantNewton<Scalar>::Length::line_minimum))
          break;
        extrapolated_ = coef_;
        extrapolated_(support_positions_) = newton_.moved();
        if (!keep_if_better(penalty, working_set, w)) break;
        moved = true;
        if (newton_.length() == Scalar(1)) {
          epochs_cost = 0;
          break;
        }
      }
      return moved;
    } else {
      return false;
    }
  }

  // Keeps a proposal (Anderson's, or a Newton step's) in extrapolated_ when it lowers the
  // objective by more than rounding; returns whether it did.
  template <class PenaltyType>
  bool keep_if_better(const PenaltyType& penalty, const std::vector<Index>& working_set, Vector<Scalar>& w) {
    extrapolated_gradient_.noalias() = (gram_ * extrapolated_ - correlations_) / n_;
    const Scalar current = objective(penalty, working_set, w, coef_, gradient_);
    const Scalar proposed = objective(penalty, working_set, w, extrapolated_, extrapolated_gradient_);
    const Scalar scale = std::abs(coef_.dot(correlations_) / n_) + std::abs(current);
    if (!(proposed < current - Scalar(100) * std::numeric_limits<Scalar>::epsilon() * scale)) return false;
    coef_.swap(extrapolated_);
    gradient_.swap(extrapolated_gradient_);
    return true;
  }

  // Appends `fresh` to the cache: their means, correlations c_j and Gram rows against every
  // cached feature, one product O(n |fresh| |cached|).
  template <class Design>
  void cache(const Design& X, const std::vector<Index>& fresh, bool fit_intercept) {
    const Index old_size = Index(cached_.size()), added = Index(fresh.size()), size = old_size + added;
    cached_means_.conservativeResize(size);
    cached_correlations_.conservativeResize(size);
    for (Index a = 0; a < added; ++a) {
      const Index j = fresh[std::size_t(a)];
      slot_[std::size_t(j)] = old_size + a;
      cached_.push_back(j);
      cached_means_[old_size + a] = fit_intercept ? X.col_mean(j) : Scalar(0);
      cached_correlations_[old_size + a] = X.col_dot(j, centered_y_);
    }
    Matrix<Scalar> rows;
    X.centered_cross_gram(fresh, cached_means_.tail(added).eval(), cached_, cached_means_, rows);
    if (cached_gram_.rows() < size) {  // room for twice as many: a path adds a few features per alpha
      const Index capacity = std::min(max_features, std::max(size, 2 * Index(cached_gram_.rows())));
      cached_gram_.resize_keeping(capacity, capacity);
    }
    cached_gram_.map().block(old_size, 0, added, size) = rows;
    cached_gram_.map().block(0, old_size, size, added) = rows.transpose();
  }

  Scalar n_ = 1;
  Scalar target_mean_ = 0;
  Vector<Scalar> centered_y_;
  std::vector<Index> slot_;             // per feature: its row in the cache, or -1
  std::vector<Index> cached_;           // the cached features, in slot order
  HugePageMatrix<Scalar> cached_gram_;  // its top-left cached_.size() square holds the cached rows
  Vector<Scalar> cached_means_;
  Vector<Scalar> cached_correlations_;
  Matrix<Scalar> gram_;
  Vector<Scalar> means_;
  Vector<Scalar> correlations_;
  Vector<Scalar> steps_;  // 1 / L_j = n / Q_jj, 0 where Q_jj = 0
  Vector<Scalar> coef_;
  Vector<Scalar> gradient_;
  Vector<Scalar> extrapolated_;
  Vector<Scalar> extrapolated_gradient_;
  OrthantNewton<Scalar> newton_;
  std::vector<Index> support_positions_;
  std::vector<Index> support_features_;
  Matrix<Scalar> support_hessian_;
  AndersonAccelerator<Scalar> anderson_;
};

}  // namespace sparseglm::detail
