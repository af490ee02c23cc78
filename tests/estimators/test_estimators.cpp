// The scikit-learn style estimators: Lasso, ElasticNet, SparseLogisticRegression and the
// generic GeneralizedLinearEstimator. fit / predict / coef / intercept on dense, sparse and
// float data, the classifier's label encodings and probabilities, fit_intercept's default,
// warm starts and the fit summary.

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "../support/checks.hpp"
#include "../support/problems.hpp"
#include "../support/reference.hpp"
#include "sparseglm/sparseglm.hpp"

namespace {

using namespace test_support;
using ref::Loss;
using sparseglm::Index;
using sparseglm::SolverOptions;

SolverOptions with_tol(double tol) {
  SolverOptions options;
  options.tol = tol;
  return options;
}

ProblemSpec estimator_spec(TargetKind target, DesignKind design, std::uint64_t seed) {
  ProblemSpec spec;
  spec.n = 80;
  spec.p = 50;
  spec.design = design;
  spec.density = 0.15;
  spec.target = target;
  spec.intercept = 0.8;
  spec.seed = seed;
  return spec;
}

// predict / decision_function must be X * coef + intercept, in the scalar of X.
template <class Model, class XType>
void check_linear_prediction(const Model& model, const XType& X, const Eigen::MatrixXd& X_double,
                             double rel) {
  const auto scores = model.decision_function(X);
  static_assert(std::is_same_v<typename decltype(scores)::Scalar, typename XType::Scalar>);
  const Eigen::VectorXd expected = (X_double * model.coef()).array() + model.intercept();
  REQUIRE(scores.size() == X.rows());
  CHECK(relative_max_difference(scores, expected) <= rel);
}

template <class Model>
concept HasPredictProba = requires(const Model& model, const Eigen::MatrixXd& X) {
  model.predict_proba(X);
};

}  // namespace

TEST_CASE("Lasso: fit, coef, intercept and predict on dense, sparse and float data", "[estimators][lasso]") {
  const ProblemSpec spec = estimator_spec(TargetKind::regression, DesignKind::sparse, 501);
  const auto problem = make_problem<double>(spec);
  const auto single = make_problem<float>(spec);
  const double amax = ref::alpha_max(problem.X, problem.y, Loss::quadratic, ref::Penalty::l1(1), true);
  const double alpha = 0.05 * amax;
  INFO(describe(spec) << ", alpha = " << alpha);

  sparseglm::Lasso dense(alpha, with_tol(1e-10));
  CHECK(dense.alpha() == alpha);
  CHECK(!dense.is_fitted());
  dense.fit(problem.X, problem.y);
  REQUIRE(dense.is_fitted());
  REQUIRE(dense.coef().size() == spec.p);
  CHECK(dense.summary().converged());
  CHECK(count_nonzero(dense.coef()) >= 3);

  // The estimator is solve() with the same datafit, penalty and options.
  const auto direct = sparseglm::solve(problem.X, problem.y, sparseglm::datafits::Quadratic{},
                                       sparseglm::penalties::L1(alpha), with_tol(1e-10));
  CHECK(dense.coef() == direct.coef);
  CHECK(dense.intercept() == direct.intercept);
  const Certificate cert = certify(problem.X, problem.y, Loss::quadratic, ref::Penalty::l1(alpha),
                                   dense.coef(), dense.intercept(), true);
  CHECK(cert.kkt.violation <= 1e-10);

  const Eigen::VectorXd predicted = dense.predict(problem.X);
  const Eigen::VectorXd expected = (problem.X * dense.coef()).array() + dense.intercept();
  CHECK(relative_max_difference(predicted, expected) <= 1e-14);
  check_linear_prediction(dense, problem.X_sparse, problem.X, 1e-14);
  // A better fit than the constant model.
  CHECK((problem.y - predicted).squaredNorm() <
        0.5 * (problem.y.array() - problem.y.mean()).matrix().squaredNorm());

  sparseglm::Lasso sparse(alpha, with_tol(1e-10));
  sparse.fit(problem.X_sparse, problem.y);
  CHECK(sparse.summary().converged());
  CHECK(relative_max_difference(sparse.coef(), dense.coef()) <= 1e-8);
  CHECK(std::abs(sparse.intercept() - dense.intercept()) <= 1e-8);
  CHECK(relative_max_difference(sparse.predict(problem.X_sparse), predicted) <= 1e-8);

  sparseglm::Lasso single_precision(alpha);  // default tol 1e-4
  single_precision.fit(single.X, single.y);
  CHECK(single_precision.summary().converged());
  const Eigen::VectorXf predicted_float = single_precision.predict(single.X);
  CHECK(relative_max_difference(predicted_float,
                                Eigen::VectorXd((single.X_double() * single_precision.coef()).array() +
                                                single_precision.intercept())) <= 1e-5);
  const Certificate float_cert =
      certify(single.X_double(), single.y_double(), Loss::quadratic, ref::Penalty::l1(alpha),
              single_precision.coef(), single_precision.intercept(), true);
  const double slack = kkt_slack<float>(single.X_double(), single.y_double(), Loss::quadratic,
                                        single_precision.coef(), single_precision.intercept());
  CAPTURE(float_cert.kkt.violation, slack);
  CHECK(float_cert.kkt.violation <= 1e-4 + slack);
  // float and double models are close (the float one is certified to tol 1e-4 only).
  CHECK(relative_max_difference(predicted_float, predicted) <= 1e-3);
}

