#pragma once
// An independent reference for sparseglm's tests, written from the mathematics of
// DESIGN.md and NOT from the library: this header includes no sparseglm header.
//
// Problem: min over (w, b) of P(w, b) = F(Xw + b) + G(w), with
//   F(z) = (1/n) sum_i f(y_i, z_i),  f = (y - z)^2 / 2 (quadratic) or log(1 + e^{-yz}) (logistic,
//   y in {-1, +1}), and G(w) = sum_j a_j |w_j| + (l2 / 2) w_j^2, where
//   L1:          a_j = alpha,            l2 = 0
//   WeightedL1:  a_j = alpha * omega_j,  l2 = 0        (omega_j = 0: feature j is free)
//   ElasticNet:  a_j = alpha * r,        l2 = alpha (1 - r).
//
// Everything is plain dense double Eigen math:
//   objective(...)   P(w, b)
//   kkt(...)         the optimality violation: max over j of dist(-grad_j, dg_j(w_j)) with
//                    grad = X^T grad f(Xw + b), together with |dF/db| when an intercept is fitted
//   fista(...)       accelerated proximal gradient (Beck & Teboulle 2009) on (w, b) jointly with
//                    the global Lipschitz constant ||[X 1]||_2^2 / n (quadratic) or / (4n)
//                    (logistic), and adaptive gradient restart (O'Donoghue & Candes 2015),
//                    run until kkt <= tol or an iteration cap
//   null_model(...)  intercept and unpenalised features at their optimum, penalised ones at 0
//   alpha_max(...)   the smallest alpha for which the null model is optimal:
//                    max over penalised j of |grad0_j| / (a_j / alpha)

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace test_support::reference {

using Index = Eigen::Index;

enum class Loss { quadratic, logistic };

struct Penalty {
  enum class Kind { l1, weighted_l1, elastic_net };
  Kind kind = Kind::l1;
  double alpha = 0;
  Eigen::VectorXd weights;  ///< weighted_l1 only
  double l1_ratio = 1;      ///< elastic_net only

  static Penalty l1(double alpha) { return {Kind::l1, alpha, {}, 1.0}; }
  static Penalty weighted_l1(double alpha, Eigen::VectorXd weights) {
    return {Kind::weighted_l1, alpha, std::move(weights), 1.0};
  }
  static Penalty elastic_net(double alpha, double l1_ratio) {
    return {Kind::elastic_net, alpha, {}, l1_ratio};
  }

  Penalty with_alpha(double a) const {
    Penalty copy = *this;
    copy.alpha = a;
    return copy;
  }
  /// Weight of |w_j| per unit of alpha.
  double l1_unit(Index j) const {
    switch (kind) {
      case Kind::l1:
        return 1.0;
      case Kind::weighted_l1:
        return weights[j];
      case Kind::elastic_net:
        return l1_ratio;
    }
    return 1.0;
  }
  double l1_strength(Index j) const { return alpha * l1_unit(j); }
  double l2_strength() const { return kind == Kind::elastic_net ? alpha * (1.0 - l1_ratio) : 0.0; }
  bool penalized(Index j) const { return kind != Kind::weighted_l1 || weights[j] != 0.0; }
};

// ---- the smooth part, computed without overflow ----------------------------------------

/// log(1 + e^t) for any finite t.
inline double softplus(double t) { return std::max(t, 0.0) + std::log1p(std::exp(-std::abs(t))); }

/// 1 / (1 + e^{-t}) for any finite t.
inline double logistic_sigmoid(double t) {
  if (t >= 0) return 1.0 / (1.0 + std::exp(-t));
  const double e = std::exp(t);
  return e / (1.0 + e);
}

inline double loss_value(Loss loss, const Eigen::VectorXd& y, const Eigen::VectorXd& z) {
  const double n = double(y.size());
  double sum = 0;
  for (Index i = 0; i < y.size(); ++i)
    sum += loss == Loss::quadratic ? 0.5 * (y[i] - z[i]) * (y[i] - z[i]) : softplus(-y[i] * z[i]);
  return sum / n;
}

/// The n-vector of dF/dz_i.
inline Eigen::VectorXd loss_gradient(Loss loss, const Eigen::VectorXd& y, const Eigen::VectorXd& z) {
  const double n = double(y.size());
  Eigen::VectorXd g(y.size());
  for (Index i = 0; i < y.size(); ++i)
    g[i] = loss == Loss::quadratic ? (z[i] - y[i]) / n : -y[i] * logistic_sigmoid(-y[i] * z[i]) / n;
  return g;
}

inline double penalty_value(const Penalty& penalty, const Eigen::VectorXd& w) {
  double sum = 0;
  for (Index j = 0; j < w.size(); ++j)
    sum += penalty.l1_strength(j) * std::abs(w[j]) + 0.5 * penalty.l2_strength() * w[j] * w[j];
  return sum;
}

inline double objective(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, Loss loss, const Penalty& penalty,
                        const Eigen::VectorXd& w, double b) {
  const Eigen::VectorXd z = (X * w).array() + b;
  return loss_value(loss, y, z) + penalty_value(penalty, w);
}

// ---- optimality ---------------------------------------------------------------------------

/// dist(-g, subdifferential of a|t| + (l2/2) t^2 at t = w).
inline double subdiff_distance(double w, double g, double a, double l2) {
  if (w == 0.0) return std::max(0.0, std::abs(g) - a);
  return std::abs(g + a * (w > 0 ? 1.0 : -1.0) + l2 * w);
}

struct Kkt {
  double violation = 0;  ///< max of the two below
  double features = 0;   ///< max_j dist(-grad_j, dg_j(w_j))
  double intercept = 0;  ///< |dF/db| (0 without an intercept)
  Index worst = -1;      ///< the feature attaining `features`
};

inline Kkt kkt(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, Loss loss, const Penalty& penalty,
               const Eigen::VectorXd& w, double b, bool fit_intercept) {
  const Eigen::VectorXd z = (X * w).array() + b;
  const Eigen::VectorXd g = loss_gradient(loss, y, z);
  const Eigen::VectorXd grad = X.transpose() * g;
  Kkt result;
  for (Index j = 0; j < w.size(); ++j) {
    const double d = subdiff_distance(w[j], grad[j], penalty.l1_strength(j), penalty.l2_strength());
    if (d > result.features || result.worst < 0) {
      result.features = std::max(result.features, d);
      result.worst = j;
    }
  }
  result.intercept = fit_intercept ? std::abs(g.sum()) : 0.0;
  result.violation = std::max(result.features, result.intercept);
  return result;
}

// ---- floating-point rounding bounds ----------------------------------------------------------
// How far a quantity evaluated in a scalar of unit roundoff u (2^-24 for float) can be from the
// exact value at the same point, to first order in u, when z = Xw + b is evaluated from scratch
// (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., sec. 3.1: a sum of k
// products is off by at most gamma_k = k u / (1 - k u) times the sum of their magnitudes).

inline double gamma(Index k, double u) { return double(k) * u / (1.0 - double(k) * u); }

/// |fl(z_i) - z_i| <= gamma_{p+1} (sum_j |x_ij w_j| + |b|), per sample.
inline Eigen::VectorXd margin_rounding(const Eigen::MatrixXd& X, const Eigen::VectorXd& w, double b,
                                       double u) {
  return gamma(X.cols() + 1, u) * ((X.cwiseAbs() * w.cwiseAbs()).array() + std::abs(b));
}

/// Bound on |fl(grad f_i) - grad f_i|: the margin error times the curvature bound of f (1/n for
/// the quadratic, 1/(4n) for the logistic), plus a few roundings of the evaluation itself.
inline Eigen::VectorXd raw_gradient_rounding(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, Loss loss,
                                             const Eigen::VectorXd& w, double b, double u) {
  const double n = double(X.rows());
  const double curvature = loss == Loss::quadratic ? 1.0 / n : 0.25 / n;
  const Eigen::VectorXd g = loss_gradient(loss, y, (X * w).array() + b);
  return curvature * margin_rounding(X, w, b, u) + gamma(8, u) * g.cwiseAbs();
}

/// Bound on the error of the KKT violation: per feature, gamma_n |X_j|^T |g| + |X_j|^T |dg|;
/// for the intercept, gamma_n sum |g| + sum |dg|.
inline double kkt_rounding_bound(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, Loss loss,
                                 const Eigen::VectorXd& w, double b, double u) {
  const Eigen::VectorXd g = loss_gradient(loss, y, (X * w).array() + b).cwiseAbs();
  const Eigen::VectorXd dg = raw_gradient_rounding(X, y, loss, w, b, u);
  const Eigen::VectorXd per_feature = X.cwiseAbs().transpose() * (gamma(X.rows(), u) * g + dg);
  const double intercept = gamma(X.rows(), u) * g.sum() + dg.sum();
  return std::max(per_feature.size() ? per_feature.maxCoeff() : 0.0, intercept);
}

/// Bound on the error of the objective: sum_i |grad f_i| |dz_i| + gamma_{n+8} F + gamma_{p+4} G.
inline double objective_rounding_bound(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, Loss loss,
                                       const Penalty& penalty, const Eigen::VectorXd& w, double b, double u) {
  const Eigen::VectorXd z = (X * w).array() + b;
  const Eigen::VectorXd g = loss_gradient(loss, y, z);
  return g.cwiseAbs().dot(margin_rounding(X, w, b, u)) + gamma(X.rows() + 8, u) * loss_value(loss, y, z) +
         gamma(X.cols() + 4, u) * penalty_value(penalty, w);
}

// ---- FISTA ----------------------------------------------------------------------------------

/// The largest eigenvalue of A^T A with A = [X, 1] (or X without an intercept).
inline double squared_spectral_norm(const Eigen::MatrixXd& X, bool fit_intercept) {
  Eigen::MatrixXd A(X.rows(), X.cols() + (fit_intercept ? 1 : 0));
  A.leftCols(X.cols()) = X;
  if (fit_intercept) A.col(X.cols()).setOnes();
  if (A.cols() == 0) return 0.0;
  const Eigen::MatrixXd gram =
      A.rows() <= A.cols() ? Eigen::MatrixXd(A * A.transpose()) : Eigen::MatrixXd(A.transpose() * A);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(gram, Eigen::EigenvaluesOnly);
  return eigen.eigenvalues().maxCoeff();
}

struct FistaResult {
  Eigen::VectorXd w;
  double b = 0;
  double objective = 0;
  Kkt kkt;
  int iterations = 0;
};

struct FistaOptions {
  double tol = 1e-12;
  int max_iter = 200000;
  int check_every = 10;
};

inline FistaResult fista(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, Loss loss,
                         const Penalty& penalty, bool fit_intercept, const FistaOptions& options = {},
                         const Eigen::VectorXd* w0 = nullptr, double b0 = 0.0) {
  const Index n = X.rows(), p = X.cols();
  const double lipschitz =
      squared_spectral_norm(X, fit_intercept) / double(n) * (loss == Loss::quadratic ? 1.0 : 0.25);
  const double step = lipschitz > 0 ? 1.0 / lipschitz : 1.0;

  Eigen::VectorXd w = w0 ? *w0 : Eigen::VectorXd::Zero(p);
  double b = fit_intercept ? b0 : 0.0;
  Eigen::VectorXd v = w, w_new(p);  // extrapolated point (v, c)
  double c = b, t = 1.0;
  FistaResult result;
  for (int k = 1; k <= options.max_iter; ++k) {
    const Eigen::VectorXd z = (X * v).array() + c;
    const Eigen::VectorXd g = loss_gradient(loss, y, z);
    const Eigen::VectorXd grad = X.transpose() * g;
    for (Index j = 0; j < p; ++j) {
      const double x = v[j] - step * grad[j];
      const double threshold = step * penalty.l1_strength(j);
      const double shrunk = x > threshold ? x - threshold : (x < -threshold ? x + threshold : 0.0);
      w_new[j] = shrunk / (1.0 + step * penalty.l2_strength());
    }
    const double b_new = fit_intercept ? c - step * g.sum() : 0.0;

    // Gradient restart: drop the momentum when it points against the last prox-gradient step.
    const double alignment = (v - w_new).dot(w_new - w) + (c - b_new) * (b_new - b);
    if (alignment > 0) {
      t = 1.0;
      v = w_new;
      c = b_new;
    } else {
      const double t_new = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * t * t));
      const double momentum = (t - 1.0) / t_new;
      v = w_new + momentum * (w_new - w);
      c = b_new + momentum * (b_new - b);
      t = t_new;
    }
    w = w_new;
    b = b_new;
    result.iterations = k;
    if (k % options.check_every == 0 || k == options.max_iter) {
      result.kkt = kkt(X, y, loss, penalty, w, b, fit_intercept);
      if (result.kkt.violation <= options.tol) break;
    }
  }
  result.w = w;
  result.b = b;
  result.kkt = kkt(X, y, loss, penalty, w, b, fit_intercept);
  result.objective = objective(X, y, loss, penalty, w, b);
  return result;
}

