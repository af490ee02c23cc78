// Numerical edge cases: degenerate shapes and data, extreme magnitudes, limits of the penalty,
// problems without a minimiser and tolerances below the precision. Every fit runs on dense and
// CSC storage; whatever the case, the result is finite and its status says what happened
// (check_outcome). Each row then asserts the outcome that is right for its case.

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "support/checks.hpp"
#include "support/problems.hpp"

namespace {

using sparseglm::SolverOptions;
using sparseglm::SolverResult;
using sparseglm::SolverStatus;
using sparseglm::datafits::Logistic;
using sparseglm::datafits::Quadratic;
using sparseglm::penalties::L1;
using test_support::certify;
using test_support::to_sparse;
namespace ref = test_support::reference;

/// What every fit must satisfy: finite numbers, and a status consistent with them.
template <class Scalar>
void check_outcome(const SolverResult<Scalar>& result, const SolverOptions& options) {
  CAPTURE(to_string(result.status), result.stop_crit, result.objective, result.n_iter, result.n_epochs);
  CHECK(result.coef.allFinite());
  CHECK(std::isfinite(result.intercept));
  CHECK(std::isfinite(result.objective));
  CHECK(std::isfinite(result.stop_crit));
  CHECK(result.stop_crit >= 0);
  CHECK(result.converged() == (double(result.stop_crit) <= options.tol));
  CHECK(result.n_iter <= options.max_iter);
  if (!options.fit_intercept) CHECK(result.intercept == 0);
}

/// The fit on dense and on CSC storage, each checked by check_outcome; the dense one is returned
/// and the two must reach the same status, and the same objective (relative 1e-6) when they converged to a
/// tight tol.
template <class Scalar, class DatafitType, class PenaltyType>
SolverResult<Scalar> fit_both(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& X,
                              const Eigen::VectorXd& y, const DatafitType& datafit,
                              const PenaltyType& penalty, const SolverOptions& options) {
  const auto dense = sparseglm::solve(X, y, datafit, penalty, options);
  const auto sparse = sparseglm::solve(to_sparse<Scalar>(X), y, datafit, penalty, options);
  INFO("dense");
  check_outcome(dense, options);
  INFO("sparse");
  check_outcome(sparse, options);
  CHECK(dense.status == sparse.status);
  if (dense.converged() && options.tol <= 1e-6)
    CHECK(test_support::relative_difference(dense.objective, sparse.objective, 1e-12) <= 1e-6);
  return dense;
}

/// solve with the library datafit of `loss`.
template <class XType, class PenaltyType>
SolverResult<double> solve_with(ref::Loss loss, const XType& X, const Eigen::VectorXd& y,
                                const PenaltyType& penalty, const SolverOptions& options) {
  if (loss == ref::Loss::quadratic) return sparseglm::solve(X, y, Quadratic{}, penalty, options);
  return sparseglm::solve(X, y, Logistic{}, penalty, options);
}

// certified_or_limit: a solver that ends converged is certified like `converged`; one that does not
// ends at an iteration or epoch limit.
enum class Expect { converged, precision_limit, iteration_limit, certified_or_limit };

struct EdgeCase {
  std::string name;
  ref::Loss loss;
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
  double alpha_ratio;  ///< alpha = alpha_ratio * alpha_max (alpha_max of this X, y, intercept)
  SolverOptions options;
  Expect expect;
  /// Further checks of the dense double result (the KKT certificate is checked for converged).
  std::function<void(const SolverResult<double>&, double alpha)> check = {};
};

Eigen::MatrixXd design(Eigen::Index n, Eigen::Index p, std::uint64_t seed) {
  return test_support::correlated_design(n, p, 0.5, seed);
}

Eigen::VectorXd regression(const Eigen::MatrixXd& X, std::uint64_t seed) {
  return test_support::regression_target(X, test_support::sparse_coef(X.cols(), 3, seed), 0.5, 1.0, seed);
}

Eigen::VectorXd labels(const Eigen::MatrixXd& X, std::uint64_t seed) {
  return test_support::logistic_labels(X, test_support::sparse_coef(X.cols(), 3, seed), 0.3, seed);
}

SolverOptions options(bool fit_intercept, double tol = 1e-8) {
  SolverOptions o;
  o.fit_intercept = fit_intercept;
  o.tol = tol;
  return o;
}

/// Every solver that can fit the loss: the statuses below hold for each of them.
std::vector<std::pair<std::string, sparseglm::Solver>> solvers_for(ref::Loss loss) {
  if (loss == ref::Loss::quadratic) return {{"anderson_cd", sparseglm::Solver::anderson_cd}};
  return {{"anderson_cd", sparseglm::Solver::anderson_cd}, {"prox_newton", sparseglm::Solver::prox_newton}};
}

/// Columns 0..p-1 of `Z` scaled by 10^-150 ... 10^150, evenly on a log scale.
Eigen::VectorXd column_scales(Eigen::Index p) {
  Eigen::VectorXd scales(p);
  for (Eigen::Index j = 0; j < p; ++j) scales[j] = std::pow(10.0, -150.0 + 300.0 * double(j) / double(p - 1));
  return scales;
}

std::vector<EdgeCase> edge_cases() {
  std::vector<EdgeCase> cases;
  for (const bool intercept : {false, true}) {
    const std::string suffix = intercept ? ", intercept" : ", no intercept";
    for (const ref::Loss loss : {ref::Loss::quadratic, ref::Loss::logistic}) {
      const std::string name = test_support::to_string(loss) + suffix;
      const bool quadratic = loss == ref::Loss::quadratic;
      const auto target = [&](const Eigen::MatrixXd& X, std::uint64_t seed) {
        return quadratic ? regression(X, seed) : labels(X, seed);
      };

      Eigen::MatrixXd zero_columns = design(40, 12, 1);
      zero_columns.col(3).setZero();
      zero_columns.col(8).setZero();
      cases.push_back({"all-zero columns, " + name, loss, zero_columns, target(design(40, 12, 1), 2), 0.05,
                       options(intercept), Expect::converged, [](const auto& r, double) {
                         CHECK(r.coef[3] == 0);
                         CHECK(r.coef[8] == 0);
                       }});

      const Eigen::MatrixXd single = design(40, 6, 3);
      Eigen::MatrixXd doubled(40, 12);
      doubled << single, single;
      const Eigen::VectorXd y_doubled = target(single, 4);
      cases.push_back(
          {"duplicated columns, " + name, loss, doubled, y_doubled, 0.05, options(intercept),
           Expect::converged, [=](const auto& r, double alpha) {
             // w_j and w_{j+6} act as one coefficient with penalty |w_j| + |w_{j+6}|:
             // the optimum is the one of the single copy of the columns.
             const auto once = solve_with(loss, single, y_doubled, L1(alpha), options(intercept));
             REQUIRE(once.converged());
             CHECK(test_support::relative_difference(r.objective, once.objective) <= 1e-8);
             CHECK(test_support::relative_max_difference(r.coef.head(6) + r.coef.tail(6), once.coef) <= 1e-4);
             for (Eigen::Index j = 0; j < 6; ++j) CHECK(r.coef[j] * r.coef[j + 6] >= 0);
           }});

      cases.push_back({"p = 1, " + name, loss, design(30, 1, 5), target(design(30, 1, 5), 6), 0.3,
                       options(intercept), Expect::converged,
                       [](const auto& r, double) { CHECK(r.coef[0] != 0); }});

      cases.push_back({"alpha exactly alpha_max, " + name, loss, design(30, 8, 7),
                       target(design(30, 8, 7), 8), 1.0, options(intercept), Expect::converged,
                       [](const auto& r, double) { CHECK(r.coef.isZero(0)); }});

      cases.push_back({"alpha = 0 with n > p, " + name, loss, design(60, 5, 9), target(design(60, 5, 9), 10),
                       0.0, options(intercept, 1e-10), Expect::converged, [=](const auto& r, double) {
                         if (!quadratic) return;
                         // Least squares through a QR factorisation of [X 1] (or X).
                         const Eigen::MatrixXd X = design(60, 5, 9);
                         Eigen::MatrixXd A(60, intercept ? 6 : 5);
                         A.leftCols(5) = X;
                         if (intercept) A.col(5).setOnes();
                         const Eigen::VectorXd x = A.colPivHouseholderQr().solve(regression(X, 10));
                         CHECK(test_support::relative_max_difference(r.coef, x.head(5)) <= 1e-8);
                         if (intercept) CHECK(std::abs(r.intercept - x[5]) <= 1e-8);
                       }});

      const Eigen::VectorXd scales = column_scales(12);
      const Eigen::MatrixXd unscaled = design(40, 12, 11);
      const Eigen::MatrixXd scaled = unscaled * scales.asDiagonal();
      const Eigen::VectorXd y_scaled = target(unscaled, 12);
      cases.push_back({"columns scaled from 1e-150 to 1e150, " + name, loss, scaled, y_scaled, 0.05,
                       options(intercept, 1e-4),
                       // tol 1e-4 is below the rounding floor of the 1e150 columns' gradients (~1e134).
                       Expect::precision_limit, [=](const auto& r, double alpha) {
                         // The same problem on the unscaled columns: w_j = v_j / s_j, alpha |w_j| = (alpha /
                         // s_j) |v_j|.
                         const sparseglm::penalties::WeightedL1 weighted(alpha, scales.cwiseInverse());
                         const auto v = solve_with(loss, unscaled, y_scaled, weighted, options(intercept));
                         REQUIRE(v.converged());
                         CHECK(test_support::relative_difference(r.objective, v.objective) <= 1e-10);
                         CHECK(test_support::relative_max_difference(
                                   Eigen::VectorXd(r.coef.cwiseProduct(scales)), v.coef) <= 1e-6);
                         CHECK(std::abs(r.intercept - v.intercept) <= 1e-6);
                         CHECK(r.n_epochs <= 2000);
                       }});

      cases.push_back({"max_epochs reached, " + name, loss, design(40, 60, 13),
                       target(design(40, 60, 13), 14), 0.01,
                       [&] {
                         SolverOptions o = options(intercept, 1e-12);
                         o.max_epochs = 3;
                         return o;
                       }(),
                       Expect::iteration_limit,
                       [](const auto& r, double) { CHECK(r.status == SolverStatus::max_epochs); }});
    }

    // Quadratic only: a constant target, one sample.
    const Eigen::MatrixXd X_constant = design(30, 6, 15);
    const Eigen::VectorXd y_constant = Eigen::VectorXd::Constant(30, 3.25);
    if (!intercept)
      cases.push_back({"constant y" + suffix, ref::Loss::quadratic, X_constant, y_constant, 0.1,
                       options(intercept), Expect::converged});
    const Eigen::MatrixXd X_one = design(1, 5, 16);
    const Eigen::VectorXd y_one = Eigen::VectorXd::Constant(1, -0.75);
    if (!intercept)
      cases.push_back({"n = 1" + suffix, ref::Loss::quadratic, X_one, y_one, 0.1, options(intercept),
                       Expect::converged,
                       [](const auto& r, double) { CHECK(test_support::count_nonzero(r.coef) == 1); }});

    // Logistic only: perfectly separable labels at a tiny alpha. The minimiser runs away (||w||
    // grows like log(1/alpha)): coordinate descent does not reach a tight tol within the budget,
    // Newton steps may.
    const Eigen::MatrixXd X_separable = design(40, 5, 17);
    const Eigen::VectorXd y_separable =
        X_separable.col(1).unaryExpr([](double v) { return v > 0 ? 1.0 : -1.0; });
    cases.push_back({"separable logistic at alpha = 1e-12 alpha_max" + suffix, ref::Loss::logistic,
                     X_separable, y_separable, 1e-12,
                     [&] {
                       SolverOptions o = options(intercept, 1e-12);
                       o.max_epochs = 2000;
                       return o;
                     }(),
                     Expect::certified_or_limit,
                     [=](const auto& r, double) {
                       // The classes are separated by the fit and the loss is nearly 0.
                       const Eigen::VectorXd margins =
                           y_separable.array() * ((X_separable * r.coef).array() + r.intercept);
                       CHECK(margins.minCoeff() > 0);
                       CHECK(r.objective < 1e-3);
                     }});
    cases.push_back({"separable logistic at alpha = 0" + suffix, ref::Loss::logistic, X_separable,
                     y_separable, 0.0, options(intercept, 1e-4), Expect::converged});
  }
  return cases;
}

template <class DatafitType>
SolverResult<double> run_case(const EdgeCase& c, const DatafitType& datafit, double alpha,
                              sparseglm::Solver solver) {
  SolverOptions options = c.options;
  options.solver = solver;
  return fit_both<double>(c.X, c.y, datafit, L1(alpha), options);
}

}  // namespace

