#pragma once
// When to give up on tol: the fit has reached the rounding level of its scalar type.
//
// A fit whose tol is below what its precision can certify (float asked for 1e-12, or columns
// scaled to 1e150 so that one ulp of the residual is worth 1e134 in gradient units) sees its
// optimality criterion fluctuate at a rounding floor forever. Progress is either a criterion
// below every earlier one, or an objective below the best one by more than its own rounding
// error (100 eps |P|). Requiring both to fail keeps the test safe near a solution, where the
// objective is flat (its change is second order in the criterion) but the criterion still falls.
// Without an objective (the default 0) only the criterion counts: the inner loops of the Gram
// and prox-Newton solvers use that to hand back to the outer loop, which alone decides, on both,
// that tol cannot be reached. Anderson CD's inner loop passes the objective too: on an
// ill-conditioned working set the criterion can rise for hundreds of epochs while the objective
// falls, and handing back there spent the outer iterations (riboflavin without an intercept
// stopped at max_iter with a criterion of 2e-4).

#include <algorithm>
#include <cmath>
#include <limits>

namespace sparseglm::detail {

template <class Scalar>
class ProgressMonitor {
 public:
  /// Stalled after `patience` consecutive checks without progress.
  explicit ProgressMonitor(int patience) : patience_(patience) {}

  /// Records one check; true when the last `patience` checks all made no progress.
  bool stalled_after(Scalar criterion, Scalar objective = Scalar(0)) {
    const Scalar rounding = Scalar(100) * std::numeric_limits<Scalar>::epsilon() * std::abs(best_objective_);
    const bool progress = criterion < best_criterion_ || objective < best_objective_ - rounding;
    best_criterion_ = std::min(best_criterion_, criterion);
    best_objective_ = std::min(best_objective_, objective);
    checks_without_progress_ = progress ? 0 : checks_without_progress_ + 1;
    return checks_without_progress_ >= patience_;
  }

 private:
  int patience_;
  int checks_without_progress_ = 0;
  Scalar best_criterion_ = std::numeric_limits<Scalar>::infinity();
  Scalar best_objective_ = std::numeric_limits<Scalar>::infinity();
};

}  // namespace sparseglm::detail
