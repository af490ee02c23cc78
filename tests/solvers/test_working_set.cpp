// Working sets (solvers/working_set.hpp): their sizes (p0 at first, then the penalised support
// times the growth factor, 2 on dense designs and 4 on sparse ones, with the unpenalised features
// on top) and which features they hold.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "sparseglm/penalties/weighted_l1.hpp"
#include "sparseglm/solvers/working_set.hpp"

using sparseglm::detail::select_working_set;
using sparseglm::detail::widening_pays;
using sparseglm::detail::working_set_size;

TEST_CASE("working_set_size: p0, then growth times the penalised support, capped at p", "[working_set]") {
  // (p0, unpenalised, support, p, growth)
  CHECK(working_set_size(10, 0, 0, 1000, 2) == 10);
  CHECK(working_set_size(10, 0, 0, 1000, 4) == 10);
  CHECK(working_set_size(10, 0, 30, 1000, 2) == 60);
  CHECK(working_set_size(10, 0, 30, 1000, 4) == 120);
  CHECK(working_set_size(10, 0, 300, 1000, 4) == 1000);
  CHECK(working_set_size(10, 0, 3, 1000, 2) == 10);
  // Two unpenalised features, always in the support: 28 penalised ones grow, the 2 are kept.
  CHECK(working_set_size(10, 2, 30, 1000, 2) == 58);  // skglm's 2 |support| - n_unpenalised
  CHECK(working_set_size(10, 2, 30, 1000, 4) == 114);
  CHECK(working_set_size(10, 2, 2, 1000, 4) == 12);
  CHECK(working_set_size(10, 2, 2, 5, 4) == 5);
}

TEST_CASE("widening_pays: half of X's entries at any criterion; a third near the end, by the near-end rule",
          "[working_set]") {
  // (entries in the working set's columns, X's entries, criterion, tol, near_end_rule)
  const double tol = 1e-6, total = 900;
  for (const double criterion : {1e-2, 10 * tol, 2 * tol})
    for (const bool near_end_rule : {false, true}) {
      CAPTURE(criterion, near_end_rule);
      CHECK(widening_pays(450, total, criterion, tol, near_end_rule));
      CHECK_FALSE(widening_pays(449, total, criterion, tol, false));
    }
  // A third: with the rule, while 0.3 criterion > tol (another outer iteration is all but
  // certain) and criterion <= 20 tol (close to the solution).
  CHECK(widening_pays(300, total, 10 * tol, tol, true));
  CHECK(widening_pays(300, total, 20 * tol, tol, true));
  CHECK(widening_pays(300, total, 3.4 * tol, tol, true));
  CHECK_FALSE(widening_pays(300, total, 21 * tol, tol, true));
  CHECK_FALSE(widening_pays(300, total, 3.3 * tol, tol, true));
  CHECK_FALSE(widening_pays(300, total, 10 * tol, tol, false));  // along a path, or dense content
  CHECK_FALSE(widening_pays(299, total, 10 * tol, tol, true));
  CHECK_FALSE(widening_pays(449, total, 21 * tol, tol, true));
  CHECK_FALSE(widening_pays(449, total, 1e-2, tol, true));
}

TEST_CASE("select_working_set: the support, the unpenalised features, then the highest violations by index",
          "[working_set]") {
  // Priorities drawn from a few values (many ties), some coefficients non-zero, some features
  // unpenalised, one NaN; the reference sorts every feature by (priority descending, index).
  const Eigen::Index p = 200;
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> level(0, 4), pick(0, 9);
  Eigen::VectorXd weights = Eigen::VectorXd::Ones(p), w = Eigen::VectorXd::Zero(p), priority(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    priority[j] = 0.25 * level(rng);
    if (pick(rng) == 0) w[j] = 1.0;
    if (pick(rng) == 0) weights[j] = 0.0;
  }
  priority[17] = std::numeric_limits<double>::quiet_NaN();
  const sparseglm::penalties::WeightedL1 penalty(0.1, weights);
  for (const Eigen::Index size :
       {Eigen::Index(0), Eigen::Index(1), Eigen::Index(37), Eigen::Index(90), Eigen::Index(150), p, p + 5}) {
    std::vector<Eigen::Index> order(static_cast<std::size_t>(p));
    std::iota(order.begin(), order.end(), Eigen::Index(0));
    const auto kept = [&](Eigen::Index j) {
      return w[j] != 0.0 || weights[j] == 0.0 || std::isnan(priority[j]);
    };
    const auto key = [&](Eigen::Index j) {
      return kept(j) ? std::numeric_limits<double>::infinity() : priority[j];
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](Eigen::Index a, Eigen::Index b) { return key(a) > key(b); });
    std::vector<Eigen::Index> expected(order.begin(), order.begin() + std::min(size, p));
    std::sort(expected.begin(), expected.end());

    Eigen::VectorXd consumed = priority;
    std::vector<double> scratch;
    std::vector<Eigen::Index> working_set;
    select_working_set(penalty, w, consumed, size, scratch, working_set);
    CAPTURE(size);
    CHECK(working_set == expected);
  }
}

TEMPLATE_TEST_CASE("kth_highest: the size-th highest value, across signs, zeros and binades", "[working_set]",
                   float, double) {
  // Values spread over many binades (log-uniform magnitudes, both signs), clustered ones that
  // share a bucket (one binade), and +-0 and +-inf; checked against a full sort at every rank.
  using Scalar = TestType;
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> exponent(-30.0, 10.0), unit(1.0, 2.0);
  std::uniform_int_distribution<int> kind(0, 9);
  for (const Eigen::Index p : {Eigen::Index(1), Eigen::Index(7), Eigen::Index(300)}) {
    Eigen::Matrix<Scalar, Eigen::Dynamic, 1> values(p);
    for (Eigen::Index j = 0; j < p; ++j) {
      const int draw = kind(rng);
      if (draw < 4) {
        values[j] = Scalar(std::pow(10.0, exponent(rng)));
      } else if (draw < 6) {
        values[j] = Scalar(-std::pow(10.0, exponent(rng)));
      } else if (draw < 8) {
        values[j] = Scalar(unit(rng));  // one binade: one bucket, through nth_element
      } else {
        const Scalar special[] = {Scalar(0), -Scalar(0), std::numeric_limits<Scalar>::infinity(),
                                  -std::numeric_limits<Scalar>::infinity()};
        values[j] = special[draw == 8 ? j % 2 : 2 + j % 2];
      }
    }
    std::vector<Scalar> sorted(values.data(), values.data() + p);
    std::sort(sorted.begin(), sorted.end(), std::greater<Scalar>());
    std::vector<Scalar> scratch;
    for (Eigen::Index size = 1; size <= p; ++size) {
      CAPTURE(p, size);
      CHECK(sparseglm::detail::kth_highest(values, size, scratch) == sorted[std::size_t(size - 1)]);
    }
  }
}