TEST_CASE("edge cases: finite results, the right status and the right solution", "[solve][edge]") {
  const std::vector<EdgeCase> cases = edge_cases();
  REQUIRE(cases.size() == 34);
  for (const EdgeCase& c : cases) {
    for (const auto& [solver_name, solver] : solvers_for(c.loss)) {
      DYNAMIC_SECTION(c.name << ", " << solver_name) {
        const bool quadratic = c.loss == ref::Loss::quadratic;
        const double alpha_max =
            quadratic ? sparseglm::alpha_max(c.X, c.y, Quadratic{}, L1(1), c.options.fit_intercept)
                      : sparseglm::alpha_max(c.X, c.y, Logistic{}, L1(1), c.options.fit_intercept);
        const double alpha = c.alpha_ratio * alpha_max;
        const auto result =
            quadratic ? run_case(c, Quadratic{}, alpha, solver) : run_case(c, Logistic{}, alpha, solver);
        CAPTURE(alpha, alpha_max, to_string(result.status), result.stop_crit, result.n_iter, result.n_epochs);
        Expect expect = c.expect;
        if (expect == Expect::certified_or_limit)
          expect = result.converged() ? Expect::converged : Expect::iteration_limit;
        switch (expect) {
          case Expect::certified_or_limit:
          case Expect::converged: {
            REQUIRE(result.status == SolverStatus::converged);
            const auto certificate = certify(c.X, c.y, c.loss, ref::Penalty::l1(alpha), result.coef,
                                             result.intercept, c.options.fit_intercept);
            CHECK(certificate.kkt.violation <= c.options.tol);
            break;
          }
          case Expect::precision_limit:
            REQUIRE(result.status == SolverStatus::precision_limit);
            CHECK(result.stop_crit > c.options.tol);
            break;
          case Expect::iteration_limit:
            CHECK(
                (result.status == SolverStatus::max_epochs || result.status == SolverStatus::max_iterations));
            break;
        }
        if (c.check) c.check(result, alpha);
      }
    }
  }
}

