#pragma once
// Working-set selection (skglm, Bertrand et al. 2022, Algorithm 1).
//
// size = max(min(p0 + n_unpenalised, p), min(g (|support(w)| - n_unpenalised) + n_unpenalised, p))
// with growth g = 2 (skglm; a parameter); the unpenalised features and the current support always
// belong to it, the rest are the highest optimality violations. Partial selection (nth_element), then sorted
// by index so that results are reproducible and memory is read in order.

#include <algorithm>
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

/// Fills `working_set` with the `size` features of highest priority; `priority` is consumed
/// (overwritten with +inf for the features that must be kept).
template <class Scalar, class Penalty>
void select_working_set(const Penalty& penalty, const Vector<Scalar>& w, Vector<Scalar>& priority, Index size,
                        std::vector<Index>& all_features, std::vector<Index>& working_set) {
  const Index p = w.size();
  for (Index j = 0; j < p; ++j)
    if (w[j] != Scalar(0) || !penalty.is_penalized(j)) priority[j] = std::numeric_limits<Scalar>::infinity();
  all_features.resize(p);
  std::iota(all_features.begin(), all_features.end(), Index(0));
  // Ties are broken by index so that the selection does not depend on nth_element's internals.
  const auto higher = [&](Index a, Index b) {
    return priority[a] > priority[b] || (priority[a] == priority[b] && a < b);
  };
  if (size < p)
    std::nth_element(all_features.begin(), all_features.begin() + size, all_features.end(), higher);
  working_set.assign(all_features.begin(), all_features.begin() + size);
  std::sort(working_set.begin(), working_set.end());
}

}  // namespace sparseglm::detail
