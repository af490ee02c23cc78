#pragma once
// The order in which prox-Newton's model epochs visit the working set (prox_newton.hpp,
// solve_model): cyclic (ascending positions) until a model stalls, then a fresh random
// permutation at each activation, until a model stalls again, and so on; models with drift
// steps stay cyclic.
//
// Where the model is flat along a direction v (X v = 0 on the samples that carry curvature), only
// the penalty moves the coordinates along v, and CD can crawl there: each epoch moves them by
// about the same amount, the model's value falls linearly while its largest violation stays put,
// and the model stalls (ProgressMonitor). Whether an order crawls depends on where v's
// coordinates sit in it:
// - categorical variables one-hot encoded with every level kept, without an intercept: each
//   variable's block of columns sums to the ones vector, so the model is flat along 1_A - 1_B for
//   any two blocks A and B. Ascending order sweeps one block after the other and the shift between
//   blocks crawls; a random order interleaves them (liblinear's CD draws a permutation per pass).
//   bench/compare's onehot-20000x1000 L1-logistic at alpha_max / 1000 without intercept: 698 ->
//   177 epochs to suboptimality 1e-6;
// - real farm-ads, where a random order throughout crawled late in the fits (L1-logistic /1000
//   without intercept to 1e-8: 507 epochs in ascending order, 1914 in random order) and ascending
//   order did not.
// Switching at each stall keeps what works. Epochs to suboptimality 1e-6 and 1e-8 along the
// tolerance ladders of bench/compare's L1-logistic cells (dense, text, farm-ads): the cells whose
// models never stall are unchanged; farm-ads /1000 without intercept 404 -> 265 and 507 -> 330,
// /100 without 102 -> 79 and 117 -> 91. The microarray sets moved both ways (colon-cancer /100
// without intercept 434 -> 315; leukemia /1000 without 188 -> 227). Models with drift steps
// (prox_newton.hpp) keep the ascending order: with a random order, a nearly separable text-like
// fit without Anderson (test_sparse_cd's drift case) ran out of its 50 outer iterations, where
// ascending order converges in 187 epochs.
// The permutations come from a fixed seed: a fit is reproducible, on every standard library.

#include <cstdint>
#include <utility>
#include <vector>

#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

class CoordinateOrder {
 public:
  /// After a model stalled: the next activations use the other order.
  void switch_after_stall() { shuffled_ = !shuffled_; }
  bool shuffled() const { return shuffled_; }

  /// Puts `positions` (ascending) in the current order.
  void arrange(std::vector<Index>& positions) {
    if (!shuffled_) return;
    // Fisher-Yates; the modulo's bias, below size / 2^64, does not matter here.
    for (std::size_t i = positions.size(); i > 1; --i) std::swap(positions[i - 1], positions[next() % i]);
  }

 private:
  // SplitMix64 (Steele, Lea & Flood 2014): a fully specified sequence.
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  bool shuffled_ = false;
  std::uint64_t state_ = 0;
};

}  // namespace sparseglm::detail
