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

/// Prox-Newton for datafits with raw_hessian unless anderson_cd is asked for; AndersonCD
/// otherwise. Throws sparseglm::invalid_argument when prox_newton is asked for a datafit
/// without raw_hessian.
template <class Design, class DatafitType, class PenaltyType>
SolverResult<typename Design::ScalarType> run_solver(
    const Design& X, const Vector<typename Design::ScalarType>& y, const DatafitType& datafit,
    const PenaltyType& penalty, const SolverOptions& options,
    const CoordinateConstants<typename Design::ScalarType>& constants,
    const Vector<typename Design::ScalarType>& w0, typename Design::ScalarType b0) {
  if constexpr (SecondOrderDatafit<DatafitType, Design>) {
    if (options.solver != Solver::anderson_cd)
      return ProxNewton<Design, DatafitType, PenaltyType>(X, y, datafit, penalty, options, constants)
          .run(w0, b0);
  } else {
    if (options.solver == Solver::prox_newton)
      throw_invalid("solver", "prox_newton needs a datafit with raw_hessian (see datafits/datafit.hpp)");
  }
  return AndersonCD<Design, DatafitType, PenaltyType>(X, y, datafit, penalty, options, constants).run(w0, b0);
}

}  // namespace sparseglm::detail
