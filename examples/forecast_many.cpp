// Many small forecasting models at once with sparseglm::fit_many.
//
// Each of `stations` simulated hourly load series (seasonal_series.hpp: daily and weekly cycles,
// a random-walk level, noise) gets its own ElasticNet autoregressive model
//
//   s_t ~ b + sum_{l=1..50} w_l s_{t-l},   min ||y - Xw - b||^2 / (2n) + alpha (r ||w||_1 + (1 - r) ||w||^2 /
//   2)
//
// fitted on its first 1000 hours. The models then forecast the following week one hour ahead,
// and the example reports their error next to two naive forecasts (the last value; the value 24
// hours before) and how many of the 50 lags the models kept.
//
//   forecast_many [stations] [threads]      (defaults: 2000 stations, all cores)

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sparseglm/sparseglm.hpp>
#include <vector>

#include "seasonal_series.hpp"

int main(int argc, char** argv) {
  const std::size_t stations = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 2000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 0;  // 0: all cores
  const Eigen::Index lags = 50, train = 1000, test = 168;
  const double alpha = 0.01, l1_ratio = 0.5;

  const auto series_of = [&](std::size_t station) {
    return seasonal::load_series(lags + train + test, /*seed=*/station);
  };

  // Running sums over the stations, filled in by `consume` (which fit_many never runs concurrently).
  double model_error = 0, last_value_error = 0, daily_error = 0;
  std::vector<std::size_t> lags_kept(lags + 1, 0);  // histogram of the number of non-zero lags
  std::vector<std::size_t> lag_used(lags, 0);       // how many models use each lag
  std::size_t failed = 0;

  const auto start = std::chrono::steady_clock::now();
  const auto summary = sparseglm::fit_many(
      stations,
      [&](std::size_t station) {  // runs on a worker thread: builds the station's training problem
        const Eigen::VectorXd s = series_of(station);
        sparseglm::SolverOptions options;
        options.tol = 1e-6;
        return sparseglm::make_problem(
            seasonal::lagged_design(s, lags, train, lags), Eigen::VectorXd(s.segment(lags, train)),
            sparseglm::datafits::Quadratic{}, sparseglm::penalties::ElasticNet(alpha, l1_ratio), options);
      },
      [&](const sparseglm::BatchItem<double>& item) {
        if (!item.ok()) {
          std::fprintf(stderr, "station %zu: %s\n", item.index, item.error.c_str());
          ++failed;
          return true;
        }
        const Eigen::VectorXd s = series_of(item.index);
        const Eigen::Index first = lags + train;  // forecast s_t for t = first .. first + test - 1
        const Eigen::VectorXd forecast = seasonal::lagged_design(s, first, test, lags) * item.result->coef +
                                         Eigen::VectorXd::Constant(test, item.result->intercept);
        const Eigen::VectorXd actual = s.segment(first, test);
        const auto rmse = [&](const Eigen::VectorXd& prediction) {
          return std::sqrt((prediction - actual).squaredNorm() / double(test));
        };
        model_error += rmse(forecast);
        last_value_error += rmse(s.segment(first - 1, test));
        daily_error += rmse(s.segment(first - 24, test));
        const Eigen::Index kept = (item.result->coef.array() != 0).count();
        ++lags_kept[std::size_t(kept)];
        for (Eigen::Index l = 0; l < lags; ++l) lag_used[std::size_t(l)] += item.result->coef[l] != 0;
        return true;
      },
      sparseglm::BatchOptions{.n_threads = threads});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const double fitted = double(summary.fitted);
  std::printf("%zu stations fitted in %.2f s (%.0f fits/s), %zu failed\n", summary.fitted, seconds,
              fitted / seconds, failed);
  if (summary.fitted == 0) return 1;
  std::printf("one-hour-ahead RMSE over the next week, mean over stations:\n");
  std::printf("  ElasticNet AR(%lld)        %.4f\n", (long long)lags, model_error / fitted);
  std::printf("  last value                %.4f\n", last_value_error / fitted);
  std::printf("  value 24 hours before     %.4f\n", daily_error / fitted);
  std::size_t seen = 0, median_kept = 0;
  for (std::size_t k = 0; k < lags_kept.size(); ++k)
    if ((seen += lags_kept[k]) * 2 >= summary.fitted) {
      median_kept = k;
      break;
    }
  std::printf("lags kept per model: median %zu of %lld; lags used by more than half of the models:",
              median_kept, (long long)lags);
  for (Eigen::Index l = 0; l < lags; ++l)
    if (2 * lag_used[std::size_t(l)] > summary.fitted) std::printf(" %lld", (long long)(l + 1));
  std::printf("\n");
  return model_error < last_value_error ? 0 : 1;
}
