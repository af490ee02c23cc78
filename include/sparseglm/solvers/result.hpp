#pragma once
// What a fit returns: the solution and the figures that certify it.

#include <ostream>
#include <string_view>

#include "sparseglm/core/types.hpp"

namespace sparseglm {

enum class SolverStatus {
  converged,            ///< stop_crit <= tol
  max_iterations,       ///< max_iter outer iterations without reaching tol
  max_epochs,           ///< the epoch budget ran out before tol was reached
  stopped_by_callback,  ///< the caller's callback asked to stop
  /// stop_crit stopped decreasing above tol: for 3 outer iterations neither a new lowest
  /// criterion nor an objective lower by more than its rounding (progress.hpp). tol is below
  /// what the scalar type can certify for these data (float asked for 1e-12; columns or y so
  /// large that one rounding error is worth more than tol in gradient units). The point is as
  /// accurate as the precision allows: raise tol, fit in double, or rescale the data.
  precision_limit,
  numerical_issue,  ///< a non-finite value appeared; the last finite iterate is returned
};

inline std::string_view to_string(SolverStatus status) {
  switch (status) {
    case SolverStatus::converged:
      return "converged";
    case SolverStatus::max_iterations:
      return "max_iterations";
    case SolverStatus::max_epochs:
      return "max_epochs";
    case SolverStatus::stopped_by_callback:
      return "stopped_by_callback";
    case SolverStatus::precision_limit:
      return "precision_limit";
    case SolverStatus::numerical_issue:
      return "numerical_issue";
  }
  return "unknown";
}

inline std::ostream& operator<<(std::ostream& out, SolverStatus status) { return out << to_string(status); }

template <class Scalar>
struct SolverResult {
  Vector<Scalar> coef;   ///< w, one entry per feature
  Scalar intercept = 0;  ///< b (0 when no intercept is fitted)
  Scalar objective = 0;  ///< P(w, b) = F(Xw + b) + G(w)
  Scalar stop_crit = 0;  ///< optimality criterion at (w, b), recomputed at the end
  int n_iter = 0;        ///< outer iterations
  int n_epochs = 0;      ///< coordinate-descent epochs
  SolverStatus status = SolverStatus::converged;

  bool converged() const { return status == SolverStatus::converged; }
};

}  // namespace sparseglm
