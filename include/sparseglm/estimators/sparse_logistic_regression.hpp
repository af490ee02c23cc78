#pragma once
// SparseLogisticRegression: min_{w, b} (1/n) sum_i log(1 + exp(-y_i (x_i^T w + b))) + alpha ||w||_1,
// labels {-1, 1} or {0, 1}; predict returns labels in the encoding that fit was given.

#include "sparseglm/core/math.hpp"
#include "sparseglm/datafits/logistic.hpp"
#include "sparseglm/estimators/generalized_linear_estimator.hpp"
#include "sparseglm/penalties/l1.hpp"

namespace sparseglm {

class SparseLogisticRegression : public GeneralizedLinearEstimator<datafits::Logistic, penalties::L1> {
  using Base = GeneralizedLinearEstimator<datafits::Logistic, penalties::L1>;

 public:
  explicit SparseLogisticRegression(double alpha = 1.0, SolverOptions options = {})
      : Base(datafits::Logistic{}, penalties::L1{alpha}, std::move(options)) {}

  double alpha() const { return penalty().alpha(); }
  void set_alpha(double alpha) { set_penalty(penalties::L1{alpha}); }

  template <class XDerived, class YDerived>
  SparseLogisticRegression& fit(const Eigen::EigenBase<XDerived>& X, const Eigen::MatrixBase<YDerived>& y) {
    Base::fit(X, y);
    negative_label_ = (y.array() == typename YDerived::Scalar(0)).any() ? 0.0 : -1.0;
    return *this;
  }

  /// P(y = positive class | x) = sigma(x^T w + b), one per row of X.
  template <class XDerived>
  Vector<typename XDerived::Scalar> predict_proba(const Eigen::EigenBase<XDerived>& X) const {
    using Scalar = typename XDerived::Scalar;
    return decision_function(X).unaryExpr([](Scalar t) { return detail::sigmoid(t); });
  }

  /// The predicted labels: 1 where x^T w + b > 0, else the negative label (-1, or 0 when the
  /// model was fitted with {0, 1} labels).
  template <class XDerived>
  Vector<typename XDerived::Scalar> predict(const Eigen::EigenBase<XDerived>& X) const {
    using Scalar = typename XDerived::Scalar;
    const Scalar negative = Scalar(negative_label_);
    return decision_function(X).unaryExpr([negative](Scalar t) { return t > 0 ? Scalar(1) : negative; });
  }

 private:
  double negative_label_ = -1.0;
};

}  // namespace sparseglm
