// sparseglm::fit_many: bit-identical to sequential solves at any thread count, per-problem error
// slots, stopping from consume, exceptions from consume, every index consumed exactly once,
// bounded number of live problems, option validation.

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/problems.hpp"
#include "sparseglm/sparseglm.hpp"

namespace {

using sparseglm::BatchItem;
using sparseglm::BatchOptions;
using sparseglm::SolverResult;
using sparseglm::datafits::Logistic;
using sparseglm::datafits::Quadratic;
using sparseglm::penalties::L1;
using MapX = Eigen::Map<const Eigen::MatrixXd>;

constexpr std::size_t kProblems = 20;  // per datafit: 40 problems in all

// Small problems of varied shapes, generated once and shared read-only by the producers.
std::vector<test_support::Problem<double>> generate(test_support::TargetKind target) {
  std::vector<test_support::Problem<double>> problems;
  for (std::size_t i = 0; i < kProblems; ++i) {
    test_support::ProblemSpec spec;
    spec.n = 20 + Eigen::Index(i % 4) * 5;
    spec.p = 15 + Eigen::Index(i % 5) * 6;
    spec.design = i % 3 == 0 ? test_support::DesignKind::sparse : test_support::DesignKind::correlated;
    spec.density = 0.3;
    spec.target = target;
    spec.seed = 100 + i;
    problems.push_back(test_support::make_problem<double>(spec));
  }
  return problems;
}

double alpha_for(const test_support::Problem<double>& pb, std::size_t i) {
  const double alpha_max = (pb.X.transpose() * pb.y).cwiseAbs().maxCoeff() / double(pb.X.rows());
  return alpha_max * (0.05 + 0.1 * double(i % 3));
}

template <class Scalar>
void require_identical(const SolverResult<Scalar>& a, const SolverResult<Scalar>& b) {
  REQUIRE(a.coef.size() == b.coef.size());
  for (Eigen::Index j = 0; j < a.coef.size(); ++j) REQUIRE(a.coef[j] == b.coef[j]);
  REQUIRE(a.intercept == b.intercept);
  REQUIRE(a.objective == b.objective);
  REQUIRE(a.stop_crit == b.stop_crit);
  REQUIRE(a.n_iter == b.n_iter);
  REQUIRE(a.n_epochs == b.n_epochs);
  REQUIRE(a.status == b.status);
}

// Runs fit_many and returns the results by index (every slot must succeed).
template <class Produce>
std::vector<SolverResult<double>> run_batch(std::size_t count, Produce produce, int n_threads) {
  std::vector<SolverResult<double>> results(count);
  std::vector<int> seen(count, 0);
  const auto summary = sparseglm::fit_many(
      count, produce,
      [&](const BatchItem<double>& item) {
        ++seen.at(item.index);  // serialized by fit_many: no lock needed
        if (!item.result) FAIL("problem " << item.index << " failed: " << item.error);
        results[item.index] = *item.result;
        return true;
      },
      BatchOptions{n_threads});
  REQUIRE(summary.fitted == count);
  REQUIRE(summary.failed == 0);
  REQUIRE_FALSE(summary.stopped);
  REQUIRE(std::all_of(seen.begin(), seen.end(), [](int s) { return s == 1; }));
  return results;
}

}  // namespace

// Solves each produced problem on this thread, then checks fit_many at 1, 2 and 8 threads
// against those results bit for bit.
template <class Produce>
void require_batch_matches_sequential(Produce produce) {
  std::vector<SolverResult<double>> sequential;
  for (std::size_t i = 0; i < kProblems; ++i) {
    const auto problem = produce(i);
    sequential.push_back(
        sparseglm::solve(problem.X, problem.y, problem.datafit, problem.penalty, problem.options));
  }
  for (int n_threads : {1, 2, 8}) {
    CAPTURE(n_threads);
    const auto batch = run_batch(kProblems, produce, n_threads);
    for (std::size_t i = 0; i < kProblems; ++i) {
      CAPTURE(i);
      require_identical(batch[i], sequential[i]);
    }
  }
}

