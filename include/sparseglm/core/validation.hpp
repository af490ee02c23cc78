#pragma once
// Input checks shared by the solvers, the path and the estimators. Each throws
// sparseglm::invalid_argument naming the argument and the problem.

#include <cmath>
#include <string>

#include "sparseglm/core/error.hpp"
#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

/// X's shape, and its entries unless `check_entries` is false (then the caller finds NaN and Inf
/// another way: coordinate_constants does, from the column norms).
template <class Design>
void check_design(const Design& X, bool check_entries = true) {
  if (X.rows() == 0) throw_invalid("X", "has no rows (empty data)");
  if (X.cols() == 0) throw_invalid("X", "has no columns (empty data)");
  if (check_entries && !X.all_finite()) throw_invalid("X", "contains NaN or Inf");
}

template <class Derived>
void check_finite(const std::string& name, const Eigen::DenseBase<Derived>& v) {
  for (Index i = 0; i < v.size(); ++i)
    if (!std::isfinite(v.derived().coeff(i)))
      throw_invalid(name, "contains NaN or Inf at index " + std::to_string(i));
}

inline void check_length(const std::string& name, Index actual, Index expected, const std::string& what) {
  if (actual != expected)
    throw_invalid(
        name, "has length " + std::to_string(actual) + " but " + what + " is " + std::to_string(expected));
}

inline void check_alpha(double alpha) {
  if (!(alpha >= 0) || !std::isfinite(alpha))
    throw_invalid("alpha", "must be finite and >= 0, got " + std::to_string(alpha));
}

}  // namespace sparseglm::detail