TEST_CASE("Lasso: fit_intercept is on by default and absorbs a shift of y", "[estimators][lasso]") {
  CHECK(SolverOptions{}.fit_intercept);
  CHECK(sparseglm::Lasso().options().fit_intercept);
  CHECK(sparseglm::ElasticNet().options().fit_intercept);
  CHECK(sparseglm::SparseLogisticRegression().options().fit_intercept);

  const auto problem =
      make_problem<double>(estimator_spec(TargetKind::regression, DesignKind::correlated, 503));
  const double alpha =
      0.05 * ref::alpha_max(problem.X, problem.y, Loss::quadratic, ref::Penalty::l1(1), true);
  sparseglm::Lasso base(alpha, with_tol(1e-10)), shifted(alpha, with_tol(1e-10));
  base.fit(problem.X, problem.y);
  shifted.fit(problem.X, Eigen::VectorXd(problem.y.array() + 100.0));
  CAPTURE(base.intercept(), shifted.intercept());
  CHECK(relative_max_difference(shifted.coef(), base.coef()) <= 1e-8);
  CHECK(std::abs(shifted.intercept() - base.intercept() - 100.0) <= 1e-8);

  SolverOptions no_intercept = with_tol(1e-10);
  no_intercept.fit_intercept = false;
  sparseglm::Lasso through_origin(alpha, no_intercept);
  through_origin.fit(problem.X, problem.y);
  CHECK(through_origin.intercept() == 0.0);
}

TEST_CASE("ElasticNet estimator: the ElasticNet penalty through solve", "[estimators][enet]") {
  const ProblemSpec spec = estimator_spec(TargetKind::regression, DesignKind::correlated, 505);
  const auto problem = make_problem<double>(spec);
  const double alpha =
      0.05 * ref::alpha_max(problem.X, problem.y, Loss::quadratic, ref::Penalty::elastic_net(1, 0.3), true);
  sparseglm::ElasticNet model(alpha, 0.3, with_tol(1e-10));
  CHECK(model.alpha() == alpha);
  CHECK(model.l1_ratio() == 0.3);
  model.fit(problem.X, problem.y);
  REQUIRE(model.summary().converged());
  const auto direct = sparseglm::solve(problem.X, problem.y, sparseglm::datafits::Quadratic{},
                                       sparseglm::penalties::ElasticNet(alpha, 0.3), with_tol(1e-10));
  CHECK(model.coef() == direct.coef);
  CHECK(model.intercept() == direct.intercept);
  const Certificate cert =
      certify(problem.X, problem.y, Loss::quadratic, ref::Penalty::elastic_net(alpha, 0.3), model.coef(),
              model.intercept(), true);
  CHECK(cert.kkt.violation <= 1e-10);
  CHECK(count_nonzero(model.coef()) >= 3);
  check_linear_prediction(model, problem.X, problem.X, 1e-14);
  CHECK(relative_max_difference(model.predict(problem.X), model.decision_function(problem.X)) == 0.0);

  // set_alpha keeps l1_ratio.
  model.set_alpha(2 * alpha);
  CHECK(model.alpha() == 2 * alpha);
  CHECK(model.l1_ratio() == 0.3);
}