TEST_CASE("fit_many equals sequential solves bit for bit at any thread count", "[batch]") {
  SECTION("Lasso, X viewed through a Map of the caller's storage") {
    const auto problems = generate(test_support::TargetKind::regression);
    require_batch_matches_sequential([&](std::size_t i) {
      const auto& pb = problems[i];
      return sparseglm::make_problem(MapX(pb.X.data(), pb.X.rows(), pb.X.cols()), pb.y, Quadratic{},
                                     L1{alpha_for(pb, i)});
    });
  }
  SECTION("sparse logistic regression, X an owned CSC matrix") {
    const auto problems = generate(test_support::TargetKind::classification);
    require_batch_matches_sequential([&](std::size_t i) {
      const auto& pb = problems[i];
      sparseglm::SolverOptions options;
      options.tol = 1e-6;
      return sparseglm::make_problem(pb.X_sparse, pb.y, Logistic{}, L1{alpha_for(pb, i) / 2}, options);
    });
  }
}

TEST_CASE("fit_many reports a failing problem in its own slot and fits the others", "[batch]") {
  const auto problems = generate(test_support::TargetKind::regression);
  constexpr std::size_t nan_index = 7, throw_index = 12, nested_index = 15;
  auto produce = [&](std::size_t i) {
    if (i == throw_index) throw std::runtime_error("producer failed");
    Eigen::MatrixXd X = problems[i].X;  // owned copy, so that the shared data stay clean
    if (i == nan_index) X(2, 3) = std::numeric_limits<double>::quiet_NaN();
    sparseglm::SolverOptions options;
    if (i == nested_index) options.n_threads = 2;  // threads within a fit: refused
    return sparseglm::make_problem(std::move(X), problems[i].y, Quadratic{}, L1{alpha_for(problems[i], i)},
                                   options);
  };
  for (int n_threads : {1, 4}) {
    CAPTURE(n_threads);
    std::vector<BatchItem<double>> items(kProblems);
    const auto summary = sparseglm::fit_many(
        kProblems, produce,
        [&](const BatchItem<double>& item) {
          items[item.index] = item;
          return true;
        },
        BatchOptions{n_threads});
    CHECK(summary.fitted == kProblems - 3);
    CHECK(summary.failed == 3);
    CHECK_FALSE(summary.stopped);
    for (std::size_t i = 0; i < kProblems; ++i) {
      CAPTURE(i);
      CHECK(items[i].index == i);
      if (i == nan_index) {
        CHECK_FALSE(items[i].result);
        CHECK(items[i].error.find("contains NaN") != std::string::npos);
        CHECK(items[i].error.find("X") != std::string::npos);
      } else if (i == throw_index) {
        CHECK_FALSE(items[i].ok());
        CHECK(items[i].error == "producer failed");
      } else if (i == nested_index) {
        CHECK_FALSE(items[i].ok());
        CHECK(items[i].error.find("n_threads: fit_many fits each problem on one thread") !=
              std::string::npos);
      } else {
        CHECK(items[i].ok());
        CHECK(items[i].error.empty());
      }
    }
  }
}

TEST_CASE("consume returning false stops the batch", "[batch]") {
  const auto problems = generate(test_support::TargetKind::regression);
  constexpr std::size_t count = 200;
  constexpr int n_threads = 4;
  std::atomic<std::size_t> produced{0};
  auto produce = [&](std::size_t i) {
    ++produced;
    const auto& pb = problems[i % kProblems];
    return sparseglm::make_problem(MapX(pb.X.data(), pb.X.rows(), pb.X.cols()), pb.y, Quadratic{},
                                   L1{alpha_for(pb, i)});
  };
  std::size_t consumed = 0;
  const auto summary = sparseglm::fit_many(
      count, produce, [&](const BatchItem<double>&) { return ++consumed < 5; }, BatchOptions{n_threads});
  CHECK(summary.stopped);
  CHECK(consumed == 5);  // consume is never called again once it returned false
  CHECK(summary.fitted + summary.failed == consumed);
  CHECK(produced.load() < count);
  CHECK(produced.load() <= consumed + n_threads);  // at most one started fit per other worker
}

