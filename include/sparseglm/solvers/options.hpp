#pragma once
// Options of the working-set solvers (anderson_cd.hpp, prox_newton.hpp), every field with its
// default.

#include <cmath>
#include <functional>
#include <iosfwd>
#include <string>

#include "sparseglm/core/error.hpp"

namespace sparseglm {

/// What the solver reports after each outer iteration (to `SolverOptions::callback`).
struct IterationInfo {
  int iteration;          ///< outer iterations done so far (1 after the first criterion)
  int epochs;             ///< coordinate-descent epochs done so far
  double objective;       ///< P(w, b) at the current iterate
  double stop_crit;       ///< optimality criterion at the current iterate (along a path, iteration 1
                          ///< of an alpha may give a lower bound of it, above tol, instead)
  long working_set_size;  ///< size of the working set about to be solved (0 when stopping)
};

/// How least-squares datafits solve each working set (solvers/gram_cd.hpp).
enum class GramMode {
  automatic,  ///< on the Gram matrix when the working set is small next to n (see AndersonCD)
  always,     ///< always on the working set's Gram matrix
  never,      ///< always by coordinate descent on the columns of X
};

/// The algorithm behind sparseglm::solve and sparseglm::path.
enum class Solver {
  automatic,    ///< prox_newton for datafits with raw_hessian (Logistic), anderson_cd otherwise
  anderson_cd,  ///< working-set coordinate descent with Anderson acceleration (any datafit)
  prox_newton,  ///< working-set proximal Newton (datafits with raw_hessian only)
};

struct SolverOptions {
  /// Which algorithm fits. Both stop on the same criterion (tol, max_iter, max_epochs apply to
  /// both; prox_newton counts the coordinate-descent epochs of its quadratic models in n_epochs).
  /// prox_newton for a datafit without raw_hessian throws sparseglm::invalid_argument.
  Solver solver = Solver::automatic;
  /// Stop when the optimality criterion max_j dist(-grad_j, dg_j(w_j)) (and |dF/db| when an
  /// intercept is fitted) is <= tol. Absolute, in the units of the gradient. Must be > 0.
  double tol = 1e-4;
  /// Outer iterations (full-gradient passes, each followed by a working-set solve). >= 1.
  int max_iter = 50;
  /// Coordinate-descent epochs over all working sets of the fit together. >= 1.
  int max_epochs = 50000;
  /// Smallest working-set size (penalised features beyond the unpenalised ones). 0: the
  /// solver's own, 40 for Anderson CD and 10 for prox-Newton. >= 0.
  int p0 = 0;
  /// Fit an unpenalised intercept b.
  bool fit_intercept = true;
  /// Anderson acceleration: iterates combined per extrapolation (0 turns it off).
  int anderson_memory = 5;
  /// Least-squares datafits (datafits::Quadratic): inner solves on the working set's Gram
  /// matrix, O(|W|) per coordinate update after an O(n |W|^2) product, or on X, O(n) per update.
  /// Other datafits ignore it.
  GramMode gram = GramMode::automatic;
  /// A sparse X with at least half of its entries stored is fitted on a dense copy of itself (at
  /// most 4/3 of X's storage, for the fit's duration; core/fit_design.hpp): dense data held in a
  /// sparse matrix fits 1.3 to 6 times faster. false: X is fitted as given.
  bool dense_copy = true;
  /// Threads for the full gradient X^T v of each outer iteration (0: all cores); the rest of the
  /// fit runs on the calling thread. Results do not depend on it. fit_many needs 1 (one thread
  /// per fit). >= 0.
  int n_threads = 1;
  /// 0: silent. 1: one line per outer iteration. 2: also the inner criteria. Written to `log`.
  int verbosity = 0;
  /// Where verbosity > 0 writes; nullptr means std::clog.
  std::ostream* log = nullptr;
  /// Called after each outer iteration; returning false stops the fit (status stopped_by_callback).
  std::function<bool(const IterationInfo&)> callback;

  /// Throws sparseglm::invalid_argument naming the first field out of its range.
  void validate() const {
    if (!(tol > 0) || !std::isfinite(tol))
      detail::throw_invalid("tol", "must be finite and > 0, got " + std::to_string(tol));
    if (max_iter < 1) detail::throw_invalid("max_iter", "must be >= 1, got " + std::to_string(max_iter));
    if (max_epochs < 1)
      detail::throw_invalid("max_epochs", "must be >= 1, got " + std::to_string(max_epochs));
    if (p0 < 0) detail::throw_invalid("p0", "must be >= 0, got " + std::to_string(p0));
    if (anderson_memory < 0 || anderson_memory == 1 || anderson_memory > 50)
      detail::throw_invalid("anderson_memory",
                            "must be 0 (off) or in [2, 50], got " + std::to_string(anderson_memory));
    if (n_threads < 0)
      detail::throw_invalid("n_threads", "must be >= 0 (0: all cores), got " + std::to_string(n_threads));
    if (verbosity < 0) detail::throw_invalid("verbosity", "must be >= 0, got " + std::to_string(verbosity));
  }
};

}  // namespace sparseglm
