#pragma once
// Working-set selection (skglm, Bertrand et al. 2022, Algorithm 1).
//
// size = max(min(p0 + n_unpenalised, p), min(g (|support(w)| - n_unpenalised) + n_unpenalised, p))
// with growth g = 2 (skglm; a parameter); the unpenalised features and the current support always
// belong to it, the rest are the highest optimality violations, ties broken by index; listed in
// index order, so that results are reproducible and memory is read in order.

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <vector>

#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

/// growth: how many times the penalised support the working set holds (2 in skglm).
inline Index working_set_size(Index p0, Index n_unpenalized, Index support_size, Index n_features,
                              Index growth = 2) {
  return std::max(std::min(p0 + n_unpenalized, n_features),
                  std::min(growth * (support_size - n_unpenalized) + n_unpenalized, n_features));
}

/// Fills `working_set` (sorted) with the `size` features of highest priority, ties broken by
/// index; `priority` is consumed (overwritten with +inf for the features that must be kept, and
/// for a NaN). The size-th highest priority is found by nth_element on a copy of the priorities
/// (`scratch`), contiguous values rather than indices compared through the array; one pass in
/// index order then takes the features above it and the first of those equal to it.
template <class Scalar, class Penalty>
void select_working_set(const Penalty& penalty, const Vector<Scalar>& w, Vector<Scalar>& priority, Index size,
                        std::vector<Scalar>& scratch, std::vector<Index>& working_set) {
  const Index p = w.size();
  for (Index j = 0; j < p; ++j)
    if (w[j] != Scalar(0) || !penalty.is_penalized(j) || std::isnan(priority[j]))
      priority[j] = std::numeric_limits<Scalar>::infinity();
  working_set.resize(std::size_t(std::clamp(size, Index(0), p)));
  if (size <= 0 || size >= p) {
    std::iota(working_set.begin(), working_set.end(), Index(0));
    return;
  }
  scratch.assign(priority.data(), priority.data() + p);
  std::nth_element(scratch.begin(), scratch.begin() + (size - 1), scratch.end(), std::greater<Scalar>());
  const Scalar threshold = scratch[std::size_t(size - 1)];
  Index ties = size;  // how many features equal to the threshold still belong
  for (Index j = 0; j < p; ++j) ties -= Index(priority[j] > threshold);
  std::size_t taken = 0;
  for (Index j = 0; j < p; ++j)
    if (priority[j] > threshold || (priority[j] == threshold && ties-- > 0)) working_set[taken++] = j;
}

}  // namespace sparseglm::detail
