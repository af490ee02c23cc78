#pragma once
// Seeded synthetic problems shared by sparseglm-bench (the default problem set) and
// sparseglm-microbench. Header-only so that the microbenchmarks can include it directly.
//
// Reproducible across compilers and standard libraries: only std::mt19937_64 (whose output
// sequence the standard fixes) is used; uniform and Gaussian draws are computed here rather
// than with std::*_distribution, whose algorithms are implementation-defined.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace sparseglm_bench {

/// Uniform and standard normal draws from a seeded std::mt19937_64.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  /// Uniform in (0, 1]: 53 random bits.
  double uniform() { return double((engine_() >> 11) + 1) * 0x1.0p-53; }

  /// Standard normal (Box-Muller; the second value of each pair is kept for the next call).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double radius = std::sqrt(-2.0 * std::log(uniform()));
    const double angle = 2.0 * 3.14159265358979323846 * uniform();
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

  /// Uniform integer in [0, bound).
  std::uint64_t below(std::uint64_t bound) { return engine_() % bound; }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

/// n x p Gaussian design whose columns have the Toeplitz (AR(1)) correlation
/// corr(X_j, X_k) = rho^|j - k|: X_0 = z_0, X_j = rho X_{j-1} + sqrt(1 - rho^2) z_j.
inline Eigen::MatrixXd correlated_gaussian_design(Eigen::Index n, Eigen::Index p, double rho,
                                                  std::uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd X(n, p);
  const double innovation = std::sqrt(1.0 - rho * rho);
  for (Eigen::Index j = 0; j < p; ++j) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const double z = rng.normal();
      X(i, j) = j == 0 ? z : rho * X(i, j - 1) + innovation * z;
    }
  }
  return X;
}

/// n x p sparse design: every column holds max(1, round(density * n)) standard normal entries
/// in distinct rows drawn uniformly (Floyd's sampling), stored compressed column-major.
inline Eigen::SparseMatrix<double, Eigen::ColMajor, int> sparse_gaussian_design(Eigen::Index n,
                                                                                Eigen::Index p,
                                                                                double density,
                                                                                std::uint64_t seed) {
  Rng rng(seed);
  const Eigen::Index per_column =
      std::clamp<Eigen::Index>(Eigen::Index(std::lround(density * double(n))), 1, n);
  Eigen::SparseMatrix<double, Eigen::ColMajor, int> X(n, p);
  X.reserve(Eigen::VectorXi::Constant(p, int(per_column)));
  std::vector<Eigen::Index> rows;
  for (Eigen::Index j = 0; j < p; ++j) {
    rows.clear();
    for (Eigen::Index t = n - per_column; t < n; ++t) {  // Floyd: per_column distinct rows
      const auto candidate = Eigen::Index(rng.below(std::uint64_t(t + 1)));
      rows.push_back(std::find(rows.begin(), rows.end(), candidate) == rows.end() ? candidate : t);
    }
    std::sort(rows.begin(), rows.end());
    for (const Eigen::Index i : rows) X.insert(i, j) = rng.normal();
  }
  X.makeCompressed();
  return X;
}

/// A sparse ground truth: `k` non-zeros spread evenly over the p features, values +-(1 + u).
inline Eigen::VectorXd sparse_ground_truth(Eigen::Index p, Eigen::Index k, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(p);
  k = std::clamp<Eigen::Index>(k, 1, p);
  for (Eigen::Index t = 0; t < k; ++t) w[t * (p / k)] = (t % 2 == 0 ? 1.0 : -1.0) * (1.0 + rng.uniform());
  return w;
}

/// Regression targets y = Xw + noise with signal-to-noise ratio `snr` (std of Xw / std of noise).
template <class Design>
Eigen::VectorXd regression_target(const Design& X, const Eigen::VectorXd& w, double snr, std::uint64_t seed) {
  Rng rng(seed);
  const Eigen::VectorXd signal = X * w;
  const double noise_std = std::sqrt(signal.squaredNorm() / double(signal.size())) / snr;
  Eigen::VectorXd y(signal.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) y[i] = signal[i] + noise_std * rng.normal();
  return y;
}

/// Labels in {-1, +1} from a logistic model: P(y_i = 1) = sigmoid(s (Xw)_i), the scale s
/// chosen so that the scores have standard deviation `score_std`.
template <class Design>
Eigen::VectorXd logistic_labels(const Design& X, const Eigen::VectorXd& w, double score_std,
                                std::uint64_t seed) {
  Rng rng(seed);
  const Eigen::VectorXd scores = X * w;
  const double rms = std::sqrt(scores.squaredNorm() / double(scores.size()));
  const double scale = rms > 0 ? score_std / rms : 0.0;
  Eigen::VectorXd y(scores.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const double probability = 1.0 / (1.0 + std::exp(-scale * scores[i]));
    y[i] = rng.uniform() <= probability ? 1.0 : -1.0;
  }
  return y;
}

}  // namespace sparseglm_bench
