// The logistic datafit's per-sample kernels (SIMD exp/log over blocks) against the textbook
// formulas in long double, over margins from deep on the wrong side to far beyond exp's range.

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sparseglm/datafits/logistic.hpp"

namespace {

using sparseglm::Index;
using sparseglm::Vector;
using sparseglm::datafits::Logistic;

// log(1 + e^t) and sigma(t) in long double, branch by branch so that neither overflows.
long double reference_log1p_exp(long double t) {
  return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t));
}
long double reference_sigmoid(long double t) {
  return t >= 0 ? 1 / (1 + std::exp(-t)) : std::exp(t) / (1 + std::exp(t));
}

// Margins z with both labels, spanning tiny to huge |z| (e^{-|z|} below machine epsilon, below
// the smallest normal double, and exp's overflow threshold); 1001 samples, so that the blocks of
// the kernels end in a partial one.
struct Samples {
  Vector<double> y, z;
};
Samples samples() {
  std::vector<double> margins = {0.0,  1e-300, -1e-17, 1e-8,  0.5,   -0.5,  1.0,   20.0,  36.0,
                                 37.5, 40.0,   100.0,  700.0, 709.0, 710.0, 745.0, 800.0, 1e6};
  Samples s;
  const Index n = 1001;
  s.y.resize(n);
  s.z.resize(n);
  for (Index i = 0; i < n; ++i) {
    const double magnitude = i < Index(margins.size()) ? margins[std::size_t(i)] : 0.037 * double(i - 500);
    s.z[i] = (i % 3 == 0) ? -magnitude : magnitude;
    s.y[i] = (i % 2 == 0) ? 1.0 : -1.0;
  }
  return s;
}

// Relative error, with an absolute floor for values that are exactly 0.
bool close(long double computed, long double expected, long double tolerance) {
  return std::abs(computed - expected) <= tolerance * std::max(std::abs(expected), 1e-300L);
}

}  // namespace

TEST_CASE("logistic: per-sample kernels match the long-double formulas at every margin",
          "[datafits][logistic]") {
  const Samples s = samples();
  const Index n = s.y.size();
  const Logistic datafit;
  constexpr long double tolerance = 1e-13;

  long double expected_value = 0, expected_gradient_sum = 0, expected_hessian_sum = 0;
  Vector<double> gradient, hessian;
  datafit.raw_gradient(s.y, s.z, gradient);
  datafit.raw_hessian(s.y, s.z, hessian);
  for (Index i = 0; i < n; ++i) {
    const long double y = s.y[i], z = s.z[i];
    expected_value += reference_log1p_exp(-y * z);
    const long double grad = -y * reference_sigmoid(-y * z) / n;
    const long double hess = reference_sigmoid(z) * reference_sigmoid(-z) / n;
    expected_gradient_sum += -y * reference_sigmoid(-y * z);
    expected_hessian_sum += reference_sigmoid(z) * reference_sigmoid(-z);
    INFO("sample " << i << ", y " << s.y[i] << ", z " << s.z[i]);
    // Below the smallest normal double, both are 0 to within the subnormal spacing.
    if (std::abs(grad) > 1e-300L)
      CHECK(close(gradient[i], grad, tolerance));
    else
      CHECK(std::abs(gradient[i]) <= 1e-300);
    if (hess > 1e-300L)
      CHECK(close(hessian[i], hess, tolerance));
    else
      CHECK(hessian[i] <= 1e-300);
  }
  CHECK(close(datafit.value(s.y, s.z), expected_value / n, tolerance));
  const long double expected_step = expected_gradient_sum / expected_hessian_sum;
  CHECK(close(datafit.intercept_step(s.y, s.z), std::clamp(expected_step, -4.0L, 4.0L), tolerance));
}

TEST_CASE("logistic: a loss far below machine epsilon keeps its relative accuracy", "[datafits][logistic]") {
  // Every sample classified with margin 40 to 60: each term is about e^{-margin} < 1e-17, so
  // log(1 + e) rounds 1 + e to 1; the value must still be the sum of the e's.
  const Index n = 777;
  Vector<double> y(n), z(n);
  long double expected = 0;
  for (Index i = 0; i < n; ++i) {
    y[i] = (i % 2 == 0) ? 1.0 : -1.0;
    z[i] = y[i] * (40.0 + 20.0 * double(i) / double(n));
    expected += reference_log1p_exp(-y[i] * z[i]);
  }
  const Logistic datafit;
  CHECK(close(datafit.value(y, z), expected / n, 1e-13L));
  CHECK(datafit.value(y, z) > 0);
}

TEST_CASE("logistic: single precision kernels stay finite and accurate", "[datafits][logistic][float]") {
  const Samples s = samples();
  const Vector<float> y = s.y.cast<float>(), z = s.z.cast<float>();
  const Logistic datafit;
  Vector<float> gradient, hessian;
  datafit.raw_gradient(y, z, gradient);
  datafit.raw_hessian(y, z, hessian);
  CHECK(gradient.allFinite());
  CHECK(hessian.allFinite());
  long double expected = 0;
  for (Index i = 0; i < y.size(); ++i) expected += reference_log1p_exp(-(long double)y[i] * z[i]);
  CHECK(close(datafit.value(y, z), expected / y.size(), 1e-5L));
}
