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

}  // namespace sparseglm