TEST_CASE("SparseLogisticRegression: labels, probabilities and decision function", "[estimators][logistic]") {
  for (const DesignKind design : {DesignKind::correlated, DesignKind::sparse}) {
    const ProblemSpec spec = estimator_spec(TargetKind::classification, design, 507);
    const auto problem = make_problem<double>(spec);
    const Eigen::VectorXd zero_one = (problem.y.array() > 0).cast<double>();
    const double alpha =
        0.1 * ref::alpha_max(problem.X, problem.y, Loss::logistic, ref::Penalty::l1(1), true);
    INFO(describe(spec) << ", alpha = " << alpha);

    sparseglm::SparseLogisticRegression pm(alpha, with_tol(1e-10)), binary(alpha, with_tol(1e-10));
    if (design == DesignKind::sparse) {
      pm.fit(problem.X_sparse, problem.y);
      binary.fit(problem.X_sparse, zero_one);
    } else {
      pm.fit(problem.X, problem.y);
      binary.fit(problem.X, zero_one);
    }
    REQUIRE(pm.summary().converged());
    REQUIRE(binary.summary().converged());
    CHECK(pm.coef() == binary.coef());
    CHECK(pm.intercept() == binary.intercept());
    CHECK(count_nonzero(pm.coef()) >= 2);
    const Certificate cert = certify(problem.X, problem.y, Loss::logistic, ref::Penalty::l1(alpha), pm.coef(),
                                     pm.intercept(), true);
    CHECK(cert.kkt.violation <= 1e-10);

    const Eigen::VectorXd scores = pm.decision_function(problem.X);
    check_linear_prediction(pm, problem.X_sparse, problem.X, 1e-14);
    const Eigen::VectorXd labels_pm = pm.predict(problem.X);
    const Eigen::VectorXd labels_binary = binary.predict(problem.X_sparse);
    const Eigen::VectorXd proba = pm.predict_proba(problem.X);
    REQUIRE(labels_pm.size() == spec.n);
    REQUIRE(proba.size() == spec.n);
    for (Index i = 0; i < spec.n; ++i) {
      CAPTURE(i, scores[i], proba[i], labels_pm[i], labels_binary[i]);
      // The encoding the model was fitted with.
      CHECK((labels_pm[i] == -1.0 || labels_pm[i] == 1.0));
      CHECK((labels_binary[i] == 0.0 || labels_binary[i] == 1.0));
      CHECK(labels_pm[i] == (scores[i] > 0 ? 1.0 : -1.0));
      CHECK(labels_binary[i] == (scores[i] > 0 ? 1.0 : 0.0));
      // Probabilities strictly inside (0, 1), sigma(decision), and on the side of the label.
      CHECK(proba[i] > 0.0);
      CHECK(proba[i] < 1.0);
      CHECK(std::abs(proba[i] - 1.0 / (1.0 + std::exp(-scores[i]))) <= 1e-15);
      CHECK((proba[i] > 0.5) == (labels_pm[i] == 1.0));
    }
    // Both encodings are actually predicted, and the model beats chance on its training data.
    CHECK((labels_pm.array() == -1.0).any());
    CHECK((labels_binary.array() == 0.0).any());
    CHECK((labels_pm.array() == 1.0).any());
    const double accuracy = double((labels_pm.array() == problem.y.array()).count()) / double(spec.n);
    CAPTURE(accuracy);
    CHECK(accuracy > 0.7);
  }

  SECTION("refitting with the other encoding switches the predicted labels") {
    const auto problem =
        make_problem<double>(estimator_spec(TargetKind::classification, DesignKind::correlated, 509));
    sparseglm::SparseLogisticRegression model(0.01);
    model.fit(problem.X, Eigen::VectorXd((problem.y.array() > 0).cast<double>()));
    CHECK((model.predict(problem.X).array() == 0.0).any());
    model.fit(problem.X, problem.y);
    CHECK((model.predict(problem.X).array() == -1.0).any());
    CHECK(!(model.predict(problem.X).array() == 0.0).any());
  }

  SECTION("float data: predictions in float, probabilities in (0, 1)") {
    const auto single =
        make_problem<float>(estimator_spec(TargetKind::classification, DesignKind::correlated, 511));
    sparseglm::SparseLogisticRegression model(0.02);
    model.fit(single.X, single.y);
    CHECK(model.summary().converged());
    const Eigen::VectorXf proba = model.predict_proba(single.X);
    const Eigen::VectorXf labels = model.predict(single.X);
    CHECK((proba.array() > 0.0f).all());
    CHECK((proba.array() < 1.0f).all());
    CHECK(((labels.array() == 1.0f) || (labels.array() == -1.0f)).all());
    CHECK(((proba.array() > 0.5f) == (labels.array() == 1.0f)).all());
    check_linear_prediction(model, single.X, single.X_double(), 1e-5);
  }
}

