#pragma once
// Deterministic test problems for sparseglm's tests.
//
// Everything is drawn from a tiny self-contained generator (SplitMix64 + Box-Muller) so that
// the same seed gives the same problem with every standard library (std::normal_distribution
// is not specified bit-for-bit). Data are generated in double and then cast to the scalar
// under test, so a float problem is exactly the double problem rounded once: a reference
// solution computed in double on `X.cast<double>()` solves the very same problem.
//
//   correlated_design(n, p, rho, seed)   Gaussian rows with Toeplitz correlation rho^|j-k|,
//                                        built as an AR(1) recursion across the columns
//   sparse_design(n, p, density, seed)   each entry non-zero with probability `density`
//   one_hot_design(n, v, levels, seed)   v categorical variables one-hot encoded, all levels kept
//   sparse_coef(p, k, seed)              k non-zeros, evenly spread, magnitudes in [1, 2]
//   regression_target(X, w, ...)         y = Xw + intercept + noise * N(0, 1)
//   logistic_labels(X, w, ...)           y_i = +1 with probability sigma(x_i^T w + b), else -1
//   make_problem<Scalar>(spec)           all of the above in one struct, dense and CSC storage

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

namespace test_support {

using Index = Eigen::Index;

/// SplitMix64 (Steele, Lea & Flood 2014): 64-bit state, fully specified output sequence.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  /// Uniform on [0, 1) with 53 random bits.
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }

  /// Standard normal by Box-Muller (both values of a pair are used).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  std::uint64_t state_;
  double spare_ = 0;
  bool has_spare_ = false;
};

/// n x p Gaussian design whose columns have correlation rho^|j - k| (unit variance):
/// x_{i,0} = z_{i,0}, x_{i,j} = rho x_{i,j-1} + sqrt(1 - rho^2) z_{i,j}.
inline Eigen::MatrixXd correlated_design(Index n, Index p, double rho, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd X(n, p);
  const double innovation = std::sqrt(1.0 - rho * rho);
  for (Index i = 0; i < n; ++i) {
    X(i, 0) = rng.normal();
    for (Index j = 1; j < p; ++j) X(i, j) = rho * X(i, j - 1) + innovation * rng.normal();
  }
  return X;
}

/// n x p design, each entry non-zero (standard normal) with probability `density`; returned
/// dense so that the same numbers can be stored both ways (see to_sparse).
inline Eigen::MatrixXd sparse_design(Index n, Index p, double density, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, p);
  for (Index j = 0; j < p; ++j)
    for (Index i = 0; i < n; ++i)
      if (rng.uniform() < density) X(i, j) = rng.normal();
  return X;
}

/// n x p design with non-negative entries in [0.5, 1.5]; column j is non-zero with probability
/// first_density / (1 + j / halving) (0.9 and 4 by default), so the first columns are dense
/// (nnz >= n / 4) and the last ones hold a few entries, as the frequent and rare terms of a
/// document-term matrix.
inline Eigen::MatrixXd text_like_design(Index n, Index p, std::uint64_t seed, double first_density = 0.9,
                                        double halving = 4) {
  Rng rng(seed);
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, p);
  for (Index j = 0; j < p; ++j) {
    const double density = first_density / (1.0 + double(j) / halving);
    for (Index i = 0; i < n; ++i)
      if (rng.uniform() < density) X(i, j) = 0.5 + rng.uniform();
  }
  return X;
}

/// `variables` categorical variables of `levels` levels each, every row's level drawn uniformly,
/// one-hot encoded with every level kept: columns v * levels to (v + 1) * levels - 1 hold variable
/// v, and each block of columns sums to the ones vector.
inline Eigen::MatrixXd one_hot_design(Index n, Index variables, Index levels, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, variables * levels);
  for (Index i = 0; i < n; ++i)
    for (Index v = 0; v < variables; ++v) X(i, v * levels + Index(rng.next() % std::uint64_t(levels))) = 1;
  return X;
}

/// The exact non-zeros of a dense matrix in compressed column-major storage.
template <class Scalar>
Eigen::SparseMatrix<Scalar> to_sparse(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& X) {
  std::vector<Eigen::Triplet<Scalar>> entries;
  for (Index j = 0; j < X.cols(); ++j)
    for (Index i = 0; i < X.rows(); ++i)
      if (X(i, j) != Scalar(0)) entries.emplace_back(int(i), int(j), X(i, j));
  Eigen::SparseMatrix<Scalar> S(X.rows(), X.cols());
  S.setFromTriplets(entries.begin(), entries.end());
  S.makeCompressed();
  return S;
}