TEST_CASE("edge cases: a constant y with an intercept is fitted by the intercept alone", "[solve][edge]") {
  const Eigen::MatrixXd X = design(30, 6, 15);
  const Eigen::VectorXd y = Eigen::VectorXd::Constant(30, 3.25);
  CHECK(sparseglm::alpha_max(X, y, Quadratic{}, L1(1)) == 0);
  const auto result = fit_both<double>(X, y, Quadratic{}, L1(0.1), SolverOptions{});
  CHECK(result.converged());
  CHECK(result.coef.isZero(0));
  CHECK(result.intercept == 3.25);
  CHECK(result.objective == 0);
}

TEST_CASE("edge cases: one sample with an intercept is fitted by the intercept alone", "[solve][edge]") {
  const Eigen::MatrixXd X = design(1, 5, 16);
  const Eigen::VectorXd y = Eigen::VectorXd::Constant(1, -0.75);
  const auto result = fit_both<double>(X, y, Quadratic{}, L1(1e-3), SolverOptions{});
  CHECK(result.converged());
  CHECK(result.coef.isZero(0));
  CHECK(result.intercept == -0.75);
  // Two samples, one per class, for the logistic loss: finite, converged.
  const Eigen::MatrixXd X2 = design(2, 5, 16);
  const auto logistic = fit_both<double>(X2, Eigen::Vector2d(1, -1), Logistic{}, L1(1e-3), SolverOptions{});
  CHECK(logistic.converged());
}