TEST_CASE("GeneralizedLinearEstimator<Logistic, WeightedL1>", "[estimators][generic]") {
  const ProblemSpec spec = estimator_spec(TargetKind::classification, DesignKind::correlated, 513);
  const auto problem = make_problem<double>(spec);
  const Eigen::VectorXd weights = test_weights(spec.p);
  const ref::Penalty unit = ref::Penalty::weighted_l1(1, weights);
  const double amax = ref::alpha_max(problem.X, problem.y, Loss::logistic, unit, true);
  INFO(describe(spec));

  using Model =
      sparseglm::GeneralizedLinearEstimator<sparseglm::datafits::Logistic, sparseglm::penalties::WeightedL1>;
  Model model(sparseglm::datafits::Logistic{}, sparseglm::penalties::WeightedL1(0.2 * amax, weights),
              with_tol(1e-10));
  CHECK(model.options().fit_intercept);
  model.fit(problem.X_sparse, problem.y);
  REQUIRE(model.summary().converged());
  const auto direct =
      sparseglm::solve(problem.X_sparse, problem.y, sparseglm::datafits::Logistic{},
                       sparseglm::penalties::WeightedL1(0.2 * amax, weights), with_tol(1e-10));
  CHECK(model.coef() == direct.coef);
  CHECK(model.intercept() == direct.intercept);
  const Certificate cert = certify(problem.X, problem.y, Loss::logistic, unit.with_alpha(0.2 * amax),
                                   model.coef(), model.intercept(), true);
  CHECK(cert.kkt.violation <= 1e-10);
  check_linear_prediction(model, problem.X, problem.X, 1e-14);
  check_linear_prediction(model, problem.X_sparse, problem.X, 1e-14);

  // Above alpha_max only the unpenalised features (weights 0 at j = 0 and p / 2) are non-zero.
  model.set_penalty(sparseglm::penalties::WeightedL1(1.01 * amax, weights));
  model.fit(problem.X, problem.y);
  CHECK(model.summary().converged());
  CHECK(count_nonzero(model.coef()) == 2);
  CHECK(model.coef()[0] != 0.0);
  CHECK(model.coef()[spec.p / 2] != 0.0);
}

TEST_CASE("GeneralizedLinearEstimator: predict gives labels for a classifier, Xw + b for a regressor",
          "[estimators][generic]") {
  const ProblemSpec spec = estimator_spec(TargetKind::classification, DesignKind::correlated, 519);
  const auto problem = make_problem<double>(spec);
  const Eigen::VectorXd zero_one = (problem.y.array() > 0).cast<double>();
  const Eigen::VectorXd weights = test_weights(spec.p);
  const double alpha =
      0.2 * ref::alpha_max(problem.X, problem.y, Loss::logistic, ref::Penalty::weighted_l1(1, weights), true);
  INFO(describe(spec));

  sparseglm::GeneralizedLinearEstimator classifier(
      sparseglm::datafits::Logistic{}, sparseglm::penalties::WeightedL1(alpha, weights), with_tol(1e-10));
  for (const bool binary : {true, false}) {
    classifier.fit(problem.X, binary ? zero_one : problem.y);
    REQUIRE(classifier.summary().converged());
    const double negative = binary ? 0.0 : -1.0;
    const Eigen::VectorXd scores = classifier.decision_function(problem.X);
    const Eigen::VectorXd labels = classifier.predict(problem.X);
    const Eigen::VectorXd proba = classifier.predict_proba(problem.X_sparse);
    INFO((binary ? "{0, 1} labels" : "{-1, 1} labels"));
    REQUIRE(labels.size() == spec.n);
    for (Index i = 0; i < spec.n; ++i) {
      CAPTURE(i, scores[i], labels[i], proba[i]);
      CHECK(labels[i] == (scores[i] > 0 ? 1.0 : negative));
      CHECK(proba[i] > 0.0);
      CHECK(proba[i] < 1.0);
      CHECK(std::abs(proba[i] - 1.0 / (1.0 + std::exp(-scores[i]))) <= 1e-15);
    }
    CHECK((labels.array() == negative).any());
    CHECK((labels.array() == 1.0).any());
  }

  const auto regression =
      make_problem<double>(estimator_spec(TargetKind::regression, DesignKind::sparse, 521));
  sparseglm::GeneralizedLinearEstimator regressor(sparseglm::datafits::Quadratic{},
                                                  sparseglm::penalties::L1(0.05), with_tol(1e-10));
  regressor.fit(regression.X_sparse, regression.y);
  REQUIRE(regressor.summary().converged());
  CHECK(count_nonzero(regressor.coef()) >= 2);
  CHECK(regressor.predict(regression.X) == regressor.decision_function(regression.X));
  check_linear_prediction(regressor, regression.X_sparse, regression.X, 1e-14);
  // predict_proba exists for classifiers only.
  STATIC_REQUIRE(!HasPredictProba<decltype(regressor)>);
  STATIC_REQUIRE(HasPredictProba<decltype(classifier)>);
}

