#pragma once
// The design view a fit runs on. A sparse X that stores at least half of its n p entries (dense
// data read from an svmlight file, say) is fitted on a dense copy of itself: 8 bytes per entry of
// X against 12 per stored entry of a double CSC matrix with int indices, so the copy takes at most
// 4/3 of X's storage, and its kernels stream contiguous columns instead of gathering by row index
// (bench/compare's dense real data sets, riboflavin, eyedata, leukemia, colon-cancer and
// duke-west, fit 1.3 to 6 times faster). SolverOptions::dense_copy = false fits X as given.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <type_traits>

#include "sparseglm/core/design.hpp"
#include "sparseglm/core/huge_pages.hpp"
#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

/// Whether a sparse design is fitted on a dense copy (header comment).
template <class SparseDesignType>
bool dense_copy_pays(const SparseDesignType& X) {
  const double entries = double(X.rows()) * double(X.cols());
  return entries > 0 && 2 * double(X.nnz()) >= entries;
}

/// fit(design) on the view of X that the fit runs on: make_design(X), or a dense copy of a sparse
/// X when allow_dense_copy and dense_copy_pays (the copy lives until fit returns).
template <class Derived, class Fit>
decltype(auto) with_fit_design(const Eigen::EigenBase<Derived>& X, bool allow_dense_copy, Fit&& fit) {
  const auto design = make_design(X.derived());
  if constexpr (std::remove_const_t<decltype(design)>::is_sparse) {
    if (allow_dense_copy && dense_copy_pays(design)) {
      HugePageMatrix<typename Derived::Scalar> dense(design.rows(), design.cols());
      dense.map() = X.derived();
      return fit(make_design(dense.map()));
    }
  }
  return fit(design);
}

}  // namespace sparseglm::detail