TEST_CASE("edge cases: y scaled by 2^500 or 2^-500 scales the Lasso exactly", "[solve][edge]") {
  // With alpha and tol scaled too, every operation of the fit is scaled by a power of two, which
  // is exact: the coefficients are the unscaled ones times the scale, bit for bit.
  const Eigen::MatrixXd X = design(40, 30, 18);
  const Eigen::VectorXd y = regression(X, 19);
  for (const bool intercept : {false, true}) {
    const SolverOptions base = options(intercept, 1e-6);
    const auto unscaled = fit_both<double>(X, y, Quadratic{}, L1(0.05), base);
    REQUIRE(unscaled.converged());
    for (const int exponent : {500, -500}) {
      CAPTURE(intercept, exponent);
      const double scale = std::ldexp(1.0, exponent);
      SolverOptions scaled_options = base;
      scaled_options.tol = base.tol * scale;
      const auto scaled =
          fit_both<double>(X, Eigen::VectorXd(y * scale), Quadratic{}, L1(0.05 * scale), scaled_options);
      CHECK(scaled.status == unscaled.status);
      CHECK(scaled.coef == Eigen::VectorXd(unscaled.coef * scale));
      CHECK(scaled.intercept == unscaled.intercept * scale);
      CHECK(scaled.n_epochs == unscaled.n_epochs);
    }
  }
}

