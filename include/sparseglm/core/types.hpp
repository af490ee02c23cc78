#pragma once
// Basic types shared by the whole library.

#include <Eigen/Core>
#include <Eigen/SparseCore>

namespace sparseglm {

using Index = Eigen::Index;

template <class Scalar>
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

template <class Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

template <class Scalar>
using IndexVector = Eigen::Matrix<Index, Eigen::Dynamic, 1>;

/// Two per-sample vectors as the rows of a 2 x n column-major matrix: entry i of both lies in one
/// pair of adjacent scalars, so a sparse column's kernels (core/design.hpp) that read both at
/// scattered rows load one cache line per row instead of two.
template <class Scalar>
using SamplePairs = Eigen::Matrix<Scalar, 2, Eigen::Dynamic>;

}  // namespace sparseglm
