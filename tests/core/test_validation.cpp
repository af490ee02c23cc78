// Bad input: every public entry point throws sparseglm::invalid_argument with a message naming
// the argument and the problem. One table row per case: description, the call, and a substring
// the message must contain. Valid baseline calls are checked first, so that each row's throw is
// due to its one bad argument.

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "../support/checks.hpp"
#include "sparseglm/sparseglm.hpp"

namespace {

using sparseglm::SolverOptions;
using sparseglm::datafits::Logistic;
using sparseglm::datafits::Quadratic;
using sparseglm::penalties::ElasticNet;
using sparseglm::penalties::L1;
using sparseglm::penalties::WeightedL1;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Row {
  std::string description;
  std::function<void()> call;
  std::string expected;  ///< a substring of the exception's message
};

// A small valid problem: 10 x 4, regression targets and {-1, 1} labels.
struct Data {
  Eigen::MatrixXd X = Eigen::MatrixXd::NullaryExpr(
      10, 4, [](Eigen::Index i, Eigen::Index j) { return std::sin(double(3 * i + 7 * j + 1)); });
  Eigen::SparseMatrix<double> X_sparse = X.sparseView();
  Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(10, -1.0, 2.0);
  Eigen::VectorXd labels = (Eigen::VectorXd(10) << 1, -1, 1, 1, -1, -1, 1, -1, 1, -1).finished();
  Eigen::VectorXd weights = Eigen::VectorXd::Ones(4);
  Eigen::VectorXd alphas = (Eigen::VectorXd(3) << 0.3, 0.2, 0.1).finished();
};

template <class F>
SolverOptions options_with(F&& change) {
  SolverOptions options;
  change(options);
  return options;
}

std::vector<Row> bad_input_table(const Data& d) {
  const auto& X = d.X;
  const auto& y = d.y;
  auto with = [&](auto change) {  // X with one entry changed
    Eigen::MatrixXd copy = X;
    change(copy);
    return copy;
  };
  auto vec = [](std::initializer_list<double> values) {
    Eigen::VectorXd v(Eigen::Index(values.size()));
    Eigen::Index i = 0;
    for (const double value : values) v[i++] = value;
    return v;
  };
  auto labels_of = [&](Eigen::VectorXd head) {  // labels with the first entries replaced
    Eigen::VectorXd labels = d.labels;
    labels.head(head.size()) = head;
    return labels;
  };
  auto solve_q = [&](const auto& XX, const auto& yy, const SolverOptions& options = {}) {
    (void)sparseglm::solve(XX, yy, Quadratic{}, L1(0.1), options);
  };
  auto solve_logistic = [&](const Eigen::VectorXd& labels) {
    (void)sparseglm::solve(X, labels, Logistic{}, L1(0.01));
  };
  auto fitted_lasso = [&] {
    sparseglm::Lasso lasso(0.01);
    lasso.fit(X, y);
    return lasso;
  };

  return {
      // ---- shapes and values of X and y
      {"X and y lengths differ", [=] { solve_q(X, Eigen::VectorXd(y.head(9))); },
       "y: has length 9 but the number of rows of X is 10"},
      {"X with 0 rows", [=] { solve_q(Eigen::MatrixXd(0, 4), Eigen::VectorXd(0)); }, "X: has no rows"},
      {"X with 0 columns", [=] { solve_q(Eigen::MatrixXd(10, 0), y); }, "X: has no columns"},
      {"sparse X with 0 columns", [=] { solve_q(Eigen::SparseMatrix<double>(10, 0), y); },
       "X: has no columns"},
      {"NaN in dense X", [=] { solve_q(with([](auto& M) { M(2, 3) = kNaN; }), y); },
       "X: contains NaN or Inf (column 3)"},
      {"Inf in dense X", [=] { solve_q(with([](auto& M) { M(0, 0) = -kInf; }), y); },
       "X: contains NaN or Inf"},
      {"Inf in sparse X",
       [=] {
         Eigen::SparseMatrix<double> S = d.X_sparse;
         S.coeffRef(4, 1) = kInf;
         solve_q(S, y);
       },
       "X: contains NaN or Inf"},
      {"NaN in sparse X",
       [=] {
         Eigen::SparseMatrix<double> S = d.X_sparse;
         S.coeffRef(7, 2) = kNaN;
         solve_q(S, y);
       },
       "X: contains NaN or Inf (column 2)"},
      {"NaN in X, logistic fit",
       [=] { (void)sparseglm::solve(with([](auto& M) { M(3, 1) = kNaN; }), d.labels, Logistic{}, L1(0.01)); },
       "X: contains NaN or Inf (column 1)"},
      {"Inf in X, alpha_max",
       [=] { (void)sparseglm::alpha_max(with([](auto& M) { M(6, 0) = kInf; }), y, Quadratic{}, L1(1)); },
       "X: contains NaN or Inf (column 0)"},
      {"NaN in X, path",
       [=] { (void)sparseglm::path(with([](auto& M) { M(0, 2) = kNaN; }), y, Quadratic{}, L1(1), d.alphas); },
       "X: contains NaN or Inf (column 2)"},
      {"NaN in X, duality_gap",
       [=] {
         (void)sparseglm::duality_gap(with([](auto& M) { M(1, 1) = kNaN; }), y, Quadratic{}, L1(0.1),
                                      Eigen::VectorXd::Zero(4), 0.0);
       },
       "X: contains NaN or Inf"},
      {"a column whose squared norm overflows", [=] { solve_q(with([](auto& M) { M(5, 2) = 1e160; }), y); },
       "X: column 2: its squared norm overflows"},
      {"y so large that the objective overflows", [=] { solve_q(X, Eigen::VectorXd(y * 1e200)); },
       "data: the objective overflows at the starting point"},
      {"NaN in float X", [=] { solve_q(with([](auto& M) { M(1, 1) = kNaN; }).cast<float>().eval(), y); },
       "X: contains NaN or Inf"},
      {"NaN in y",
       [=] {
         Eigen::VectorXd yy = y;
         yy[3] = kNaN;
         solve_q(X, yy);
       },
       "y: contains NaN or Inf at index 3"},
      {"Inf in y",
       [=] {
         Eigen::VectorXd yy = y;
         yy[7] = kInf;
         solve_q(X, yy);
       },
       "y: contains NaN or Inf at index 7"},
      {"y with 2 columns", [=] { solve_q(X, Eigen::MatrixXd(10, 2).setOnes()); },
       "y: must be a vector, got 2 columns"},
      // ---- warm starts
      {"warm start of the wrong length",
       [=] { (void)sparseglm::solve(X, y, Quadratic{}, L1(0.1), SolverOptions{}, Eigen::VectorXd::Zero(3)); },
       "warm start coef: has length 3 but the number of columns of X is 4"},
      {"warm start with NaN",
       [=] {
         (void)sparseglm::solve(X, y, Quadratic{}, L1(0.1), SolverOptions{}, vec({0, kNaN, 0, 0}));
       },
       "warm start coef: contains NaN or Inf at index 1"},
      {"warm start intercept NaN",
       [=] {
         (void)sparseglm::solve(X, y, Quadratic{}, L1(0.1), SolverOptions{}, Eigen::VectorXd::Zero(4), kNaN);
       },
       "warm start intercept: must be finite"},
      {"warm start with Inf",
       [=] {
         (void)sparseglm::solve(X, y, Quadratic{}, L1(0.1), SolverOptions{}, vec({0, 0, 0, -kInf}));
       },
       "warm start coef: contains NaN or Inf at index 3"},
      // ---- penalties
      {"weights of the wrong length",
       [=] {
         (void)sparseglm::solve(X, y, Quadratic{}, WeightedL1(0.1, vec({1, 1, 1})));
       },
       "weights: has length 3 but the number of features is 4"},
      {"negative weight",
       [=] {
         (void)WeightedL1(0.1, vec({1, -0.5, 1, 1}));
       },
       "weights: must be >= 0"},
      {"NaN weight",
       [=] {
         (void)WeightedL1(0.1, vec({1, 1, kNaN, 1}));
       },
       "weights: contains NaN or Inf at index 2"},
      {"Inf weight",
       [=] {
         (void)WeightedL1(0.1, vec({kInf, 1, 1, 1}));
       },
       "weights: contains NaN or Inf at index 0"},
      {"negative alpha (L1)", [=] { (void)L1(-0.1); }, "alpha: must be finite and >= 0"},
      {"NaN alpha (L1)", [=] { (void)L1(kNaN); }, "alpha: must be finite and >= 0"},
      {"Inf alpha (L1)", [=] { (void)L1(kInf); }, "alpha: must be finite and >= 0"},
      {"negative alpha (WeightedL1)", [=] { (void)WeightedL1(-1, d.weights); },
       "alpha: must be finite and >= 0"},
      {"negative alpha (ElasticNet)", [=] { (void)ElasticNet(-1, 0.5); }, "alpha: must be finite and >= 0"},
      {"NaN alpha (ElasticNet)", [=] { (void)ElasticNet(kNaN, 0.5); }, "alpha: must be finite and >= 0"},
      {"NaN alpha (WeightedL1)", [=] { (void)WeightedL1(kNaN, d.weights); },
       "alpha: must be finite and >= 0"},
      {"negative alpha via with_alpha", [=] { (void)L1(1).with_alpha(-1); },
       "alpha: must be finite and >= 0"},
      {"l1_ratio 0", [=] { (void)ElasticNet(0.1, 0.0); }, "l1_ratio: must be in (0, 1]"},
      {"l1_ratio 1.5", [=] { (void)ElasticNet(0.1, 1.5); }, "l1_ratio: must be in (0, 1]"},
      {"l1_ratio NaN", [=] { (void)ElasticNet(0.1, kNaN); }, "l1_ratio: must be in (0, 1]"},
      {"l1_ratio negative", [=] { (void)ElasticNet(0.1, -0.5); }, "l1_ratio: must be in (0, 1]"},
      {"l1_ratio just above 1", [=] { (void)ElasticNet(0.1, std::nextafter(1.0, 2.0)); },
       "l1_ratio: must be in (0, 1]"},
      {"l1_ratio Inf", [=] { (void)ElasticNet(0.1, kInf); }, "l1_ratio: must be in (0, 1]"},
      // ---- solver options
      {"tol 0", [=] { solve_q(X, y, options_with([](auto& o) { o.tol = 0; })); },
       "tol: must be finite and > 0"},
      {"tol negative", [=] { solve_q(X, y, options_with([](auto& o) { o.tol = -1e-4; })); },
       "tol: must be finite and > 0"},
      {"tol NaN", [=] { solve_q(X, y, options_with([](auto& o) { o.tol = kNaN; })); },
       "tol: must be finite and > 0"},
      {"tol Inf", [=] { solve_q(X, y, options_with([](auto& o) { o.tol = kInf; })); },
       "tol: must be finite and > 0"},
      {"max_iter 0", [=] { solve_q(X, y, options_with([](auto& o) { o.max_iter = 0; })); },
       "max_iter: must be >= 1"},
      {"max_iter negative", [=] { solve_q(X, y, options_with([](auto& o) { o.max_iter = -5; })); },
       "max_iter: must be >= 1"},
      {"max_epochs 0", [=] { solve_q(X, y, options_with([](auto& o) { o.max_epochs = 0; })); },
       "max_epochs: must be >= 1"},
      {"p0 negative", [=] { solve_q(X, y, options_with([](auto& o) { o.p0 = -1; })); }, "p0: must be >= 0"},
      {"anderson_memory 51", [=] { solve_q(X, y, options_with([](auto& o) { o.anderson_memory = 51; })); },
       "anderson_memory:"},
      {"anderson_memory 1", [=] { solve_q(X, y, options_with([](auto& o) { o.anderson_memory = 1; })); },
       "anderson_memory:"},
      {"verbosity -1", [=] { solve_q(X, y, options_with([](auto& o) { o.verbosity = -1; })); },
       "verbosity: must be >= 0"},
      {"n_threads -1", [=] { solve_q(X, y, options_with([](auto& o) { o.n_threads = -1; })); },
       "n_threads: must be >= 0"},
      // ---- logistic labels
      {"logistic labels: a single class {1}", [=] { solve_logistic(Eigen::VectorXd::Ones(10)); },
       "needs both classes"},
      {"logistic labels: a single class {0}", [=] { solve_logistic(Eigen::VectorXd::Zero(10)); },
       "needs both classes"},
      {"logistic labels: a single class {-1}", [=] { solve_logistic(-Eigen::VectorXd::Ones(10)); },
       "needs both classes"},
      {"logistic labels: three classes {-1, 1, 2}", [=] { solve_logistic(labels_of(vec({2}))); },
       "logistic labels must be {-1, 1} or {0, 1}, found 2"},
      {"logistic labels: three classes {0, 1, 2}",
       [=] {
         Eigen::VectorXd labels = (d.labels.array() + 1) / 2;
         labels[4] = 2;
         solve_logistic(labels);
       },
       "logistic labels must be {-1, 1} or {0, 1}, found 2.000000 at index 4"},
      {"logistic labels {1, 2}", [=] { solve_logistic(Eigen::VectorXd(d.labels.array() * 0.5 + 1.5)); },
       "logistic labels must be {-1, 1} or {0, 1}, found 2"},
      {"logistic labels mixing -1 and 0", [=] { solve_logistic(labels_of(vec({0}))); },
       "logistic labels mix -1 and 0"},
      {"logistic labels 0.5", [=] { solve_logistic(labels_of(vec({0.5}))); }, "found 0.5"},
      {"logistic labels through the estimator",
       [=] { sparseglm::SparseLogisticRegression(0.01).fit(X, labels_of(vec({3}))); }, "found 3"},
      // ---- estimators
      {"predict before fit (Lasso)", [=] { (void)sparseglm::Lasso(0.1).predict(X); },
       "model: is not fitted yet"},
      {"predict_proba before fit", [=] { (void)sparseglm::SparseLogisticRegression(0.1).predict_proba(X); },
       "model: is not fitted yet"},
      {"decision_function before fit (generic)",
       [=] {
         (void)sparseglm::GeneralizedLinearEstimator(Logistic{}, WeightedL1(0.1, d.weights))
             .decision_function(X);
       },
       "model: is not fitted yet"},
      {"predict with the wrong number of columns",
       [=] { (void)fitted_lasso().predict(Eigen::MatrixXd(X.leftCols(3))); },
       "columns but the fitted model has 4 coefficients"},
      {"predict with the wrong number of columns (sparse)",
       [=] { (void)fitted_lasso().predict(Eigen::SparseMatrix<double>(5, 6)); },
       "columns but the fitted model has 4 coefficients"},
      {"Lasso with a negative alpha", [=] { (void)sparseglm::Lasso(-1.0); },
       "alpha: must be finite and >= 0"},
      {"ElasticNet estimator with l1_ratio 0", [=] { (void)sparseglm::ElasticNet(1.0, 0.0); },
       "l1_ratio: must be in (0, 1]"},
      {"estimator fit with NaN in X",
       [=] { sparseglm::Lasso(0.1).fit(with([](auto& M) { M(9, 3) = kNaN; }), y); },
       "X: contains NaN or Inf"},
      {"estimator set_alpha negative", [=] { sparseglm::Lasso(0.1).set_alpha(-2.0); },
       "alpha: must be finite and >= 0"},
      // ---- alpha_max, alpha_grid and path
      {"alpha_max with y of the wrong length",
       [=] { (void)sparseglm::alpha_max(X, Eigen::VectorXd(y.head(4)), Quadratic{}, L1(1)); },
       "y: has length 4"},
      {"alpha_max with weights of the wrong length",
       [=] { (void)sparseglm::alpha_max(X, y, Quadratic{}, WeightedL1(1, Eigen::VectorXd::Ones(5))); },
       "weights: has length 5"},
      {"alpha_max with bad logistic labels", [=] { (void)sparseglm::alpha_max(X, y, Logistic{}, L1(1)); },
       "logistic labels must be {-1, 1} or {0, 1}"},
      {"alpha_grid with alpha_max 0", [=] { (void)sparseglm::alpha_grid(0.0); },
       "alpha_max: must be finite and > 0"},
      {"alpha_grid with alpha_max negative", [=] { (void)sparseglm::alpha_grid(-1.0); },
       "alpha_max: must be finite and > 0"},
      {"alpha_grid with alpha_max NaN", [=] { (void)sparseglm::alpha_grid(kNaN); },
       "alpha_max: must be finite and > 0"},
      {"alpha_grid with alpha_max Inf", [=] { (void)sparseglm::alpha_grid(kInf); },
       "alpha_max: must be finite and > 0"},
      {"alpha_grid with n_alphas 0", [=] { (void)sparseglm::alpha_grid(1.0, 0); }, "n_alphas: must be >= 1"},
      {"alpha_grid with n_alphas negative", [=] { (void)sparseglm::alpha_grid(1.0, -3); },
       "n_alphas: must be >= 1"},
      {"alpha_grid with eps 0", [=] { (void)sparseglm::alpha_grid(1.0, 10, 0.0); }, "eps: must be in (0, 1]"},
      {"alpha_grid with eps 1.5", [=] { (void)sparseglm::alpha_grid(1.0, 10, 1.5); },
       "eps: must be in (0, 1]"},
      {"alpha_grid with eps NaN", [=] { (void)sparseglm::alpha_grid(1.0, 10, kNaN); },
       "eps: must be in (0, 1]"},
      {"path with an empty alpha list",
       [=] { (void)sparseglm::path(X, y, Quadratic{}, L1(1), Eigen::VectorXd(0)); }, "alphas: is empty"},
      {"path with a negative alpha",
       [=] {
         (void)sparseglm::path(X, y, Quadratic{}, L1(1), vec({0.3, -0.1}));
       },
       "alpha: must be finite and >= 0"},
      {"path with a NaN alpha", [=] { (void)sparseglm::path(X, y, Quadratic{}, L1(1), vec({kNaN})); },
       "alpha: must be finite and >= 0"},
      {"path with bad options",
       [=] {
         (void)sparseglm::path(X, y, Quadratic{}, L1(1), d.alphas, options_with([](auto& o) { o.tol = 0; }));
       },
       "tol: must be finite and > 0"},
      {"path with mismatched y",
       [=] { (void)sparseglm::path(X, Eigen::VectorXd(y.head(8)), Quadratic{}, L1(1), d.alphas); },
       "y: has length 8"},
  };
}

}  // namespace