TEST_CASE("an exception thrown by consume stops the batch and is rethrown", "[batch]") {
  const auto problems = generate(test_support::TargetKind::regression);
  constexpr std::size_t count = 200;
  auto produce = [&](std::size_t i) {
    const auto& pb = problems[i % kProblems];
    return sparseglm::make_problem(MapX(pb.X.data(), pb.X.rows(), pb.X.cols()), pb.y, Quadratic{},
                                   L1{alpha_for(pb, i)});
  };
  std::size_t consumed = 0;
  auto consume = [&](const BatchItem<double>&) -> bool {
    if (++consumed == 3) throw std::logic_error("consumer failed");
    return true;
  };
  CHECK_THROWS_WITH(sparseglm::fit_many(count, produce, consume, BatchOptions{4}), "consumer failed");
  CHECK(consumed == 3);
}

TEST_CASE("many more problems than threads: every index consumed exactly once", "[batch]") {
  constexpr std::size_t count = 2000;
  constexpr int n_threads = 8;
  // A problem type of our own (fit_many accepts any type with these members) whose token counts
  // the problems alive at a time: they are produced on demand, never stored.
  std::atomic<int> alive{0}, peak{0};
  struct Token {
    std::atomic<int>* alive;
    explicit Token(std::atomic<int>* a, std::atomic<int>* peak) : alive(a) {
      const int now = ++*alive;
      int seen = peak->load();
      while (now > seen && !peak->compare_exchange_weak(seen, now)) {
      }
    }
    Token(const Token&) = delete;
    Token& operator=(const Token&) = delete;
    ~Token() { --*alive; }
  };
  struct TinyProblem {
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
    Quadratic datafit;
    L1 penalty;
    sparseglm::SolverOptions options;
    Token token;
  };
  auto produce = [&](std::size_t i) {
    test_support::Rng rng(i + 1);
    Eigen::MatrixXd X(6, 3);
    for (Eigen::Index k = 0; k < X.size(); ++k) X.data()[k] = rng.normal();
    Eigen::VectorXd y(6);
    for (Eigen::Index k = 0; k < y.size(); ++k) y[k] = rng.normal();
    return TinyProblem{std::move(X), std::move(y), Quadratic{}, L1{0.01}, {}, Token(&alive, &peak)};
  };
  std::vector<int> seen(count, 0);
  std::size_t calls = 0;
  const auto summary = sparseglm::fit_many(
      count, produce,
      [&](const BatchItem<double>& item) {
        ++calls;
        ++seen.at(item.index);
        return item.ok();
      },
      BatchOptions{n_threads});
  CHECK(summary.fitted == count);
  CHECK(summary.failed == 0);
  CHECK_FALSE(summary.stopped);
  CHECK(calls == count);
  CHECK(std::count(seen.begin(), seen.end(), 1) == std::ptrdiff_t(count));
  CHECK(alive.load() == 0);
  CHECK(peak.load() >= 1);
  CHECK(peak.load() <= n_threads);
}

TEST_CASE("fit_many validates its options and returns at once for count 0", "[batch]") {
  std::atomic<int> calls{0};  // produce runs concurrently on the worker threads
  auto produce = [&](std::size_t) {
    ++calls;
    return sparseglm::make_problem(Eigen::MatrixXd::Ones(3, 2).eval(), Eigen::VectorXd::Ones(3).eval(),
                                   Quadratic{}, L1{0.1});
  };
  auto consume = [&](const BatchItem<double>&) {
    ++calls;
    return true;
  };
  CHECK_THROWS_AS(sparseglm::fit_many(3, produce, consume, BatchOptions{-1}), sparseglm::invalid_argument);
  CHECK_THROWS_WITH(sparseglm::fit_many(3, produce, consume, BatchOptions{-1}), Catch::Contains("n_threads"));
  CHECK(calls.load() == 0);
  const auto summary = sparseglm::fit_many(0, produce, consume, BatchOptions{4});
  CHECK(summary.fitted == 0);
  CHECK(summary.failed == 0);
  CHECK_FALSE(summary.stopped);
  CHECK(calls.load() == 0);
  // n_threads = 0: hardware concurrency.
  const auto defaults = sparseglm::fit_many(3, produce, consume);
  CHECK(defaults.fitted == 3);
  CHECK(calls.load() == 6);
}
