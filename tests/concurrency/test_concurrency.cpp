// Concurrency and determinism: a fit touches no global state. Eight threads fit the same set of
// problems on shared const data, each thread in its own order and several rounds over, and every
// result must be bit-identical to the same fit run alone on one thread. Under ThreadSanitizer
// (the tsan preset) this is also the data-race test of solve, path, alpha_max and the estimators.

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "sparseglm/sparseglm.hpp"
#include "support/problems.hpp"

namespace {

using sparseglm::SolverOptions;
using sparseglm::datafits::Logistic;
using sparseglm::datafits::Quadratic;
using sparseglm::penalties::ElasticNet;
using sparseglm::penalties::L1;
using sparseglm::penalties::WeightedL1;

constexpr int kThreads = 8;
constexpr int kRounds = 3;

/// Everything a fit returns, as bytes: two fits agree when their fingerprints are equal.
class Fingerprint {
 public:
  template <class Scalar>
  void add(const sparseglm::SolverResult<Scalar>& result) {
    add_bytes(result.coef.data(), sizeof(Scalar) * std::size_t(result.coef.size()));
    add_value(result.intercept);
    add_value(result.objective);
    add_value(result.stop_crit);
    add_value(result.n_iter);
    add_value(result.n_epochs);
    add_value(result.status);
  }
  template <class Derived>
  void add_matrix(const Eigen::DenseBase<Derived>& m) {
    const auto copy = m.eval();
    add_bytes(copy.data(), sizeof(typename Derived::Scalar) * std::size_t(copy.size()));
  }
  template <class T>
  void add_value(const T& value) {
    add_bytes(&value, sizeof(T));
  }
  bool operator==(const Fingerprint&) const = default;

 private:
  void add_bytes(const void* data, std::size_t size) {
    const auto* begin = static_cast<const unsigned char*>(data);
    bytes_.insert(bytes_.end(), begin, begin + size);
  }
  std::vector<unsigned char> bytes_;
};

/// The shared, read-only data of every fit.
struct SharedData {
  test_support::Problem<double> regression =
      test_support::make_problem<double>({.n = 60, .p = 120, .seed = 31});
  test_support::Problem<double> classification = test_support::make_problem<double>(
      {.n = 60, .p = 120, .target = test_support::TargetKind::classification, .seed = 32});
  test_support::Problem<float> regression_float =
      test_support::make_problem<float>({.n = 50, .p = 80, .seed = 33});
  test_support::Problem<double> sparse = test_support::make_problem<double>(
      {.n = 80, .p = 200, .design = test_support::DesignKind::sparse, .density = 0.1, .seed = 34});
  Eigen::VectorXd weights = Eigen::VectorXd::LinSpaced(120, 0.0, 2.0);
};

/// Each job runs one kind of fit and returns its fingerprint.
std::vector<std::function<Fingerprint()>> jobs(const SharedData& d) {
  std::vector<std::function<Fingerprint()>> list;
  SolverOptions tight;
  tight.tol = 1e-8;
  for (const double ratio : {0.5, 0.1, 0.02}) {
    list.push_back([&d, ratio, tight] {
      const double alpha = ratio * sparseglm::alpha_max(d.regression.X, d.regression.y, Quadratic{}, L1(1));
      Fingerprint f;
      f.add_value(alpha);
      f.add(sparseglm::solve(d.regression.X, d.regression.y, Quadratic{}, L1(alpha), tight));
      f.add(sparseglm::solve(d.regression.X_sparse, d.regression.y, Quadratic{}, L1(alpha), tight));
      return f;
    });
    list.push_back([&d, ratio, tight] {
      const double alpha =
          ratio * sparseglm::alpha_max(d.classification.X, d.classification.y, Logistic{}, L1(1));
      Fingerprint f;
      f.add_value(alpha);
      f.add(sparseglm::solve(d.classification.X_sparse, d.classification.y, Logistic{}, L1(alpha), tight));
      return f;
    });
    list.push_back([&d, ratio] {
      Fingerprint f;
      f.add(
          sparseglm::solve(d.regression_float.X, d.regression_float.y, Quadratic{}, ElasticNet(ratio, 0.7)));
      f.add(sparseglm::solve(d.regression.X, d.regression.y, Quadratic{}, WeightedL1(ratio, d.weights)));
      return f;
    });
  }
  list.push_back([&d] {
    const Eigen::VectorXd alphas = sparseglm::alpha_grid(
        sparseglm::alpha_max(d.sparse.X_sparse, d.sparse.y, Quadratic{}, L1(1)), 10, 1e-2);
    const auto path = sparseglm::path(d.sparse.X_sparse, d.sparse.y, Quadratic{}, L1(1), alphas);
    Fingerprint f;
    f.add_matrix(path.coefs);
    f.add_matrix(path.intercepts);
    f.add_matrix(path.objectives);
    return f;
  });
  list.push_back([&d] {
    sparseglm::SparseLogisticRegression model(0.01);
    model.fit(d.classification.X, d.classification.y);
    Fingerprint f;
    f.add_matrix(model.coef());
    f.add_value(model.intercept());
    f.add_matrix(model.predict_proba(d.classification.X));
    return f;
  });
  list.push_back([&d] {
    // Bad input throws in every thread alike.
    Fingerprint f;
    try {
      (void)sparseglm::solve(d.regression.X, d.classification.y.head(10), Quadratic{}, L1(0.1));
    } catch (const sparseglm::invalid_argument& error) {
      f.add_value(std::strlen(error.what()));
    }
    return f;
  });
  return list;
}

}  // namespace

TEST_CASE("concurrency: 8 threads on shared const data give the results of one thread, bit for bit",
          "[concurrency][threads]") {
  const SharedData data;
  const auto all_jobs = jobs(data);
  const std::size_t n_jobs = all_jobs.size();
  std::vector<Fingerprint> alone;
  for (const auto& job : all_jobs) alone.push_back(job());
  for (std::size_t k = 0; k < n_jobs; ++k) CHECK(alone[k] == all_jobs[k]());  // repeatable

  // results[t][round * n_jobs + k] is thread t's fingerprint of job k in that round; each thread
  // starts at a different job so that different fits overlap.
  std::vector<std::vector<Fingerprint>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<Fingerprint>& mine = results[std::size_t(t)];
      mine.resize(kRounds * n_jobs);
      for (int round = 0; round < kRounds; ++round)
        for (std::size_t i = 0; i < n_jobs; ++i) {
          const std::size_t k = (i + std::size_t(t) * 3) % n_jobs;
          mine[std::size_t(round) * n_jobs + k] = all_jobs[k]();
        }
    });
  }
  for (auto& thread : threads) thread.join();

  int mismatches = 0;
  for (int t = 0; t < kThreads; ++t)
    for (int round = 0; round < kRounds; ++round)
      for (std::size_t k = 0; k < n_jobs; ++k)
        if (!(results[std::size_t(t)][std::size_t(round) * n_jobs + k] == alone[k])) {
          ++mismatches;
          FAIL_CHECK("thread " << t << ", round " << round << ", job " << k
                               << " differs from the fit run alone");
        }
  CHECK(mismatches == 0);
  CHECK(n_jobs == 12);
}
