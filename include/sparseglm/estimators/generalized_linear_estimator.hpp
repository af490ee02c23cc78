#pragma once
// GeneralizedLinearEstimator<Datafit, Penalty>: a scikit-learn style model around sparseglm::solve.
//
//   sparseglm::GeneralizedLinearEstimator model(datafits::Quadratic{}, penalties::L1{0.1});
//   model.fit(X, y);            // dense, sparse or Map; float or double
//   model.coef(); model.intercept(); model.predict(X_new);
//
// predict returns Xw + b for regression datafits and labels for classification datafits
// (those declaring `static constexpr bool is_classifier = true`, like Logistic), in the label
// encoding fit was given ({-1, 1} or {0, 1}); classifiers also have predict_proba.
// Coefficients are kept in double whatever the design's scalar; predictions are computed in
// the scalar of the matrix passed to predict. With warm_start on, fit starts from the last
// solution (e.g. when alpha is lowered step by step).

#include <string>
#include <utility>

#include "sparseglm/core/error.hpp"
#include "sparseglm/core/math.hpp"
#include "sparseglm/solvers/solve.hpp"

namespace sparseglm {

/// Figures of the last fit, independent of the design's scalar.
struct FitSummary {
  double objective = 0;
  double stop_crit = 0;
  int n_iter = 0;
  int n_epochs = 0;
  SolverStatus status = SolverStatus::converged;
  bool converged() const { return status == SolverStatus::converged; }
};

template <class DatafitType>
concept ClassificationDatafit = requires {
  requires DatafitType::is_classifier;
};

template <class DatafitType, class PenaltyType>
class GeneralizedLinearEstimator {
 public:
  GeneralizedLinearEstimator(DatafitType datafit, PenaltyType penalty, SolverOptions options = {})
      : datafit_(std::move(datafit)), penalty_(std::move(penalty)), options_(std::move(options)) {}

  template <class XDerived, class YDerived>
  GeneralizedLinearEstimator& fit(const Eigen::EigenBase<XDerived>& X, const Eigen::MatrixBase<YDerived>& y) {
    const bool warm = warm_start_ && fitted_ && coef_.size() == X.cols();
    const auto result = warm ? solve(X, y, datafit_, penalty_, options_, coef_, intercept_)
                             : solve(X, y, datafit_, penalty_, options_);
    coef_ = result.coef.template cast<double>();
    intercept_ = double(result.intercept);
    summary_ = FitSummary{double(result.objective), double(result.stop_crit), result.n_iter, result.n_epochs,
                          result.status};
    negative_label_ = (y.array() == typename YDerived::Scalar(0)).any() ? 0.0 : -1.0;
    fitted_ = true;
    return *this;
  }

  /// Xw + b, in the scalar of X.
  template <class XDerived>
  Vector<typename XDerived::Scalar> decision_function(const Eigen::EigenBase<XDerived>& X) const {
    using Scalar = typename XDerived::Scalar;
    if (!fitted_) detail::throw_invalid("model", "is not fitted yet: call fit first");
    if (X.cols() != coef_.size())
      detail::throw_invalid("X", "has " + std::to_string(X.cols()) + " columns but the fitted model has " +
                                     std::to_string(coef_.size()) + " coefficients");
    Vector<Scalar> scores = X.derived() * coef_.template cast<Scalar>();
    scores.array() += Scalar(intercept_);
    return scores;
  }

  /// Regression: Xw + b. Classification: 1 where Xw + b > 0, else the negative label (-1, or 0
  /// when the model was fitted with {0, 1} labels).
  template <class XDerived>
  Vector<typename XDerived::Scalar> predict(const Eigen::EigenBase<XDerived>& X) const {
    using Scalar = typename XDerived::Scalar;
    if constexpr (ClassificationDatafit<DatafitType>) {
      const Scalar negative = Scalar(negative_label_);
      return decision_function(X).unaryExpr([negative](Scalar t) { return t > 0 ? Scalar(1) : negative; });
    } else {
      return decision_function(X);
    }
  }

  /// P(y = positive class | x) = sigma(x^T w + b), one per row of X (classifiers only).
  template <class XDerived>
  requires ClassificationDatafit<DatafitType> Vector<typename XDerived::Scalar> predict_proba(
      const Eigen::EigenBase<XDerived>& X)
  const {
    using Scalar = typename XDerived::Scalar;
    return decision_function(X).unaryExpr([](Scalar t) { return detail::sigmoid(t); });
  }

  const Eigen::VectorXd& coef() const { return coef_; }
  double intercept() const { return intercept_; }
  bool is_fitted() const { return fitted_; }
  const FitSummary& summary() const { return summary_; }

  const DatafitType& datafit() const { return datafit_; }
  const PenaltyType& penalty() const { return penalty_; }
  void set_penalty(PenaltyType penalty) { penalty_ = std::move(penalty); }
  const SolverOptions& options() const { return options_; }
  SolverOptions& options() { return options_; }
  void set_warm_start(bool warm_start) { warm_start_ = warm_start; }
  bool warm_start() const { return warm_start_; }

  /// For penalties with one strength parameter (L1, WeightedL1, ElasticNet).
  double alpha() const requires AlphaPenalty<PenaltyType> { return penalty_.alpha(); }
  void set_alpha(double alpha) requires AlphaPenalty<PenaltyType> { penalty_ = penalty_.with_alpha(alpha); }

 private:
  DatafitType datafit_;
  PenaltyType penalty_;
  SolverOptions options_;
  bool warm_start_ = false;
  bool fitted_ = false;
  Eigen::VectorXd coef_;
  double intercept_ = 0;
  double negative_label_ = -1.0;
  FitSummary summary_;
};

}  // namespace sparseglm