TEST_CASE("validation: the valid baseline calls do not throw", "[validation]") {
  const Data d;
  REQUIRE_NOTHROW(sparseglm::solve(d.X, d.y, Quadratic{}, L1(0.1)));
  REQUIRE_NOTHROW(sparseglm::solve(d.X_sparse, d.y, Quadratic{}, L1(0.1)));
  REQUIRE_NOTHROW(
      sparseglm::solve(d.X, d.y, Quadratic{}, L1(0.1), SolverOptions{}, Eigen::VectorXd::Zero(4), 0.5));
  REQUIRE_NOTHROW(sparseglm::solve(d.X, d.y, Quadratic{}, WeightedL1(0.1, d.weights)));
  REQUIRE_NOTHROW(sparseglm::solve(d.X, d.y, Quadratic{}, ElasticNet(0.1, 1.0)));
  REQUIRE_NOTHROW(sparseglm::solve(d.X, d.labels, Logistic{}, L1(0.01)));
  REQUIRE_NOTHROW(sparseglm::solve(d.X, Eigen::VectorXd((d.labels.array() + 1) / 2), Logistic{}, L1(0.01)));
  REQUIRE_NOTHROW(sparseglm::alpha_max(d.X, d.y, Quadratic{}, L1(1)));
  REQUIRE_NOTHROW(sparseglm::alpha_grid(1.0, 1, 1.0));
  REQUIRE_NOTHROW(sparseglm::path(d.X, d.y, Quadratic{}, L1(1), d.alphas));
  sparseglm::Lasso lasso(0.01);
  REQUIRE_NOTHROW(lasso.fit(d.X, d.y));
  REQUIRE_NOTHROW(lasso.predict(d.X));
  REQUIRE_NOTHROW(lasso.predict(d.X_sparse));
}

