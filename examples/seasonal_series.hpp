#pragma once
// Simulated hourly load series and their autoregressive designs, for examples/forecast_many.cpp
// and the sparseglm-many benchmark (bench/many/).
//
// A station's load is s_t = level_t + a_d sin(2 pi t / 24 + phi_d) + a_w sin(2 pi t / 168 + phi_w)
// + noise_t: a random-walk level, a daily and a weekly cycle whose amplitudes and phases differ
// between stations, and Gaussian noise. The AR(lags) model predicts s_t from the `lags` values
// before it: row i of the design is (s_{t-1}, ..., s_{t-lags}) with t = first_target + i.

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <random>

namespace seasonal {

/// `length` hourly values of station `seed`'s load.
inline Eigen::VectorXd load_series(Eigen::Index length, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::normal_distribution<double> gaussian(0.0, 1.0);
  constexpr double two_pi = 6.283185307179586;
  const double daily_amplitude = 0.5 + uniform(engine), weekly_amplitude = 0.5 * uniform(engine);
  const double daily_phase = two_pi * uniform(engine), weekly_phase = two_pi * uniform(engine);
  const double level_step = 0.02 + 0.08 * uniform(engine), noise = 0.1 + 0.2 * uniform(engine);
  Eigen::VectorXd series(length);
  double level = 2 * gaussian(engine);
  for (Eigen::Index t = 0; t < length; ++t) {
    level += level_step * gaussian(engine);
    series[t] = level + daily_amplitude * std::sin(two_pi * double(t) / 24 + daily_phase) +
                weekly_amplitude * std::sin(two_pi * double(t) / 168 + weekly_phase) +
                noise * gaussian(engine);
  }
  return series;
}

/// The lagged design of `rows` consecutive targets s_t, t = first_target .. first_target + rows - 1:
/// X(i, l) = s_{t - 1 - l}. Needs first_target >= lags.
inline Eigen::MatrixXd lagged_design(const Eigen::VectorXd& series, Eigen::Index first_target,
                                     Eigen::Index rows, Eigen::Index lags) {
  Eigen::MatrixXd X(rows, lags);
  for (Eigen::Index l = 0; l < lags; ++l) X.col(l) = series.segment(first_target - 1 - l, rows);
  return X;
}

}  // namespace seasonal
