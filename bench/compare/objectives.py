"""sparseglm's objectives and certificates in numpy, to judge every solver's output the same way.

    lasso   ||y - Xw - b||^2 / (2n) + alpha ||w||_1
    enet    ||y - Xw - b||^2 / (2n) + alpha (r ||w||_1 + (1 - r) ||w||^2 / 2)
    logreg  mean_i log(1 + exp(-y_i (x_i.w + b))) + alpha ||w||_1      (labels {-1, 1})

alpha_max as sparseglm computes it: ||X^T (y - mean y)||_inf / n (/ r for enet) for the quadratic
datafit, half of that for the logistic one (X^T y instead of X^T (y - mean y) without an intercept).
"""

import numpy as np


def penalty_strengths(model, alpha, l1_ratio):
    """(l1, l2): the penalty is l1 ||w||_1 + l2 ||w||^2 / 2."""
    if model == "enet":
        return alpha * l1_ratio, alpha * (1 - l1_ratio)
    return alpha, 0.0


def alpha_max(X, y, model, l1_ratio, fit_intercept):
    n = X.shape[0]
    target = y - y.mean() if fit_intercept else y
    top = np.max(np.abs(np.asarray(X.T @ target).ravel()))
    if model == "logreg":
        return top / (2 * n)
    return top / n / (l1_ratio if model == "enet" else 1.0)


def linear_predictor(X, w, b):
    return np.asarray(X @ w).ravel() + b


def datafit_terms(X, y, model, w, b):
    """(F(Xw + b), the n-vector of dF/dz_i at z = Xw + b)."""
    n = X.shape[0]
    z = linear_predictor(X, w, b)
    if model == "logreg":
        raw = -y * 0.5 * (1.0 - np.tanh(y * z / 2)) / n  # -y sigmoid(-y z) / n, overflow-free
        return np.mean(np.logaddexp(0.0, -y * z)), raw
    return np.sum((y - z) ** 2) / (2 * n), (z - y) / n


def primal(X, y, model, alpha, l1_ratio, w, b):
    """P(w, b)."""
    l1, l2 = penalty_strengths(model, alpha, l1_ratio)
    return float(datafit_terms(X, y, model, w, b)[0] + l1 * np.abs(w).sum() + l2 * (w @ w) / 2)


def certificates(X, y, model, alpha, l1_ratio, w, b, fit_intercept):
    """(objective, sparseglm's optimality criterion, duality gap of sparseglm::duality_gap).

    The criterion is max_j dist(-grad_j, subdifferential of the penalty at w_j), and |dF/db| with
    an intercept. The gap uses the dual point theta = -grad F(Xw + b) (centred with an intercept),
    rescaled into the dual feasible set for the Lasso / L1-logistic."""
    n = X.shape[0]
    l1, l2 = penalty_strengths(model, alpha, l1_ratio)
    objective = primal(X, y, model, alpha, l1_ratio, w, b)
    raw = datafit_terms(X, y, model, w, b)[1]
    grad = np.asarray(X.T @ raw).ravel()
    violation = np.where(w == 0, np.maximum(0.0, np.abs(grad) - l1), np.abs(grad + l1 * np.sign(w) + l2 * w))
    stop_crit = max(float(violation.max(initial=0.0)), abs(raw.sum()) if fit_intercept else 0.0)

    theta = -raw
    if fit_intercept:
        theta = theta - theta.mean()
    Xt_theta = np.asarray(X.T @ theta).ravel()
    norm = np.max(np.abs(Xt_theta))
    scale = l1 / norm if (l2 == 0 and norm > l1) else 1.0
    theta, Xt_theta = theta * scale, Xt_theta * scale
    if model == "logreg":
        t = np.clip(n * y * theta, 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            entropy = np.where(t > 0, t * np.log(t), 0.0) + np.where(t < 1, (1 - t) * np.log1p(-t), 0.0)
        dual_datafit = -entropy.sum() / n
    else:
        dual_datafit = theta @ y - n * (theta @ theta) / 2
    conjugate = 0.0 if l2 == 0 else np.sum(np.maximum(np.abs(Xt_theta) - l1, 0.0) ** 2) / (2 * l2)
    return objective, float(stop_crit), float(objective - (dual_datafit - conjugate))
