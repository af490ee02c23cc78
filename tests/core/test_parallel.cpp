// Threads in the full gradient (SolverOptions::n_threads): parallel_ranges covers its range once,
// X^T v and whole fits give the very same numbers for every thread count, dense and sparse.

#include <catch2/catch.hpp>
#include <mutex>
#include <vector>

#include "../support/problems.hpp"
#include "sparseglm/sparseglm.hpp"

namespace {

using sparseglm::Index;

template <class Scalar>
test_support::Problem<Scalar> problem(test_support::DesignKind design, test_support::TargetKind target,
                                      std::uint64_t seed) {
  test_support::ProblemSpec spec;
  spec.n = 301;   // dense: 301 x 1003 entries, enough for 4 threads of 2^16
  spec.p = 1003;  // not a multiple of the 16-column split
  spec.design = design;
  spec.density = 0.5;
  spec.target = target;
  spec.seed = seed;
  return test_support::make_problem<Scalar>(spec);
}

template <class Scalar, class Design>
void require_same_product_for_every_thread_count(const Design& design, const sparseglm::Vector<Scalar>& v) {
  sparseglm::Vector<Scalar> single, threaded;
  design.transpose_times(v, single, 1);
  for (const int n_threads : {2, 3, 8, 0}) {
    CAPTURE(n_threads);
    design.transpose_times(v, threaded, n_threads);
    REQUIRE(threaded.size() == single.size());
    for (Index j = 0; j < single.size(); ++j) REQUIRE(threaded[j] == single[j]);
  }
}

}  // namespace

TEST_CASE("parallel_ranges covers every index once, in aligned ranges", "[parallel]") {
  for (const Index size : {Index(0), Index(1), Index(15), Index(16), Index(1000), Index(1003)}) {
    for (const int n_threads : {1, 2, 3, 8}) {
      CAPTURE(size, n_threads);
      std::vector<int> hits(std::size_t(size), 0);
      std::vector<std::pair<Index, Index>> ranges;
      std::mutex mutex;
      sparseglm::detail::parallel_ranges(size, n_threads, 10, 16, [&](Index begin, Index end) {
        const std::lock_guard<std::mutex> lock(mutex);
        ranges.emplace_back(begin, end);
        for (Index i = begin; i < end; ++i) ++hits[std::size_t(i)];
      });
      for (const int hit : hits) REQUIRE(hit == 1);
      CHECK(Index(ranges.size()) <= std::max<Index>(1, std::min<Index>(n_threads, size / 10)));
      for (const auto& [begin, end] : ranges) CHECK((begin % 16 == 0 || begin == end));
    }
  }
}

TEMPLATE_TEST_CASE("X^T v is the same for every thread count, dense and sparse", "[parallel]", float,
                   double) {
  const auto pb =
      problem<TestType>(test_support::DesignKind::sparse, test_support::TargetKind::regression, 3);
  const sparseglm::Vector<TestType> v = pb.y;
  require_same_product_for_every_thread_count<TestType>(sparseglm::make_design(pb.X), v);
  require_same_product_for_every_thread_count<TestType>(sparseglm::make_design(pb.X_sparse), v);
}

TEST_CASE("fits with n_threads > 1 equal the single-threaded fit bit for bit", "[parallel]") {
  for (const auto target : {test_support::TargetKind::regression, test_support::TargetKind::classification}) {
    const auto pb = problem<double>(test_support::DesignKind::correlated, target, 5);
    const bool regression = target == test_support::TargetKind::regression;
    const auto fit = [&](const auto& X, int n_threads) {
      sparseglm::SolverOptions options;
      options.tol = 1e-8;
      options.n_threads = n_threads;
      options.dense_copy = false;  // the sparse X (half full) is fitted on its sparse storage
      const sparseglm::penalties::L1 penalty(
          0.05 * (regression ? sparseglm::alpha_max(X, pb.y, sparseglm::datafits::Quadratic{},
                                                    sparseglm::penalties::L1(1))
                             : sparseglm::alpha_max(X, pb.y, sparseglm::datafits::Logistic{},
                                                    sparseglm::penalties::L1(1))));
      return regression ? sparseglm::solve(X, pb.y, sparseglm::datafits::Quadratic{}, penalty, options)
                        : sparseglm::solve(X, pb.y, sparseglm::datafits::Logistic{}, penalty, options);
    };
    for (const bool sparse : {false, true}) {
      CAPTURE(regression, sparse);
      const auto single = sparse ? fit(pb.X_sparse, 1) : fit(pb.X, 1);
      REQUIRE(single.converged());
      for (const int n_threads : {2, 0}) {
        const auto threaded = sparse ? fit(pb.X_sparse, n_threads) : fit(pb.X, n_threads);
        CAPTURE(n_threads);
        for (Index j = 0; j < single.coef.size(); ++j) REQUIRE(threaded.coef[j] == single.coef[j]);
        REQUIRE(threaded.intercept == single.intercept);
        REQUIRE(threaded.n_epochs == single.n_epochs);
      }
    }
  }
}
