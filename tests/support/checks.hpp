#pragma once
// Glue between the library and the independent reference (support/reference.hpp): build the
// library's datafit and penalty from a reference description, certify a library solution by
// recomputing its KKT violation and objective in double, and small numeric helpers.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>
#include <utility>

#include "reference.hpp"
#include "sparseglm/sparseglm.hpp"

namespace test_support {

namespace ref = reference;

/// Calls f(datafit) with the library datafit for `loss`.
template <class F>
decltype(auto) with_datafit(ref::Loss loss, F&& f) {
  if (loss == ref::Loss::quadratic) return std::forward<F>(f)(sparseglm::datafits::Quadratic{});
  return std::forward<F>(f)(sparseglm::datafits::Logistic{});
}

/// Quadratic without its lipschitz_is_column_norm declaration: the solver then finds NaN and
/// Inf in X by a pass of its own and takes no centred curvatures (datafits/datafit.hpp).
struct QuadraticWithoutColumnNorms : sparseglm::datafits::Quadratic {
  static constexpr bool lipschitz_is_column_norm = false;
};

/// Calls f(penalty) with the library penalty described by `penalty`.
template <class F>
decltype(auto) with_penalty(const ref::Penalty& penalty, F&& f) {
  switch (penalty.kind) {
    case ref::Penalty::Kind::weighted_l1:
      return std::forward<F>(f)(sparseglm::penalties::WeightedL1(penalty.alpha, penalty.weights));
    case ref::Penalty::Kind::elastic_net:
      return std::forward<F>(f)(sparseglm::penalties::ElasticNet(penalty.alpha, penalty.l1_ratio));
    case ref::Penalty::Kind::l1:
      break;
  }
  return std::forward<F>(f)(sparseglm::penalties::L1(penalty.alpha));
}

inline std::string to_string(ref::Loss loss) {
  return loss == ref::Loss::quadratic ? "Quadratic" : "Logistic";
}

inline std::string to_string(ref::Penalty::Kind kind) {
  switch (kind) {
    case ref::Penalty::Kind::l1:
      return "L1";
    case ref::Penalty::Kind::weighted_l1:
      return "WeightedL1";
    case ref::Penalty::Kind::elastic_net:
      return "ElasticNet";
  }
  return "?";
}

/// |a - b| / max(|a|, |b|, floor).
inline double relative_difference(double a, double b, double floor = 1e-300) {
  return std::abs(a - b) / std::max({std::abs(a), std::abs(b), floor});
}

/// max_j |a_j - b_j| / max(||a||_inf, ||b||_inf).
template <class A, class B>
double relative_max_difference(const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b) {
  const Eigen::VectorXd x = a.template cast<double>(), y = b.template cast<double>();
  const double scale = std::max({x.cwiseAbs().maxCoeff(), y.cwiseAbs().maxCoeff(), 1e-300});
  return (x - y).cwiseAbs().maxCoeff() / scale;
}

template <class Derived>
Eigen::Index count_nonzero(const Eigen::MatrixBase<Derived>& v) {
  return (v.array() != typename Derived::Scalar(0)).count();
}

/// A library solution (any scalar) re-evaluated in double by the reference formulas.
struct Certificate {
  ref::Kkt kkt;
  double objective = 0;
};

template <class WDerived>
Certificate certify(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, ref::Loss loss,
                    const ref::Penalty& penalty, const Eigen::MatrixBase<WDerived>& w, double b,
                    bool fit_intercept) {
  const Eigen::VectorXd wd = w.template cast<double>();
  return {ref::kkt(X, y, loss, penalty, wd, b, fit_intercept), ref::objective(X, y, loss, penalty, wd, b)};
}

/// Unit roundoff of the scalar a fit ran in.
template <class Scalar>
constexpr double unit_roundoff() {
  return std::is_same_v<Scalar, float> ? 0x1p-24 : 0x1p-53;
}

/// How far a KKT violation evaluated by a fit in Scalar may honestly be from the one recomputed
/// in double at the same point: 0 for double fits (the difference is ~1e-16 and tolerances are
/// not that tight), the first-order worst-case rounding bound of reference.hpp for float fits.
template <class Scalar, class WDerived>
double kkt_slack(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, ref::Loss loss,
                 const Eigen::MatrixBase<WDerived>& w, double b) {
  if constexpr (std::is_same_v<Scalar, double>) return 0.0;
  return ref::kkt_rounding_bound(X, y, loss, w.template cast<double>(), b, unit_roundoff<Scalar>());
}

/// How far an objective reported by a fit in Scalar may be from the one recomputed in double at
/// the same point: 1e-12 relative for double, the worst-case rounding bound for float.
template <class Scalar, class WDerived>
double objective_slack(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, ref::Loss loss,
                       const ref::Penalty& penalty, const Eigen::MatrixBase<WDerived>& w, double b) {
  const Eigen::VectorXd wd = w.template cast<double>();
  if constexpr (std::is_same_v<Scalar, double>)
    return 1e-12 * std::abs(ref::objective(X, y, loss, penalty, wd, b));
  return ref::objective_rounding_bound(X, y, loss, penalty, wd, b, unit_roundoff<Scalar>());
}

/// How many times `key` occurs in `text` (a solver's log).
inline int count_occurrences(const std::string& text, const std::string& key) {
  int count = 0;
  for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) ++count;
  return count;
}

/// The weights used for WeightedL1 tests: 0 (unpenalised) at j = 0 and j = p / 2, 2 at every
/// j = 1 mod 3, 1 elsewhere.
inline Eigen::VectorXd test_weights(Eigen::Index p) {
  Eigen::VectorXd weights = Eigen::VectorXd::Ones(p);
  for (Eigen::Index j = 0; j < p; ++j)
    if (j % 3 == 1) weights[j] = 2.0;
  weights[0] = 0.0;
  weights[p / 2] = 0.0;
  return weights;
}

}  // namespace test_support