TEST_CASE("validation: bad input throws sparseglm::invalid_argument naming the problem", "[validation]") {
  const Data d;
  const std::vector<Row> table = bad_input_table(d);
  REQUIRE(table.size() == 87);
  for (const Row& row : table) {
    DYNAMIC_SECTION(row.description) {
      INFO("expected message to contain: " << row.expected);
      REQUIRE_THROWS_AS(row.call(), sparseglm::invalid_argument);
      REQUIRE_THROWS_AS(row.call(), std::invalid_argument);  // the standard base class
      REQUIRE_THROWS_WITH(row.call(), Catch::Contains(row.expected));
    }
  }
}

// Quadratic without its lipschitz_is_column_norm declaration: the validation must then read X.
using test_support::QuadraticWithoutColumnNorms;

TEST_CASE("validation: NaN and Inf in X are found with or without column-norm Lipschitz constants",
          "[validation]") {
  const Data d;
  for (const double bad : {kNaN, kInf}) {
    Eigen::MatrixXd X = d.X;
    X(4, 2) = bad;
    const Eigen::SparseMatrix<double> X_sparse = X.sparseView();
    // Found by the pass over X before the datafit is initialised:
    CHECK_THROWS_WITH(sparseglm::solve(X, d.y, QuadraticWithoutColumnNorms{}, L1(0.1)),
                      Catch::Equals("X: contains NaN or Inf"));
    CHECK_THROWS_WITH(sparseglm::solve(X_sparse, d.y, QuadraticWithoutColumnNorms{}, L1(0.1)),
                      Catch::Equals("X: contains NaN or Inf"));
    // Found from the column's Lipschitz constant:
    CHECK_THROWS_WITH(sparseglm::solve(X, d.y, Quadratic{}, L1(0.1)),
                      Catch::Equals("X: contains NaN or Inf (column 2)"));
    CHECK_THROWS_WITH(sparseglm::solve(X_sparse, d.y, Quadratic{}, L1(0.1)),
                      Catch::Equals("X: contains NaN or Inf (column 2)"));
    CHECK_THROWS_WITH(sparseglm::solve(Eigen::MatrixXf(X.cast<float>()), d.y, Quadratic{}, L1(0.1)),
                      Catch::Equals("X: contains NaN or Inf (column 2)"));
  }
}

TEST_CASE("validation: a fit that throws leaves the estimator unchanged", "[validation]") {
  const Data d;
  sparseglm::Lasso lasso(0.01);
  REQUIRE_THROWS_AS(lasso.fit(d.X, Eigen::VectorXd(d.y.head(5))), sparseglm::invalid_argument);
  CHECK(!lasso.is_fitted());
  lasso.fit(d.X, d.y);
  const Eigen::VectorXd coef = lasso.coef();
  const double intercept = lasso.intercept();
  REQUIRE(lasso.is_fitted());
  Eigen::MatrixXd bad = d.X;
  bad(0, 0) = kNaN;
  REQUIRE_THROWS_AS(lasso.fit(bad, d.y), sparseglm::invalid_argument);
  CHECK(lasso.is_fitted());
  CHECK(lasso.coef() == coef);
  CHECK(lasso.intercept() == intercept);
}