// ---- null model and alpha_max --------------------------------------------------------------

struct NullModel {
  Eigen::VectorXd w;  ///< penalised entries exactly 0
  double b = 0;
};

/// The intercept (when fitted) and the unpenalised features at their optimum, the penalised
/// features held at 0: FISTA on the unpenalised columns alone.
inline NullModel null_model(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, Loss loss,
                            const Penalty& penalty, bool fit_intercept) {
  std::vector<Index> free;
  for (Index j = 0; j < X.cols(); ++j)
    if (!penalty.penalized(j)) free.push_back(j);
  NullModel model{Eigen::VectorXd::Zero(X.cols()), 0.0};
  if (free.empty() && !fit_intercept) return model;
  Eigen::MatrixXd X_free(X.rows(), Index(free.size()));
  for (std::size_t k = 0; k < free.size(); ++k) X_free.col(Index(k)) = X.col(free[k]);
  FistaOptions options;
  options.tol = 1e-14;
  const FistaResult fit = fista(X_free, y, loss, Penalty::l1(0.0), fit_intercept, options);
  for (std::size_t k = 0; k < free.size(); ++k) model.w[free[k]] = fit.w[Index(k)];
  model.b = fit.b;
  return model;
}

inline double alpha_max(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, Loss loss, const Penalty& penalty,
                        bool fit_intercept) {
  const NullModel model = null_model(X, y, loss, penalty, fit_intercept);
  const Eigen::VectorXd z = (X * model.w).array() + model.b;
  const Eigen::VectorXd grad0 = X.transpose() * loss_gradient(loss, y, z);
  double result = 0;
  for (Index j = 0; j < X.cols(); ++j)
    if (penalty.penalized(j)) result = std::max(result, std::abs(grad0[j]) / penalty.l1_unit(j));
  return result;
}

/// The optimal intercept of the intercept-only logistic model: log(n_+ / n_-).
inline double logistic_null_intercept(const Eigen::VectorXd& y) {
  const double positives = double((y.array() > 0).count());
  return std::log(positives / (double(y.size()) - positives));
}

}  // namespace test_support::reference
