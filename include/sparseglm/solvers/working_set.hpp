#pragma once
// Working-set selection (skglm, Bertrand et al. 2022, Algorithm 1).
//
// size = max(min(p0 + n_unpenalised, p), min(g (|support(w)| - n_unpenalised) + n_unpenalised, p))
// with growth g = 2 (skglm; a parameter); the unpenalised features and the current support always
// belong to it, the rest are the highest optimality violations, ties broken by index; listed in
// index order, so that results are reproducible and memory is read in order.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <type_traits>
#include <vector>

#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

// A working set is solved down to this share of the outer criterion (unless it is solved to tol).
inline constexpr double inner_share = 0.3;

// Whether a working set whose columns hold `entries` of X's `total_entries` stored entries becomes
// every feature, at outer criterion `criterion` of a fit to `tol`. On sparse data an epoch costs
// about the stored entries it visits, and the extra features mostly stay at 0 and leave the epochs
// (shrinking) after the second: widening a set whose columns hold a share s of X's entries costs
// about 2 (1 - s) epochs on every feature, and saves the outer iteration's X^T v, which the
// widened set's own gradients replace. At s >= 1/2 that pays even when this set is the last one
// (on dense content too, where it needs half of the features). Near the end, while the criterion
// is between tol / inner_share (another outer iteration is all but certain) and near_end_factor
// times tol (the widened set starts close to the solution and converges in a few epochs),
// s >= 1/3 is enough when `near_end_rule` (sparse content, not along a path): widening then also
// saves the epochs on a set that would be widened in turn. Text 100000x10000 /1000 with
// intercept (ladder of tols reaching suboptimality 1e-6, 7 rounds): Lasso 9 -> 6 epochs in 0.48
// of the time, ElasticNet in 0.65; text 20000x50000 /1000 unchanged. Without the upper bound,
// sets of s = 0.40 to 0.43 widened far from the solution there: ElasticNet without intercept
// took 1.44 times as long (26 -> 31 epochs). Along a path the fits were the same and text
// 20000x50000's 100-alpha Lasso path took 1.38 times as long (medians of 3 alternating runs).
inline constexpr double near_end_factor = 20;
inline bool widening_pays(double entries, double total_entries, double criterion, double tol,
                          bool near_end_rule) {
  const bool near_end = inner_share * criterion > tol && criterion <= near_end_factor * tol;
  return 2 * entries >= total_entries || (near_end_rule && near_end && 3 * entries >= total_entries);
}

/// growth: how many times the penalised support the working set holds (2 in skglm).
inline Index working_set_size(Index p0, Index n_unpenalized, Index support_size, Index n_features,
                              Index growth = 2) {
  return std::max(std::min(p0 + n_unpenalized, n_features),
                  std::min(growth * (support_size - n_unpenalized) + n_unpenalized, n_features));
}

// The size-th highest of `priority` (1 <= size <= p, no NaN). One pass counts the priorities by
// sign and exponent (the top 12 bits of their IEEE representation, flipped so that they order
// as the values do); nth_element then runs on the one bucket that holds the size-th alone, not
// on all p (on every priority it took 5% of text 20000x50000 ElasticNet /1000, whose columns
// hold 20 entries on average).
template <class Scalar>
Scalar kth_highest(const Vector<Scalar>& priority, Index size, std::vector<Scalar>& scratch) {
  static_assert(sizeof(Scalar) == 4 || sizeof(Scalar) == 8, "IEEE single or double precision");
  using Bits = std::conditional_t<sizeof(Scalar) == 8, std::uint64_t, std::uint32_t>;
  constexpr int bucket_bits = 12;
  constexpr Bits sign = Bits(1) << (8 * sizeof(Scalar) - 1);
  const auto bucket = [](Scalar value) {
    const Bits bits = std::bit_cast<Bits>(value);
    return std::size_t(((bits & sign) ? ~bits : bits | sign) >> (8 * sizeof(Scalar) - bucket_bits));
  };
  std::vector<Index> counts(std::size_t(1) << bucket_bits, 0);
  for (Index j = 0; j < priority.size(); ++j) ++counts[bucket(priority[j])];
  std::size_t top = counts.size() - 1;  // the bucket of the size-th highest
  Index above = 0;                      // priorities in the buckets above it
  while (above + counts[top] < size) above += counts[top--];
  scratch.clear();
  for (Index j = 0; j < priority.size(); ++j)
    if (bucket(priority[j]) == top) scratch.push_back(priority[j]);
  const auto kth = scratch.begin() + (size - above - 1);
  std::nth_element(scratch.begin(), kth, scratch.end(), std::greater<Scalar>());
  return *kth;
}

/// Fills `working_set` (sorted) with the `size` features of highest priority, ties broken by
/// index; `priority` is consumed (overwritten with +inf for the features that must be kept, and
/// for a NaN). One pass in index order takes the features above the size-th highest priority
/// (kth_highest) and the first of those equal to it.
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
  const Scalar threshold = kth_highest(priority, size, scratch);
  Index ties = size;  // how many features equal to the threshold still belong
  for (Index j = 0; j < p; ++j) ties -= Index(priority[j] > threshold);
  std::size_t taken = 0;
  for (Index j = 0; j < p; ++j)
    if (priority[j] > threshold || (priority[j] == threshold && ties-- > 0)) working_set[taken++] = j;
}

}  // namespace sparseglm::detail
