#pragma once
// Runs the algorithm that SolverOptions::solver names (options.hpp) on a validated problem.

#include "sparseglm/core/error.hpp"
#include "sparseglm/datafits/datafit.hpp"
#include "sparseglm/solvers/anderson_cd.hpp"
#include "sparseglm/solvers/coordinate_constants.hpp"
#include "sparseglm/solvers/options.hpp"
#include "sparseglm/solvers/prox_newton.hpp"
#include "sparseglm/solvers/result.hpp"

namespace sparseglm::detail {

/// Calls fit(solver) with the solver that options.solver names and returns what it returns:
/// prox-Newton for datafits with raw_hessian unless anderson_cd is asked for; AndersonCD
/// otherwise. Throws sparseglm::invalid_argument when prox_newton is asked for a datafit
/// without raw_hessian.
template <class Design, class DatafitType, class PenaltyType, class Fit>
auto with_solver(const Design& X, const Vector<typename Design::ScalarType>& y, const DatafitType& datafit,
                 const PenaltyType& penalty, const SolverOptions& options,
                 const CoordinateConstants<typename Design::ScalarType>& constants, Fit&& fit) {
  if constexpr (SecondOrderDatafit<DatafitType, Design>) {
    if (options.solver != Solver::anderson_cd) {
      ProxNewton<Design, DatafitType, PenaltyType> solver(X, y, datafit, penalty, options, constants);
      return fit(solver);
    }
  } else {
    if (options.solver == Solver::prox_newton)
      throw_invalid("solver", "prox_newton needs a datafit with raw_hessian (see datafits/datafit.hpp)");
  }
  AndersonCD<Design, DatafitType, PenaltyType> solver(X, y, datafit, penalty, options, constants);
  return fit(solver);
}

/// One fit from (w0, b0) by the solver that options.solver names (with_solver).
template <class Design, class DatafitType, class PenaltyType>
SolverResult<typename Design::ScalarType> run_solver(
    const Design& X, const Vector<typename Design::ScalarType>& y, const DatafitType& datafit,
    const PenaltyType& penalty, const SolverOptions& options,
    const CoordinateConstants<typename Design::ScalarType>& constants,
    const Vector<typename Design::ScalarType>& w0, typename Design::ScalarType b0) {
  return with_solver(X, y, datafit, penalty, options, constants,
                     [&](auto& solver) { return solver.run(w0, b0); });
}

}  // namespace sparseglm::detail