TEST_CASE("edge cases: data whose objective overflows are refused by name", "[solve][edge][validation]") {
  const Eigen::MatrixXd X = design(40, 10, 20);
  const Eigen::VectorXd y = regression(X, 21) * 1e200;  // (y_i - 0)^2 overflows double
  REQUIRE_THROWS_WITH(sparseglm::solve(X, y, Quadratic{}, L1(1e190)),
                      Catch::Contains("data: the objective overflows at the starting point"));
  REQUIRE_THROWS_AS(sparseglm::solve(X, y, Quadratic{}, L1(1e190)), sparseglm::invalid_argument);
  Eigen::MatrixXd wide = X;
  wide.col(4) *= 1e160;  // ||X_4||^2 overflows double
  REQUIRE_THROWS_WITH(sparseglm::solve(wide, regression(X, 21), Quadratic{}, L1(0.1)),
                      Catch::Contains("X: column 4: its squared norm overflows"));
  const Eigen::MatrixXf X_float = X.cast<float>();
  REQUIRE_THROWS_WITH(
      sparseglm::solve(X_float, Eigen::VectorXd(regression(X, 21) * 1e25), Quadratic{}, L1(1)),
      Catch::Contains("the objective overflows"));
}

TEST_CASE("edge cases: float asked for a tolerance below its precision reports precision_limit",
          "[solve][edge]") {
  for (const bool intercept : {false, true}) {
    for (const ref::Loss loss : {ref::Loss::quadratic, ref::Loss::logistic}) {
      CAPTURE(intercept, test_support::to_string(loss));
      const Eigen::MatrixXd X = design(50, 40, 22);
      const bool quadratic = loss == ref::Loss::quadratic;
      const Eigen::VectorXd y = quadratic ? regression(X, 23) : labels(X, 23);
      const double alpha = 0.02 * (quadratic ? sparseglm::alpha_max(X, y, Quadratic{}, L1(1), intercept)
                                             : sparseglm::alpha_max(X, y, Logistic{}, L1(1), intercept));
      const auto in_double = solve_with(loss, X, y, L1(alpha), options(intercept, 1e-10));
      REQUIRE(in_double.converged());
      const Eigen::MatrixXf X_float = X.cast<float>();
      for (const auto& [solver_name, solver] : solvers_for(loss)) {
        CAPTURE(solver_name);
        SolverOptions tight = options(intercept, 1e-12);
        tight.solver = solver;
        const auto in_float = quadratic ? fit_both<float>(X_float, y, Quadratic{}, L1(alpha), tight)
                                        : fit_both<float>(X_float, y, Logistic{}, L1(alpha), tight);
        CAPTURE(in_float.stop_crit, in_float.n_iter, in_float.n_epochs);
        CHECK(in_float.status == SolverStatus::precision_limit);
        CHECK(in_float.n_epochs <= 10000);  // not the 50000 of max_epochs
        // As good as float allows: its objective is the double solution's to float accuracy.
        const double objective =
            certify(X, y, loss, ref::Penalty::l1(alpha), in_float.coef, in_float.intercept, intercept)
                .objective;
        CHECK(test_support::relative_difference(objective, in_double.objective) <= 1e-5);
      }
    }
  }
}

TEST_CASE("edge cases: WeightedL1 with weights as large as the largest double", "[solve][edge]") {
  // Found by fuzz/solve_fuzzer: alpha (omega . |w|) was 0 * inf = NaN at alpha = 0.
  const Eigen::MatrixXd X = design(10, 4, 24);
  const Eigen::VectorXd y = regression(X, 25);
  const Eigen::VectorXd huge = Eigen::VectorXd::Constant(4, std::numeric_limits<double>::max());
  for (const double alpha : {0.0, 1e-3}) {
    CAPTURE(alpha);
    const auto result =
        fit_both<double>(X, y, Quadratic{}, sparseglm::penalties::WeightedL1(alpha, huge), options(false));
    CHECK(result.converged());
    if (alpha > 0) CHECK(result.coef.isZero(0));
  }
}