/// k non-zero coefficients at evenly spread indices, alternating signs, magnitudes in [1, 2].
inline Eigen::VectorXd sparse_coef(Index p, Index k, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(p);
  for (Index t = 0; t < k && t < p; ++t) {
    const Index j = (t * p) / k;
    w[j] = (t % 2 == 0 ? 1.0 : -1.0) * (1.0 + rng.uniform());
  }
  return w;
}

/// y = X w + intercept + noise * N(0, 1).
inline Eigen::VectorXd regression_target(const Eigen::MatrixXd& X, const Eigen::VectorXd& w, double noise,
                                         double intercept, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::VectorXd y = X * w;
  for (Index i = 0; i < y.size(); ++i) y[i] += intercept + noise * rng.normal();
  return y;
}

/// Labels in {-1, +1}: +1 with probability sigma(x_i^T w + intercept). Both classes are
/// guaranteed (the first label is flipped in the unlikely case that one class is missing).
inline Eigen::VectorXd logistic_labels(const Eigen::MatrixXd& X, const Eigen::VectorXd& w, double intercept,
                                       std::uint64_t seed) {
  Rng rng(seed);
  const Eigen::VectorXd z = (X * w).array() + intercept;
  Eigen::VectorXd y(X.rows());
  for (Index i = 0; i < y.size(); ++i) y[i] = rng.uniform() < 1.0 / (1.0 + std::exp(-z[i])) ? 1.0 : -1.0;
  if ((y.array() == 1.0).all() || (y.array() == -1.0).all()) y[0] = -y[0];
  return y;
}

enum class DesignKind { correlated, sparse };
enum class TargetKind { regression, classification };

struct ProblemSpec {
  Index n = 60;
  Index p = 100;
  DesignKind design = DesignKind::correlated;
  double rho = 0.9;      ///< correlated designs
  double density = 0.1;  ///< sparse designs
  TargetKind target = TargetKind::regression;
  Index n_informative = 5;  ///< non-zeros of the true w
  double noise = 0.5;       ///< regression noise level
  double intercept = 0.0;   ///< true intercept (regression offset or logit offset)
  std::uint64_t seed = 1;
};

inline std::string describe(const ProblemSpec& s) {
  return std::string(s.target == TargetKind::regression ? "regression" : "classification") +
         " n=" + std::to_string(s.n) + " p=" + std::to_string(s.p) + " " +
         (s.design == DesignKind::correlated ? "correlated rho=" + std::to_string(s.rho)
                                             : "sparse density=" + std::to_string(s.density)) +
         " intercept=" + std::to_string(s.intercept) + " seed=" + std::to_string(s.seed);
}

template <class Scalar>
struct Problem {
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> X;  ///< dense column-major
  Eigen::SparseMatrix<Scalar> X_sparse;                     ///< the same numbers, CSC
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> y;               ///< targets or {-1, +1} labels
  Eigen::VectorXd w_true;

  /// The problem exactly as stored, in double (what a reference solver should solve).
  Eigen::MatrixXd X_double() const { return X.template cast<double>(); }
  Eigen::VectorXd y_double() const { return y.template cast<double>(); }
};

template <class Scalar>
Problem<Scalar> make_problem(const ProblemSpec& spec) {
  const Eigen::MatrixXd X = spec.design == DesignKind::correlated
                                ? correlated_design(spec.n, spec.p, spec.rho, spec.seed)
                                : sparse_design(spec.n, spec.p, spec.density, spec.seed);
  Problem<Scalar> problem;
  problem.w_true = sparse_coef(spec.p, spec.n_informative, spec.seed + 1000);
  const Eigen::VectorXd y =
      spec.target == TargetKind::regression
          ? regression_target(X, problem.w_true, spec.noise, spec.intercept, spec.seed + 2000)
          : logistic_labels(X, problem.w_true, spec.intercept, spec.seed + 2000);
  problem.X = X.cast<Scalar>();
  problem.X_sparse = to_sparse<Scalar>(problem.X);
  problem.y = y.cast<Scalar>();
  return problem;
}

}  // namespace test_support
