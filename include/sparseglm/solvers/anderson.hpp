#pragma once
// Anderson acceleration of a fixed-point iteration (here: coordinate-descent epochs).
//
// Keeps the last K+1 iterates x_0..x_K; with the differences U = [x_1 - x_0, ..., x_K - x_{K-1}]
// it solves (U^T U + lambda I) z = 1 and proposes sum_k c_k x_{k+1}, c = z / sum(z).
// The caller keeps the proposal only if it lowers the objective. The buffer restarts after
// every proposal.
//
// The proposal extrapolates as if the epochs' map were affine. With a penalty that is smooth
// except at 0 (L1, ElasticNet), the map of CD epochs is smooth on each sign pattern of the
// coefficients (affine for least squares, and for prox-Newton's quadratic models), and only
// there; so the callers keep every penalised coordinate of the proposal in the closed
// orthant of its current value (within_orthant): at 0 it stays at 0, where the epochs decide
// whether it moves; across 0 it stops at 0. Unclipped, the proposals of sparse fits whose
// coordinates keep entering and leaving the support are rejected almost always (measured on
// bench/compare's text problems without intercept); clipped, a coordinate that shrinks to 0 and
// leaves the epochs (anderson_cd.hpp) stays valid in the history, which need not restart.
// Bertrand & Massias, "Anderson acceleration of coordinate descent", AISTATS 2021.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "sparseglm/core/huge_pages.hpp"
#include "sparseglm/core/types.hpp"

namespace sparseglm::detail {

/// The proposal for a penalised coordinate, clipped to the closed orthant of its current value.
template <class Scalar>
Scalar within_orthant(Scalar proposal, Scalar current) {
  if (current > Scalar(0)) return std::max(proposal, Scalar(0));
  if (current < Scalar(0)) return std::min(proposal, Scalar(0));
  return Scalar(0);
}

template <class Scalar>
class AndersonAccelerator {
 public:
  /// Sizes the buffers for iterates of dimension `dim`.
  void reset(Index dim, int memory) {
    memory_ = memory;
    count_ = 0;
    if (memory_ == 0) return;
    if (iterates_.rows() != dim || iterates_.cols() != memory_ + 1) {
      iterates_ = HugePageMatrix<Scalar>(dim, memory_ + 1);
      differences_ = HugePageMatrix<Scalar>(dim, memory_);
    }
    gram_.resize(memory_, memory_);
    weights_.resize(memory_);
  }

  /// Records x. When K+1 iterates are stored, writes the extrapolated point into x_out,
  /// restarts the buffer and returns true.
  bool push(const Vector<Scalar>& x, Vector<Scalar>& x_out) {
    if (memory_ == 0) return false;
    auto iterates = iterates_.map();
    auto differences = differences_.map();
    iterates.col(count_) = x;
    if (++count_ <= memory_) return false;
    count_ = 0;

    differences = iterates.rightCols(memory_) - iterates.leftCols(memory_);
    // The weights do not change when U is scaled. Scaling it by a power of two, which is exact,
    // keeps U^T U clear of overflow and underflow whatever the magnitude of the iterates. A product
    // with 2^-e rounds as ldexp does (once, correctly) and, unlike a call of ldexp per entry,
    // vectorises (those calls took 2% of a sparse L1-logistic fit); ldexp itself only where 2^-e
    // overflows (every difference subnormal).
    const Scalar largest = differences.cwiseAbs().maxCoeff();
    if (!(largest > 0) || !std::isfinite(largest)) return false;
    const int exponent = std::ilogb(largest);
    const Scalar scale = std::ldexp(Scalar(1), -exponent);
    if (std::isfinite(scale))
      differences *= scale;
    else
      differences = differences.unaryExpr([exponent](Scalar u) { return std::ldexp(u, -exponent); });
    gram_.noalias() = differences.transpose() * differences;
    const Scalar ridge = Scalar(1e-10) * gram_.norm();
    if (!(ridge > 0) || !std::isfinite(ridge)) return false;
    gram_.diagonal().array() += ridge;
    weights_ = gram_.ldlt().solve(Vector<Scalar>::Ones(memory_));
    const Scalar total = weights_.sum();
    if (!std::isfinite(total) || total == Scalar(0)) return false;
    weights_ /= total;
    x_out.noalias() = iterates.rightCols(memory_) * weights_;
    return x_out.allFinite();
  }

 private:
  int memory_ = 0;
  int count_ = 0;
  // On huge pages (core/huge_pages.hpp): for p features they take 2K + 1 columns of p + 1
  // entries, 4.4 MB at p = 50000, whose first writes cost a page fault per 4 KiB.
  HugePageMatrix<Scalar> iterates_;
  HugePageMatrix<Scalar> differences_;
  Matrix<Scalar> gram_;
  Vector<Scalar> weights_;
};

}  // namespace sparseglm::detail