TEST_CASE("estimators: warm_start reuses the last solution", "[estimators][warm]") {
  const auto problem =
      make_problem<double>(estimator_spec(TargetKind::regression, DesignKind::correlated, 515));
  const double amax = ref::alpha_max(problem.X, problem.y, Loss::quadratic, ref::Penalty::l1(1), true);
  const double alpha1 = 0.05 * amax, alpha2 = 0.04 * amax;

  sparseglm::Lasso cold(alpha2, with_tol(1e-8));
  cold.fit(problem.X, problem.y);
  REQUIRE(cold.summary().converged());

  sparseglm::Lasso warm(alpha1, with_tol(1e-8));
  CHECK(!warm.warm_start());  // off by default
  warm.set_warm_start(true);
  CHECK(warm.warm_start());
  warm.fit(problem.X, problem.y);
  REQUIRE(warm.summary().converged());
  warm.set_alpha(alpha2);
  warm.fit(problem.X, problem.y);
  CAPTURE(cold.summary().n_epochs, warm.summary().n_epochs, cold.summary().n_iter, warm.summary().n_iter);
  CHECK(warm.summary().converged());
  CHECK(warm.summary().n_epochs < cold.summary().n_epochs);
  // Both are certified solutions of the same problem.
  const double gap = relative_difference(warm.summary().objective, cold.summary().objective);
  CHECK(gap <= 1e-8);

  // Refitting at the same alpha from the solution: one criterion, no epoch.
  warm.fit(problem.X, problem.y);
  CHECK(warm.summary().converged());
  CHECK(warm.summary().n_iter == 1);
  CHECK(warm.summary().n_epochs == 0);

  // Without warm_start a refit starts from zero again.
  const int first_epochs = cold.summary().n_epochs;
  cold.fit(problem.X, problem.y);
  CHECK(cold.summary().n_epochs == first_epochs);
}

TEST_CASE("estimators: the summary reports the fit", "[estimators][summary]") {
  const auto problem =
      make_problem<double>(estimator_spec(TargetKind::regression, DesignKind::correlated, 517));
  const double alpha =
      0.01 * ref::alpha_max(problem.X, problem.y, Loss::quadratic, ref::Penalty::l1(1), true);
  sparseglm::Lasso model(alpha, with_tol(1e-9));
  model.fit(problem.X, problem.y);
  const sparseglm::FitSummary& summary = model.summary();
  const Certificate cert = certify(problem.X, problem.y, Loss::quadratic, ref::Penalty::l1(alpha),
                                   model.coef(), model.intercept(), true);
  CAPTURE(summary.objective, summary.stop_crit, summary.n_iter, summary.n_epochs, to_string(summary.status));
  CHECK(summary.converged());
  CHECK(summary.status == sparseglm::SolverStatus::converged);
  CHECK(summary.stop_crit <= 1e-9);
  CHECK(std::abs(summary.stop_crit - cert.kkt.violation) <= 1e-12);
  CHECK(relative_difference(summary.objective, cert.objective) <= 1e-12);
  CHECK(summary.n_iter >= 2);
  CHECK(summary.n_epochs >= 1);

  model.options().max_iter = 1;
  model.fit(problem.X, problem.y);
  CHECK(!model.summary().converged());
  CHECK(model.summary().status == sparseglm::SolverStatus::max_iterations);
  CHECK(model.summary().n_iter == 1);
  CHECK(model.summary().stop_crit > 1e-9);
}
